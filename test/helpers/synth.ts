import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { validateManifest } from './schema';

/**
 * With CONFORMANCE_CORPUS_DIR set (`npx projen conformance`, `.ci/run`), every chart a unit test
 * synthesizes as valid is also written there, so the real API server and upstream validators
 * see the same apps the fast tests accept.
 */
function capture(chart: Chart, manifests: any[]): void {
  const dir = process.env.CONFORMANCE_CORPUS_DIR;
  if (!dir || manifests.length === 0) return;
  const body = JSON.stringify(manifests);
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const test = (globalThis as any).expect?.getState?.().currentTestName ?? chart.node.path;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${digest}.json`), JSON.stringify({ id: `unit: ${test}`, objects: manifests }));
}

/**
 * Synthesizes a chart, validates every object against its upstream schema and checks that a
 * second synthesis of the same chart gives byte-identical YAML.
 */
export function synthValidated(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  for (const manifest of manifests) validateManifest(manifest);
  const again = Testing.synth(chart);
  if (Yaml.stringify(...again) !== Yaml.stringify(...manifests)) {
    throw new Error(`synthesizing ${chart.node.path} twice gave different YAML`);
  }
  capture(chart, manifests);
  return manifests;
}

/**
 * Builds the same chart twice, in two fresh apps, and checks both give byte-identical YAML.
 * Returns the validated manifests of the first.
 */
export function synthDeterministic(build: (chart: Chart) => void): any[] {
  const render = () => {
    const chart = Testing.chart();
    build(chart);
    return synthValidated(chart);
  };
  const first = render();
  const second = render();
  if (Yaml.stringify(...first) !== Yaml.stringify(...second)) {
    throw new Error('building the same chart twice gave different YAML');
  }
  return first;
}

/** The one manifest of the given kind (and name, when several exist). */
export function findManifest(manifests: any[], kind: string, name?: string): any {
  const found = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}
