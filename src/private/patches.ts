// Internal: JSON patches (the cdk8s escape hatch) applied to the rendered Kubernetes JSON, last.
import { ApiObject, JsonPatch } from 'cdk8s';

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
    let patched: any;
    try {
      // a copy: the rendered JSON may share objects with the construct's props, which patches must not change
      patched = JsonPatch.apply(JSON.parse(JSON.stringify(json)), ...patches);
    } catch (e: any) {
      const ops = patches.map(p => (p as any)._toJson());
      throw new Error(`[${object.node.path}] a JSON patch does not apply to the rendered ${object.kind} "${object.name}": ${e?.message ?? e}; `
        + `got ${JSON.stringify(ops)}; patch paths address the Kubernetes JSON as written to the YAML (e.g. /spec/source/repoURL): `
        + 'check that the parent path exists, and use JsonPatch.add for a key that is not there yet');
    }
    // like ApiObject.toJson(): apiVersion, kind and metadata first
    const result: any = {};
    for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (key in patched && !(key in result)) result[key] = patched[key];
    }
    return result;
  };
}
