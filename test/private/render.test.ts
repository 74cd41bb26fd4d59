import { Duration } from 'cdk8s';
import { renderDuration, sortedMap } from '../../src/private/render';

describe('renderDuration', () => {
  test.each([
    [Duration.seconds(30), '30s'], [Duration.minutes(10), '10m'], [Duration.hours(2), '2h'], [Duration.seconds(0), '0s'],
  ])('renders %s in a unit the controller parses', (duration, expected) => {
    expect(renderDuration(duration)).toBe(expected);
  });

  test('rejects a fractional second and suggests the nearest whole number of seconds', () => {
    expect(() => renderDuration(Duration.millis(2400)))
      .toThrow('duration must be a whole number of seconds; got 2400ms; the controller truncates it to seconds, use Duration.seconds(2)');
  });

  test('suggests at least one second for a sub-second duration', () => {
    expect(() => renderDuration(Duration.millis(200))).toThrow(/use Duration\.seconds\(1\)$/);
  });
});

describe('sortedMap', () => {
  test('renders every value and orders the keys', () => {
    const result = sortedMap({ zeta: 1, alpha: 2, mid: 3 }, v => v * 10);
    expect(Object.keys(result)).toEqual(['alpha', 'mid', 'zeta']);
    expect(result).toEqual({ alpha: 20, mid: 30, zeta: 10 });
  });
});
