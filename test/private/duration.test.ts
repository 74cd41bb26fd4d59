import { Duration } from 'cdk8s';
import { describeDuration, goDuration, secondsProblem, wholeSeconds } from '../../src/private/duration';
import { problemMessage } from '../../src/private/problems';

describe('wholeSeconds', () => {
  test('returns the seconds of a whole-second duration', () => {
    expect(wholeSeconds(Duration.minutes(2), 'interval', 1)).toBe(120);
  });

  test('names the field and the milliseconds when the duration has a fractional second', () => {
    expect(wholeSeconds(Duration.millis(1500), 'interval', 1))
      .toBe('interval must be a whole number of seconds; got 1500ms; the controller truncates it to seconds, use Duration.seconds(2)');
  });

  test('rejects a duration below the minimum, naming both', () => {
    expect(wholeSeconds(Duration.seconds(0), 'timeout', 1)).toBe('timeout must be at least 1s; got 0s; give 1s or more');
  });

  test('accepts a duration equal to the minimum', () => {
    expect(wholeSeconds(Duration.seconds(5), 'timeout', 5)).toBe(5);
  });
});

describe('goDuration', () => {
  test.each([
    [0, '0s'], [45, '45s'], [60, '1m'], [90, '90s'], [300, '5m'], [3600, '1h'], [5400, '90m'], [7200, '2h'], [3601, '3601s'],
  ])('renders %d seconds as %s in the largest unit that divides it', (seconds, expected) => {
    expect(goDuration(seconds)).toBe(expected);
  });
});

describe('describeDuration', () => {
  test('uses the Go form for whole seconds', () => {
    expect(describeDuration(Duration.hours(1))).toBe('1h');
    expect(describeDuration(Duration.seconds(30))).toBe('30s');
  });

  test('falls back to milliseconds for a fractional second', () => {
    expect(describeDuration(Duration.millis(1500))).toBe('1500ms');
  });

  test('does not throw on a fraction of a millisecond', () => {
    expect(describeDuration(Duration.millis(0.5))).toBe('0.5ms');
  });
});

describe('secondsProblem, the one duration check', () => {
  test('a whole, in-range duration has no problems', () => {
    expect(secondsProblem('scaleDownDelay', Duration.seconds(30))).toBeUndefined();
  });

  test('a fractional second is reported in milliseconds', () => {
    expect(problemMessage(secondsProblem('scaleDownDelay', Duration.millis(2500))!))
      .toBe('scaleDownDelay must be a whole number of seconds; got 2500ms; the controller truncates it to seconds, use Duration.seconds(3)');
  });

  test('a whole-second duration past int32 seconds is reported as out of range', () => {
    expect(problemMessage(secondsProblem('abortScaleDownDelay', Duration.seconds(2147483648))!))
      .toBe('abortScaleDownDelay must be from 0 to 2147483647 seconds (an int32 field); got 2147483648s; use a shorter duration');
  });

  test('the int32 maximum itself is accepted', () => {
    expect(secondsProblem('progressDeadline', Duration.seconds(2147483647))).toBeUndefined();
  });
});
