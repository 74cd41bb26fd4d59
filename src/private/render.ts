// Internal rendering helpers shared by the constructs; not part of the public API.
import { Duration } from 'cdk8s';
import { goDuration, wholeSeconds } from './duration';

/**
 * Renders a duration in a form the controller parses (an integer with s, m or h); throws the
 * `secondsProblem` of a duration that is not whole int32 seconds (validation reports it first).
 */
export function renderDuration(duration: Duration): string {
  const seconds = wholeSeconds(duration, 'duration', 0);
  if (typeof seconds === 'string') throw new Error(seconds);
  return goDuration(seconds);
}

/** @internal */
export function sortedMap<T, U>(map: { [key: string]: T }, render: (value: T) => U): { [key: string]: U } {
  const result: { [key: string]: U } = {};
  for (const key of Object.keys(map).sort()) result[key] = render(map[key]);
  return result;
}
