import { IConstruct } from 'constructs';
import { RuntimeOwnedFields } from './runtime-ownership';
import { fail, Problems } from '../private/problems';

/**
 * One Argo CD `ignoreDifferences` entry, as written in `spec.ignoreDifferences` of an Application.
 *
 * Use it for extra entries that no construct of this library records; the entries derived from
 * `deploys` are added automatically and merged with these.
 */
export interface IgnoreDifference {
  /**
   * API group of the objects, without version. Argo CD matches it with a glob; an empty or
   * missing group matches only the core group, so every non-core kind needs its group.
   * @default - the core group
   */
  readonly group?: string;

  /** Kind of the objects (glob). @example 'Deployment' */
  readonly kind: string;

  /**
   * Name of the object (exact match).
   * @default - every object of the kind
   */
  readonly name?: string;

  /**
   * Namespace of the object (exact match).
   * @default - every namespace
   */
  readonly namespace?: string;

  /**
   * RFC 6901 JSON pointers; a `/` inside a key is written `~1` and a `~` is written `~0`
   * (see `JsonPointer.of`).
   * @default - none
   */
  readonly jsonPointers?: string[];

  /**
   * jq path expressions that Argo CD evaluates as `del(<expression>)`; iterate with `[]?`.
   * @default - none
   */
  readonly jqPathExpressions?: string[];

  /**
   * Field managers whose fields are ignored. Never `rollouts-controller` on a VirtualService
   * or DestinationRule: its full Update takes the whole atomic list, which then hides every
   * later Git change (argo-rollouts#3854).
   * @default - none
   */
  readonly managedFieldsManagers?: string[];
}

/**
 * Builds RFC 6901 JSON pointers as Argo CD's `jsonPointers` expect them.
 */
