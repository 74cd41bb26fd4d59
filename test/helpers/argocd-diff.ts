/**
 * A model of how Argo CD compares desired and live objects (its diff and ignoreDifferences
 * normalisation in argoproj/argo-cd and gitops-engine): the ignore normaliser (JSON-pointer
 * removals that silently skip missing paths, and jq `del(<expression>)` evaluated by the real jq
 * in `jq-wasm`, skipping an expression that fails or gives no single result), `/status` ignored for every kind, and the default legacy
 * 3-way diff of a client-side apply, in which only fields present in the desired object can
 * drift. With `strict`, live-only keys inside atomic maps and list elements count as drift too,
 * as under Server-Side Diff.
 */
import jqFactory from 'jq-wasm/dist/build/jq.js';

/**
 * The jq of `jq-wasm`. One Emscripten instance aborts after some hundreds of runs (its heap is
 * never reset between `callMain`s), so each instance serves a bounded number of runs and is then
 * replaced by a fresh one.
 */
const RUNS_PER_INSTANCE = 100;
let instance: Promise<any> | undefined;
let runs = 0;

/** Runs a jq program on a value; returns its outputs, or throws jq's error. */
export async function runJq(data: any, program: string): Promise<any[]> {
  if (!instance || runs >= RUNS_PER_INSTANCE) {
    instance = jqFactory();
    runs = 0;
  }
  runs++;
  const output: string = await (await instance).raw(JSON.stringify(data), program, ['-M', '-c']);
  return output.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line));
}

/** Argo CD's handling of one jq ignore: keep the single result of `del(<expression>)`, else skip. */
const APPLY = 'def __argocd_apply(f): . as $in | [try f catch "__argocd_jq_error__"] as $r'
  + ' | if ($r | length) == 1 and $r[0] != "__argocd_jq_error__" then $r[0] else $in end;';

/** A jq program that applies each expression as Argo CD does, one after the other. */
function normalizerProgram(expressions: string[]): string {
  return `${APPLY} . ${expressions.map(e => `| __argocd_apply(del(${e}))`).join(' ')}`;
}

/** One `ignoreDifferences` entry (the rendered Application form). */
export interface IgnoreRule {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
  readonly managedFieldsManagers?: string[];
}

/** One field that differs. */
export interface FieldDrift {
  /** JSON pointer of the field. */
  readonly path: string;
  readonly desired: any;
  readonly live: any;
}

/** The drift of one object. */
export interface ObjectDrift {
  /** `group/Kind namespace/name` */
  readonly object: string;
  readonly fields: FieldDrift[];
}

export interface DiffOptions {
  /** Also report live-only keys in atomic maps and list elements (Server-Side Diff). @default false */
  readonly strict?: boolean;
  /** Namespace given to desired objects without one (Argo CD's destination namespace). */
  readonly destinationNamespace?: string;
}

export function groupOf(obj: any): string {
  const apiVersion: string = obj.apiVersion ?? '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function objectKey(obj: any): string {
  const group = groupOf(obj);
  return `${group ? group + '/' : ''}${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
}

function globMatches(glob: string, value: string): boolean {
  const pattern = '^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$';
  return new RegExp(pattern).test(value);
}

/** Whether an entry applies to an object, as Argo CD matches it (glob group/kind, exact name/namespace, empty = any). */
export function ruleMatches(rule: IgnoreRule, obj: any): boolean {
  return globMatches(rule.group ?? '', groupOf(obj))
    && globMatches(rule.kind, obj.kind)
    && (!rule.name || rule.name === obj.metadata?.name)
    && (!rule.namespace || rule.namespace === obj.metadata?.namespace);
}

/** RFC 6901 segments of a pointer. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer ${pointer}`);
  return pointer.slice(1).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Removes the pointed field in place; returns whether it existed (a missing path is skipped silently). */
export function removePointer(obj: any, pointer: string): boolean {
  const segments = pointerSegments(pointer);
  let node = obj;
  for (let i = 0; i < segments.length - 1; i++) {
    node = child(node, segments[i]);
    if (node === undefined || node === null || typeof node !== 'object') return false;
  }
  const last = segments[segments.length - 1];
  if (Array.isArray(node)) {
    if (!/^\d+$/.test(last) || Number(last) >= node.length) return false;
    node.splice(Number(last), 1);
    return true;
  }
  if (!Object.prototype.hasOwnProperty.call(node, last)) return false;
  delete node[last];
  return true;
}

function child(node: any, segment: string): any {
  if (Array.isArray(node)) return /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
  return node[segment];
}

/**
 * Runs `del(<expression>)` with jq. Returns the result, or undefined when Argo CD would skip the
 * expression (a runtime error, no output or more than one output). An expression that does not
 * compile throws: Argo CD then fails the comparison of the whole Application.
 */
export async function jqDelete(obj: any, expression: string): Promise<any | undefined> {
  await checkCompiles(expression);
  let out: any[];
  try {
    out = await runJq(obj, `[del(${expression})]`);
  } catch {
    return undefined;
  }
  return out.length === 1 && out[0].length === 1 ? out[0][0] : undefined;
}

const compiled = new Set<string>();

