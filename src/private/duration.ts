// Internal: renders cdk8s Durations in the forms the Argo Rollouts controller parses, for the
// Rollout's steps and the analysis metrics. Not part of the public API.
import { Duration } from 'cdk8s';
import { INT32_MAX } from './checks';

/**
 * Whole seconds of a duration, or an error text when the duration has a fractional second or is
 * out of range. `what` names the field in the error.
 */
export function wholeSeconds(duration: Duration, what: string, min: number): number | string {
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isFinite(millis) || millis % 1000 !== 0) {
    return `${what} must be a whole number of seconds; got ${duration.toHumanString()} (${millis}ms)`;
  }
  const seconds = millis / 1000;
  if (seconds < min) {
    return `${what} must be at least ${min}s; got ${seconds}s`;
  }
  return seconds;
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

/** A field given as a Duration must be whole seconds (the controller reads int32 seconds). */
export function checkWholeSeconds(field: string, duration: Duration): string[] {
  const ms = duration.toMilliseconds({ integral: false });
  return Number.isFinite(ms) && ms % 1000 === 0 ? checkSecondsInRange(field, duration) : [`${field} must be a whole number of seconds; got ${ms}ms`];
}

/** A duration rendered as int32 seconds (or parsed as such by the controller) must fit 0..2147483647. */
export function checkSecondsInRange(field: string, duration: Duration): string[] {
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  return seconds >= 0 && seconds <= INT32_MAX ? [] : [`${field} must be from 0 to ${INT32_MAX} seconds (an int32 field); got ${seconds}s; use a shorter, non-negative duration`];
}