export class JsonPointer {
  /**
   * The pointer of the given path segments, each escaped (`~` as `~0`, then `/` as `~1`).
   *
   * @example JsonPointer.of(['metadata', 'annotations', 'alb.ingress.kubernetes.io/actions.root'])
   *   // '/metadata/annotations/alb.ingress.kubernetes.io~1actions.root'
   */
  public static of(segments: string[]): string {
    return segments.map(s => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
  }

  /** The unescaped segments of a pointer; throws on a malformed pointer. */
  public static parse(pointer: string): string[] {
    const problem = jsonPointerProblem(pointer);
    if (problem) fail('JsonPointer.parse', 'invalid JSON pointer', pointer, problem);
    if (pointer === '') return [];
    return pointer.slice(1).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }

  private constructor() {}
}

/** API group of well-known kinds, to catch a record that forgot (or invented) its group. */
const KNOWN_GROUPS: { [kind: string]: string } = {
  Service: '',
  ConfigMap: '',
  Secret: '',
  ServiceAccount: '',
  Pod: '',
  Deployment: 'apps',
  ReplicaSet: 'apps',
  StatefulSet: 'apps',
  Ingress: 'networking.k8s.io',
  HorizontalPodAutoscaler: 'autoscaling',
  Rollout: 'argoproj.io',
  AnalysisTemplate: 'argoproj.io',
  ClusterAnalysisTemplate: 'argoproj.io',
  Experiment: 'argoproj.io',
  VirtualService: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
};

/** Kinds whose lists are atomic and on which `managedFieldsManagers: [rollouts-controller]` hides Git changes. */
const NO_ROLLOUTS_MANAGER_KINDS = ['VirtualService', 'DestinationRule'];
const ROLLOUTS_MANAGER = 'rollouts-controller';

/** Why a string is not an RFC 6901 pointer, or undefined when it is one. */
function jsonPointerProblem(pointer: string): string | undefined {
  if (pointer === '') return 'the empty pointer would ignore the whole object';
  if (!pointer.startsWith('/')) return 'a JSON pointer starts with "/"';
  if (/~(?![01])/.test(pointer)) return 'a "~" must be escaped as "~0" (and a "/" inside a key as "~1")';
  const segments = pointer.slice(1).split('/');
  if (segments.some(s => s === '')) return 'it has an empty segment ("//" or a trailing "/")';
  const [first, second] = segments;
  if (first === 'metadata' && (second === 'annotations' || second === 'labels') && segments.length > 3) {
    return `a key under /metadata/${second} is one segment: escape the "/" inside it as "~1"`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// jq path expressions: a small recursive-descent checker of the subset Argo CD can run in del()
// ---------------------------------------------------------------------------------------------

class JqPathChecker {
  private pos = 0;
  /** The first problem found; once set, parsing runs to the end of the text without reading more. */
  private problem?: string;

  constructor(private readonly text: string) {}

  /** Why the expression is not a safe jq path expression, or undefined. */
  public check(): string | undefined {
    this.skipSpace();
    this.pipeline();
    this.skipSpace();
    if (this.problem === undefined && this.pos < this.text.length) return `unexpected "${this.text.slice(this.pos)}" at offset ${this.pos}`;
    return this.problem;
  }

  private pipeline(): void {
    this.term();
    this.skipSpace();
    while (this.peek() === '|') {
      if (this.text[this.pos + 1] === '=') this.stop('"|=" is an update, not a path expression');
      this.pos++;
      this.skipSpace();
      this.term();
      this.skipSpace();
    }
  }

  private term(): void {
    this.skipSpace();
    if (this.text.startsWith('select(', this.pos) || this.text.startsWith('select (', this.pos)) {
      this.pos = this.text.indexOf('(', this.pos) + 1;
      this.condition();
      this.suffixes();
      return;
    }
    if (this.peek() !== '.') this.stop(`a path expression starts with "." or "select(", got "${this.text.slice(this.pos)}"`);
    this.pos++;
    if (this.peek() === '.') this.stop('".." (recurse) is not allowed: it deletes far more than intended');
    // `.` alone, `.key`, `."key"`, `.[...]`
    if (this.isIdentStart(this.peek())) this.identifier();
    else if (this.peek() === '"') this.stringLiteral();
    this.suffixes();
  }

  private suffixes(): void {
    for (;;) {
      const c = this.peek();
      if (c === '.') {
        this.pos++;
        if (this.isIdentStart(this.peek())) this.identifier();
        else if (this.peek() === '"') this.stringLiteral();
        else if (this.peek() !== '[') this.stop(`expected a key after "." at offset ${this.pos}`);
      } else if (c === '[') {
        this.pos++;
        this.skipSpace();
        if (this.peek() === ']') {
          this.pos++;
          if (this.peek() !== '?') {
            this.stop('iterate with "[]?" so that an object without the list is left alone instead of failing the expression');
          }
          this.pos++;
        } else {
          if (this.peek() === '"') this.stringLiteral();
          else this.number();
          this.skipSpace();
          this.expect(']');
          if (this.peek() === '?') this.pos++;
        }
      } else if (c === '?') {
        this.pos++;
      } else {
        return;
      }
    }
  }

  /** The body of select(...): any balanced filter, without variables or definitions. */
  private condition(): void {
    let depth = 1;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') { this.stringLiteral(); continue; }
      if (c === '$') this.stop('variables are not allowed: Argo CD wraps the expression in del()');
      if (c === '(') depth++;
      if (c === ')') {
        depth--;
        if (depth === 0) { this.pos++; return; }
      }
      this.pos++;
    }
    this.stop('unbalanced parentheses in select(...)');
  }

  private identifier(): void {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.pos])) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word.length === 0) this.stop(`expected a key at offset ${start}`);
  }

  private stringLiteral(): void {
    this.expect('"');
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') {
        if (this.text[this.pos + 1] === '(') this.stop('string interpolation is not allowed');
        this.pos++;
      }
      this.pos++;
    }
    this.expect('"');
  }

  private number(): void {
    const start = this.pos;
    if (this.peek() === '-') this.pos++;
    while (/[0-9]/.test(this.peek())) this.pos++;
    if (this.pos === start) this.stop(`expected an index, a key or "]" at offset ${start}`);
  }

  private isIdentStart(c: string): boolean {
    return /[A-Za-z_]/.test(c);
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.stop(`expected "${c}" at offset ${this.pos}`);
    this.pos++;
  }

  private skipSpace(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }

  /** Records the first problem and skips to the end of the text, which ends every loop. */
  private stop(message: string): void {
    this.problem ??= message;
    this.pos = this.text.length;
  }
}

/** Why a string is not a jq path expression Argo CD can run inside `del()`, or undefined. */
function jqPathProblem(expression: string): string | undefined {
  if (expression.trim() === '') return 'the expression is empty';
  if (expression.trim() === '.') return '"." would ignore the whole object';
  return new JqPathChecker(expression).check();
}

/** @internal */
export interface _IgnoreEntry {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers: Set<string>;
  jqPathExpressions: Set<string>;
  managedFieldsManagers: Set<string>;
  reasons: string[];
}

/**
 * Turns runtime-ownership records and extra entries into validated, grouped, sorted
 * `ignoreDifferences` entries.
 *
 * @internal
 */
export class _IgnoreDifferencesBuilder {
  /** The problems of the records and entries added so far; `render` throws them. */
  public readonly problems: Problems;
  private readonly entries = new Map<string, _IgnoreEntry>();
  private readonly unsafe = new Set<string>();
  private recordCount = 0;

  constructor(scope: IConstruct) {
    this.problems = new Problems(scope);
  }

