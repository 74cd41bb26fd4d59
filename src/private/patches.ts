// Internal: JSON patches (the cdk8s escape hatch) applied to the rendered Kubernetes JSON, last.
import { ApiObject, JsonPatch } from 'cdk8s';
import { fail } from './problems';

const PATCHED_LAST = new WeakSet<ApiObject>();

/**
 * Makes `object` apply the JSON patches added with `addJsonPatch()` to its rendered Kubernetes
 * JSON, after everything else.
 *
 * cdk8s applies patches in `ApiObject.toJson()`, before a generated L1 subclass converts the
 * result with its `toJson_*` function. That converter reads the L1's TypeScript spelling
 * (`repoUrl`, `consecutive5XxErrors`, `IntOrString` objects) and drops what it does not know, so
 * a patch written in Kubernetes spelling (`repoURL`, `consecutive5xxErrors`, `count: 5`, a plain
 * `targetPort: 8080`) vanished, and the library's own post-processing (Job pod specs, the Istio
 * API version) overwrote patches to the fields it rewrites. With this, the object renders exactly
 * as without patches, and the patches then apply to that JSON, as the cdk8s documentation
 * describes them.
 *
 * Call it right after creating the object, before anything adds a patch.
 */
export function applyPatchesLast(object: ApiObject): void {
  if (PATCHED_LAST.has(object)) return;
  PATCHED_LAST.add(object);
  const patches: JsonPatch[] = [];
  const render = object.toJson.bind(object);
  object.addJsonPatch = (...ops: JsonPatch[]) => {
    patches.push(...ops);
  };
  object.toJson = () => {
    const json = render();
    if (patches.length === 0) return json;
    // a copy: the rendered JSON may share objects with the construct's props, which patches must not change
    let patched: any = JSON.parse(JSON.stringify(json));
    for (const patch of patches) {
      const problem = patchProblem(patched, (patch as any)._toJson());
      if (problem) {
        fail(object, `a JSON patch does not apply to the rendered ${object.kind} "${object.name}": ${problem}`, patches.map(p => (p as any)._toJson()),
          'patch paths address the Kubernetes JSON as written to the YAML (e.g. /spec/source/repoURL): '
          + 'check that the parent path exists, and use JsonPatch.add for a key that is not there yet');
      }
      patched = JsonPatch.apply(patched, patch);
    }
    // like ApiObject.toJson(): apiVersion, kind and metadata first
    const result: any = {};
    for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (key in patched && !(key in result)) result[key] = patched[key];
    }
    return result;
  };
}

/** Why a JSON patch operation (RFC 6902) does not apply to `document`, or undefined when it does. */
export function patchProblem(document: any, op: { op: string; path: string; from?: string; value?: any }): string | undefined {
  const target = op.op === 'move' || op.op === 'copy' ? op.from ?? '' : op.path;
  if (op.op !== 'add' && resolve(document, target) === undefined) return `${op.op} ${target}: the path does not exist`;
  if (op.op === 'test' && JSON.stringify(resolve(document, target)!.value) !== JSON.stringify(op.value)) return `test ${target}: the value differs`;
  if (op.op === 'add' || op.op === 'move' || op.op === 'copy') {
    if (op.path === '') return undefined;
    const slash = op.path.lastIndexOf('/');
    const parent = resolve(document, op.path.slice(0, slash));
    const key = unescapeToken(op.path.slice(slash + 1));
    if (parent === undefined || parent.value === null || typeof parent.value !== 'object') return `${op.op} ${op.path}: the parent path does not exist`;
    if (Array.isArray(parent.value) && key !== '-' && !(/^(0|[1-9][0-9]*)$/.test(key) && Number(key) <= parent.value.length)) {
      return `${op.op} ${op.path}: "${key}" is not an index of the array (0-${parent.value.length} or "-")`;
    }
  }
  return undefined;
}

/** The value at a JSON pointer, wrapped (so that a stored `undefined` is told from a missing key). */
function resolve(document: any, pointer: string): { value: any } | undefined {
  if (pointer === '') return { value: document };
  let value = document;
  for (const token of pointer.split('/').slice(1).map(unescapeToken)) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value) ? !/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= value.length : !Object.prototype.hasOwnProperty.call(value, token)) {
      return undefined;
    }
    value = value[token];
  }
  return { value };
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
