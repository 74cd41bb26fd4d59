// Internal: results reused within one synthesis, never across two. cdk8s 2.70 validates the
// whole App again for every chart it renders (`Chart.toJson()` runs every validation of the
// App), so with one chart per app each validation ran once per chart: quadratic in the number
// of apps. Here a synthesis is one outermost call of `App.synth()`, `App.synthYaml()` or
// `Chart.toJson()` (cdk8s' `App._synthChart`): a validation computes its result once in it and
// returns that result to the other passes of the same call. Nothing is reused outside such a
// call or from one call to the next, so a change made between two synths is always seen. Not
// part of the public API.
import { App } from 'cdk8s';
import { IValidation } from 'constructs';

/** Id of the synthesis in progress; 0 when none is. */
let current = 0;
let depth = 0;
let last = 0;

const WRAPPED = Symbol.for('cdk8s-rollouts.synthesis-cache.wrapped');

/** Runs `body` as (part of) one synthesis. */
function inSynthesis<T>(body: () => T): T {
  if (depth++ === 0) current = ++last;
  try {
    return body();
  } finally {
    if (--depth === 0) current = 0;
  }
}

/**
 * Wraps a method of cdk8s' App so that each outermost call is one synthesis. The wrapper
 * passes its arguments and result through unchanged; a second copy of this module (or of
 * cdk8s) wraps only once.
 */
function wrap(owner: any, name: string): void {
  const original = owner?.[name];
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped = function (this: any, ...args: any[]) {
    return inSynthesis(() => original.apply(this, args));
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  owner[name] = wrapped;
}

wrap(App.prototype, 'synth');
wrap(App.prototype, 'synthYaml');
// Chart.toJson() and Testing.synth() go through it; an App synth calls it once per chart
wrap(App, '_synthChart');

/**
 * A validation that computes its errors once per synthesis (see above); outside a synthesis,
 * for example `node.validate()` called directly, it computes them on every call.
 */
export function cachedValidation(validate: () => string[]): IValidation {
  let at = 0;
  let errors: string[] = [];
  return {
    validate: () => {
      if (current === 0) return validate();
      if (at !== current) {
        errors = validate();
        at = current;
      }
      return errors;
    },
  };
}

const MEMO = new WeakMap<object, Map<string, { at: number; value: unknown }>>();

/**
 * `compute()`, computed once per synthesis for `key` of `owner`; computed on every call
 * outside a synthesis.
 */
export function perSynthesis<T>(owner: object, key: string, compute: () => T): T {
  if (current === 0) return compute();
  let entries = MEMO.get(owner);
  if (!entries) {
    entries = new Map();
    MEMO.set(owner, entries);
  }
  const entry = entries.get(key);
  if (entry && entry.at === current) return entry.value as T;
  const value = compute();
  entries.set(key, { at: current, value });
  return value;
}
