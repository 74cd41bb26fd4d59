// Internal: the one way the library reports bad input. Every problem says what is wrong, the
// value given and how to fix it, and is reported against the construct path that owns it:
//
//   [<construct path>] <what>; got <value>; <fix>
//
// Problems found while a construct is built are collected and thrown together at the end of its
// constructor (`Problems.throwIfAny`); problems that need the whole App (cross-object rules) are
// returned from a validation (`Problems.messages`), which cdk8s prefixes with the path itself.
// Not part of the public API.
import { IConstruct } from 'constructs';

/** One problem: what is wrong, the value given (omitted when there is none) and the fix. */
export interface Problem {
  readonly what: string;
  readonly value?: unknown;
  readonly fix: string;
}

/** A value shown as written, not quoted (a duration such as `1500ms`, a count such as `none`). */
export class Shown {
  constructor(public readonly text: string) {}
}

/** Marks a value to appear in a message as written, e.g. `shown('1500ms')` gives `got 1500ms`. */
export function shown(text: string): Shown {
  return new Shown(text);
}

/** The value as it appears in a message: strings quoted, `shown(...)` as written, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (value instanceof Shown) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The message of a problem, without the construct path. */
export function problemMessage(problem: Problem): string {
  const got = 'value' in problem ? `; got ${formatValue(problem.value)}` : '';
  return `${problem.what}${got}; ${problem.fix}`;
}

/** The error thrown for bad input: each line is `[path] message`. */
export class ValidationError extends Error {
  constructor(public readonly path: string, public readonly problems: string[]) {
    super(problems.map(p => `[${path}] ${p}`).join('\n'));
    this.name = 'ValidationError';
  }
}

/** Collects the problems of one construct. */
export class Problems {
  private readonly found: string[] = [];
  private forward?: (message: string) => void;

  /** A collector without a scope only gathers messages for another (a metric before it joins a template). */
  constructor(private readonly scope: IConstruct | string = '') {}

  /** The construct path the problems are reported against. */
  public get path(): string {
    return typeof this.scope === 'string' ? this.scope : this.scope.node.path;
  }

  /** Records a problem; `value` is omitted from the message when not passed. */
  public add(what: string, ...rest: [value: unknown, fix: string] | [fix: string]): this {
    this.record(problemMessage(rest.length === 2 ? { what, value: rest[0], fix: rest[1] } : { what, fix: rest[0] }));
    return this;
  }

  /** Records a problem built elsewhere (e.g. by a shared check such as `secondsProblem`). */
  public addProblem(problem: Problem | undefined): this {
    if (problem) this.record(problemMessage(problem));
    return this;
  }

  /** Records each message of another collector or list. */
  public addAll(messages: Iterable<string>): this {
    for (const m of messages) this.record(m);
    return this;
  }

  /**
   * A collector for one part of the construct (a metric, an argument): what it records is also
   * recorded here, prefixed with `<part>: `.
   */
  public within(part: string): Problems {
    const child = new Problems(this.scope);
    child.forward = m => this.record(`${part}: ${m}`);
    return child;
  }

  /** Whether nothing was found. */
  public get isEmpty(): boolean {
    return this.found.length === 0;
  }

  /** The messages without the construct path (what a cdk8s validation returns). */
  public get messages(): string[] {
    return [...this.found];
  }

  private record(message: string): void {
    this.found.push(message);
    this.forward?.(message);
  }

  /** Throws every problem found, one line each; returns when there is none. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new ValidationError(this.path, this.found);
  }
}

/** Throws one problem at once (for a check the rest of the constructor cannot go on without). */
export function fail(scope: IConstruct | string, what: string, ...rest: [value: unknown, fix: string] | [fix: string]): never {
  const problems = new Problems(scope);
  problems.add(what, ...rest);
  problems.throwIfAny();
  throw new Error('unreachable');
}
