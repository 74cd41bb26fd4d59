// Internal rendering helpers shared by the constructs; not part of the public API.
import { Duration } from 'cdk8s';
import { goDuration } from './duration';

/**
 * Renders a duration in a form the controller parses (an integer with s, m or h); throws when
 * it is not a whole number of seconds.
 */
export function renderDuration(duration: Duration): string {
  const millis = duration.toMilliseconds({ integral: false });
  if (!Number.isFinite(millis) || millis % 1000 !== 0) {
    throw new Error(`duration ${millis}ms is not a whole number of seconds; the controller truncates it to seconds, use Duration.seconds(${Math.max(1, Math.round(millis / 1000))})`);
  }
  return goDuration(millis / 1000);
}

/** @internal */
export function sortedMap<T, U>(map: { [key: string]: T }, render: (value: T) => U): { [key: string]: U } {
  const result: { [key: string]: U } = {};
  for (const key of Object.keys(map).sort()) result[key] = render(map[key]);
  return result;
}