/** Throws Argo CD's comparison error when `del(<expression>)` does not compile. */
async function checkCompiles(expression: string): Promise<void> {
  if (compiled.has(expression)) return;
  try {
    await runJq(null, `def __check: del(${expression}); 1`);
  } catch (e) {
    throw new Error(`Failed to compare desired state to live state: failed to create diff normalizer: del(${expression}): ${(e as Error).message}`);
  }
  compiled.add(expression);
}

/** Applies every matching entry to a copy of the object, then drops `/status`. */
export async function normalize(obj: any, rules: IgnoreRule[]): Promise<any> {
  let result = JSON.parse(JSON.stringify(obj));
  for (const rule of rules) {
    if (!ruleMatches(rule, result)) continue;
    if ((rule.managedFieldsManagers ?? []).length > 0) {
      throw new Error('managedFieldsManagers cannot be simulated: the simulated live objects carry no managedFields');
    }
    for (const pointer of rule.jsonPointers ?? []) removePointer(result, pointer);
    const expressions = rule.jqPathExpressions ?? [];
    if (expressions.length) {
      for (const e of expressions) await checkCompiles(e);
      result = (await runJq(result, normalizerProgram(expressions)))[0];
    }
  }
  delete result.status;
  return result;
}

const isMap = (v: any) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Maps that are atomic under server-side apply (a live-only key in them is a Server-Side Diff). */
function isAtomicMap(obj: any, path: string[]): boolean {
  return obj.kind === 'Service' && groupOf(obj) === '' && path.join('/') === 'spec/selector';
}

/**
 * The fields of `desired` whose live value differs (legacy 3-way diff of a client-side apply),
 * plus, with `strict`, live-only keys inside atomic maps and list elements.
 */
export function diffObject(desired: any, live: any, options: DiffOptions = {}): FieldDrift[] {
  const out: FieldDrift[] = [];
  const walk = (d: any, l: any, path: string[], atomic: boolean) => {
    const pointer = '/' + path.map(s => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    if (isMap(d)) {
      if (!isMap(l)) { out.push({ path: pointer, desired: d, live: l }); return; }
      const inAtomic = atomic || isAtomicMap(desired, path);
      for (const key of Object.keys(d)) {
        if (!(key in l)) out.push({ path: pointer === '/' ? `/${key}` : `${pointer}/${escape(key)}`, desired: d[key], live: undefined });
        else walk(d[key], l[key], [...path, key], inAtomic);
      }
      if (options.strict && inAtomic) {
        for (const key of Object.keys(l)) {
          if (!(key in d)) out.push({ path: `${pointer === '/' ? '' : pointer}/${escape(key)}`, desired: undefined, live: l[key] });
        }
      }
      return;
    }
    if (Array.isArray(d)) {
      if (!Array.isArray(l) || l.length !== d.length) { out.push({ path: pointer, desired: d, live: l }); return; }
      d.forEach((item, i) => walk(item, l[i], [...path, String(i)], true));
      return;
    }
    if (d !== l) out.push({ path: pointer, desired: d, live: l });
  };
  walk(desired, live, [], false);
  return out;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The drift of every desired object against its live counterpart, after both are normalised
 * with the rules; objects without drift are left out.
 */
export async function drift(desired: any[], live: any[], rules: IgnoreRule[], options: DiffOptions = {}): Promise<ObjectDrift[]> {
  const result: ObjectDrift[] = [];
  for (const d of desired) {
    const target = JSON.parse(JSON.stringify(d));
    if (!target.metadata.namespace && options.destinationNamespace) target.metadata.namespace = options.destinationNamespace;
    const key = objectKey(target);
    const l = live.find(o => objectKey(o) === key);
    if (!l) { result.push({ object: key, fields: [{ path: '', desired: 'present', live: 'missing' }] }); continue; }
    const fields = diffObject(await normalize(target, rules), await normalize(l, rules), options);
    if (fields.length) result.push({ object: key, fields });
  }
  return result;
}

/**
 * Dead ignore rules: an entry that matches no emitted object, or a path that exists in none of
 * the matched objects at any phase (desired or live). Returns one message per problem.
 */
export async function deadRules(rules: IgnoreRule[], desired: any[], phases: any[][]): Promise<string[]> {
  const problems: string[] = [];
  for (const rule of rules) {
    const label = `${rule.group ? rule.group + '/' : ''}${rule.kind} ${rule.namespace ?? '*'}/${rule.name ?? '*'}`;
    const matched = desired.filter(o => ruleMatches(rule, o));
    if (matched.length === 0) { problems.push(`${label} matches no emitted object`); continue; }
    const candidates = [...matched, ...phases.flatMap(p => p.filter(o => ruleMatches(rule, o)))];
    for (const pointer of rule.jsonPointers ?? []) {
      if (!candidates.some(o => removePointer(JSON.parse(JSON.stringify(o)), pointer))) {
        problems.push(`${label} jsonPointer ${pointer} exists in no matched object at any phase`);
      }
    }
    for (const expression of rule.jqPathExpressions ?? []) {
      let exists = false;
      for (const o of candidates) {
        const out = await jqDelete(o, expression);
        if (out !== undefined && JSON.stringify(out) !== JSON.stringify(o)) { exists = true; break; }
      }
      if (!exists) problems.push(`${label} jqPathExpression ${expression} selects nothing in any matched object at any phase`);
    }
  }
  return problems;
}
