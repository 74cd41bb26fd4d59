import * as fs from 'fs';
import * as path from 'path';

import { createSyncFn } from 'synckit';

// The @kubernetes-models packages are ESM-only, which Jest's module loader cannot load, so
// validation runs in a plain Node worker thread, called synchronously.
const validateInWorker: (file: string, kind: string, manifest: any) => string | null =
  createSyncFn(path.join(__dirname, 'schema-worker.mjs'));

const CORE_GROUPS = new Set(['', 'apps', 'batch', 'networking.k8s.io', 'autoscaling', 'policy', 'rbac.authorization.k8s.io']);
const ARGO_CD_KINDS = new Set(['Application', 'AppProject', 'ApplicationSet']);
const GATEWAY_API_KINDS = new Set(['gateway.networking.k8s.io/v1/HTTPRoute']);

function packageDir(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`schema package ${name} is not installed`);
}

function modelFile(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (CORE_GROUPS.has(group)) return path.join(packageDir('kubernetes-models'), apiVersion, `${kind}.js`);
  if (group === 'argoproj.io') {
    const pkg = ARGO_CD_KINDS.has(kind) ? '@kubernetes-models/argo-cd' : '@kubernetes-models/argo-rollouts';
    return path.join(packageDir(pkg), apiVersion, `${kind}.js`);
  }
  if (group === 'networking.istio.io') return path.join(packageDir('@kubernetes-models/istio'), apiVersion, `${kind}.js`);
  throw new Error(`no schema is known for ${apiVersion} ${kind}`);
}

/**
 * Validates one manifest against its upstream schema; throws an error naming the object
 * and every schema violation.
 */
export function validateManifest(manifest: any): void {
  const { apiVersion, kind } = manifest ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw new Error(`manifest without apiVersion/kind: ${JSON.stringify(manifest).slice(0, 200)}`);
  }
  // no schema package for the Gateway API is installed: its HTTPRoutes are judged by the
  // conformance suite, which dry-runs them against the vendored CRD (crds/gateway-api/)
  if (GATEWAY_API_KINDS.has(`${apiVersion}/${kind}`)) return;
  const file = modelFile(apiVersion, kind);
  if (!fs.existsSync(file)) throw new Error(`no schema is known for ${apiVersion} ${kind} (${file})`);
  const error = validateInWorker(file, kind, manifest);
  if (error !== null) {
    throw new Error(`${kind} ${manifest.metadata?.name ?? '<unnamed>'} does not match its ${apiVersion} schema: ${error}`);
  }
}