  public addRecord(record: RuntimeOwnedFields): void {
    const where = `runtime-ownership record for ${record.kind} "${record.name}"`;
    const found = this.problems.messages.length;
    if (!record.kind) this.problems.add(`${where}: kind is empty`, record.kind, 'set the kind of the object the controller writes to');
    if (!record.name) this.problems.add(`${where}: name is empty`, record.name, 'set the name of the object; an unnamed record would ignore the fields of every object of the kind');
    if (!record.reason) this.problems.add(`${where}: reason is empty`, record.reason, 'say why the controller writes these fields');
    if ((record.jsonPointers ?? []).length + (record.jqPathExpressions ?? []).length === 0) {
      this.problems.add(`${where} names no field`, 'give at least one jsonPointer or jqPathExpression');
    }
    if (this.problems.messages.length > found) return;
    this.add({
      group: record.group,
      kind: record.kind,
      name: record.name,
      namespace: record.namespace,
      jsonPointers: record.jsonPointers,
      jqPathExpressions: record.jqPathExpressions,
    }, where, record.reason);
    this.recordCount++;
    if (record.unsafeToReset) this.unsafe.add(`${record.kind} "${record.name}": ${record.unsafeToReset}`);
  }

  public addExtra(entry: IgnoreDifference): void {
    const where = `ignoreDifferences entry for ${entry.kind}${entry.name ? ` "${entry.name}"` : ''}`;
    const found = this.problems.messages.length;
    if (!entry.kind) this.problems.add(`${where}: kind is empty`, entry.kind, 'set kind (Argo CD requires it; "*" matches every kind)');
    if ((entry.jsonPointers ?? []).length + (entry.jqPathExpressions ?? []).length + (entry.managedFieldsManagers ?? []).length === 0) {
      this.problems.add(`${where} names no field`, 'give jsonPointers, jqPathExpressions or managedFieldsManagers');
    }
    for (const manager of entry.managedFieldsManagers ?? []) {
      if (manager === ROLLOUTS_MANAGER && NO_ROLLOUTS_MANAGER_KINDS.some(k => globMatches(entry.kind, k))) {
        this.problems.add(`${where}: managedFieldsManagers on ${entry.kind}`, manager,
          'remove it: the controller\'s full Update takes ownership of the whole atomic list, so later Git changes to it are hidden for good (argo-rollouts#3854); the ignores derived from `deploys` already cover the weights and managed routes');
      }
      if (!manager) this.problems.add(`${where}: empty managedFieldsManagers entry`, manager, 'remove it');
    }
    if (this.problems.messages.length > found) return;
    this.add(entry, where, 'user-supplied');
  }

  /** The rendered entries, sorted by group, kind, namespace, name; paths sorted. */
  public render(): _IgnoreEntry[] {
    this.problems.throwIfAny();
    return [...this.entries.values()].sort((a, b) =>
      compare(a.group, b.group) || compare(a.kind, b.kind) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name ?? '', b.name ?? ''));
  }

  /** Whether any derived runtime-ownership record was added. */
  public hasRecords(): boolean {
    return this.recordCount > 0;
  }

  /** Why resetting some records' fields to Git breaks traffic (see `RuntimeOwnedFields.unsafeToReset`). */
  public unsafeResets(): string[] {
    return [...this.unsafe];
  }

  private add(entry: IgnoreDifference, where: string, reason: string): void {
    const group = entry.group ?? '';
    const known = KNOWN_GROUPS[entry.kind];
    const found = this.problems.messages.length;
    if (known !== undefined && known !== group) {
      this.problems.add(`${where}: wrong group`, group, known === ''
        ? `${entry.kind} is in the core group: leave group empty`
        : `${entry.kind} is in group "${known}": Argo CD matches an empty group only against the core group, so the entry would never apply`);
    }
    for (const pointer of entry.jsonPointers ?? []) {
      const problem = jsonPointerProblem(pointer);
      if (problem) this.problems.add(`${where}: jsonPointer is not a valid pointer`, pointer, problem);
    }
    for (const expression of entry.jqPathExpressions ?? []) {
      const problem = jqPathProblem(expression);
      if (problem) {
        this.problems.add(`${where}: jqPathExpression is not a path expression`, expression,
          `Argo CD runs it as del(${expression}), which needs a path expression: ${problem}`);
      }
    }
    if (this.problems.messages.length > found) return;
    const key = JSON.stringify([group, entry.kind, entry.namespace ?? '', entry.name ?? '']);
    let target = this.entries.get(key);
    if (!target) {
      target = {
        group,
        kind: entry.kind,
        name: entry.name || undefined,
        namespace: entry.namespace || undefined,
        jsonPointers: new Set(),
        jqPathExpressions: new Set(),
        managedFieldsManagers: new Set(),
        reasons: [],
      };
      this.entries.set(key, target);
    }
    for (const p of entry.jsonPointers ?? []) target.jsonPointers.add(p);
    for (const q of entry.jqPathExpressions ?? []) target.jqPathExpressions.add(q);
    for (const m of entry.managedFieldsManagers ?? []) target.managedFieldsManagers.add(m);
    if (!target.reasons.includes(reason)) target.reasons.push(reason);
  }

}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether an Argo CD glob (only `*` and `?` are supported here) matches a value. */
function globMatches(glob: string, value: string): boolean {
  const pattern = '^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$';
  return new RegExp(pattern).test(value);
}
