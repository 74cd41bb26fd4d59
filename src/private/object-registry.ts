// Internal: the objects of one App by identity (API group, kind, namespace, name), so that two
// constructs emitting the same object fail at synth, naming both construct paths. Each
// emitting construct registers its object when it is created (no rendering); the check is a
// map lookup per object, made only for an object registered after another of the same
// identity. Not part of the public API.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { cachedValidation } from './synthesis-cache';

/** Kinds without a namespace among those the library emits. */
const CLUSTER_SCOPED = new Set(['ClusterAnalysisTemplate', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass']);

interface Entry {
  readonly owner: IConstruct;
  readonly object: ApiObject;
}

const REGISTRIES = new WeakMap<IConstruct, Map<string, Entry[]>>();
const REGISTERED = new WeakSet<ApiObject>();

function identity(object: ApiObject): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const namespace = CLUSTER_SCOPED.has(object.kind) ? '' : object.metadata.namespace ?? '';
  return JSON.stringify([group, object.kind, namespace, object.name]);
}

/** Describes the object for messages: `Service "orders-stable" in namespace "shop"`. */
function describe(object: ApiObject): string {
  const namespace = CLUSTER_SCOPED.has(object.kind) ? '' : object.metadata.namespace;
  return `${object.kind} "${object.name}"${namespace ? ` in namespace "${namespace}"` : ''}`;
}

/**
 * Registers the object `owner` emits in its App; at synth, `owner` reports every earlier
 * construct of the App that emits an object with the same group, kind, namespace and name.
 * Registering the same object twice has no effect.
 */
export function registerObject(owner: IConstruct, object: ApiObject): void {
  if (REGISTERED.has(object)) return;
  REGISTERED.add(object);
  const root = owner.node.root;
  let registry = REGISTRIES.get(root);
  if (!registry) {
    registry = new Map();
    REGISTRIES.set(root, registry);
  }
  const key = identity(object);
  const entries = registry.get(key) ?? [];
  entries.push({ owner, object });
  registry.set(key, entries);
  // only later owners report, so the first owner of an identity needs no validation: cdk8s
  // calls every validation of the App once per chart in app.synth() and app.synthYaml()
  if (entries.length === 1) return;
  owner.node.addValidation(cachedValidation(() => {
    const all = registry!.get(key)!;
    const index = all.findIndex(e => e.object === object);
    return all.slice(0, index).map(e => `${describe(object)} is also emitted by ${e.owner.node.path}; got the same (group, kind, namespace, name) twice in one App, so one would overwrite the other when applied; give one of them another name or namespace`);
  }));
}
