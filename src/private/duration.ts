// Internal: the one check and the renderings of cdk8s Durations the Argo Rollouts controller reads
// as whole seconds, for the Rollout's steps and the analysis metrics. Not part of the public API.
import { Duration } from 'cdk8s';
import { INT32_MAX } from './checks';
import { Problem, problemMessage, shown } from './problems';

/**
 * The one duration check: the problem of a Duration the controller reads as whole seconds (an
 * int32, from `min` up), or undefined when it is fine. `field` names the field in the message.
 */
export function secondsProblem(field: string, duration: Duration, min: number = 0): Problem | undefined {
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isFinite(millis) || millis % 1000 !== 0) {
    return {
      what: `${field} must be a whole number of seconds`,
      value: shown(`${millis}ms`),
      fix: `the controller truncates it to seconds, use Duration.seconds(${Math.max(1, Math.round(millis / 1000))})`,
    };
  }
  const seconds = millis / 1000;
  if (seconds < min) return { what: `${field} must be at least ${min}s`, value: shown(`${seconds}s`), fix: `give ${min}s or more` };
  if (seconds > INT32_MAX) {
    return { what: `${field} must be from ${min} to ${INT32_MAX} seconds (an int32 field)`, value: shown(`${seconds}s`), fix: 'use a shorter duration' };
  }
  return undefined;
}

/** Whole seconds of a duration, or the message of its `secondsProblem`. */
export function wholeSeconds(duration: Duration, what: string, min: number): number | string {
  const problem = secondsProblem(what, duration, min);
  return problem ? problemMessage(problem) : duration.toMilliseconds({ integral: false }) / 1000;
}

/**
 * A Go `time.ParseDuration` string in a single unit (`h`, `m` or `s`), e.g. `5m`, `90s`, `1h`.
 * The caller has checked the duration is a whole number of seconds.
 */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * A duration for error messages, e.g. `30s`, `5m` or `1500ms`; never throws (cdk8s' own
 * conversions throw, without the construct path, on fractions of a millisecond).
 */
export function describeDuration(duration: Duration): string {
  const millis = duration.toMilliseconds({ integral: false });
  if (Number.isFinite(millis) && millis % 1000 === 0) return goDuration(millis / 1000);
  return `${millis}ms`;
}
