import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, formatValue, problemMessage, Problems, shown, ValidationError } from '../../src/private/problems';

describe('problems', () => {
  test('formats what, the value and the fix in one order', () => {
    expect(problemMessage({ what: 'name must be a DNS label', value: 'Checkout', fix: 'use lower case' }))
      .toBe('name must be a DNS label; got "Checkout"; use lower case');
    expect(problemMessage({ what: 'steps are empty', fix: 'add a step' })).toBe('steps are empty; add a step');
  });

  test('formats values as they were given', () => {
    expect(formatValue(3)).toBe('3');
    expect(formatValue(['a'])).toBe('["a"]');
    expect(formatValue(undefined)).toBe('nothing');
  });

  test('throws every problem of a construct, one line each with its path', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const scope = new Construct(chart, 'Thing');
    const problems = new Problems(scope).add('a', 1, 'fix a').add('b', 'fix b');
    expect(() => problems.throwIfAny()).toThrow(new ValidationError('chart/Thing', ['a; got 1; fix a', 'b; fix b']));
    expect(() => problems.throwIfAny()).toThrow(/^\[chart\/Thing\] a; got 1; fix a\n\[chart\/Thing\] b; fix b$/);
  });

  test('does not throw when nothing was found', () => {
    expect(() => new Problems('x').throwIfAny()).not.toThrow();
    expect(new Problems('x').isEmpty).toBe(true);
  });

  test('fails at once with one problem', () => {
    expect(() => fail('app/x', 'port', 0, 'give 1-65535')).toThrow('[app/x] port; got 0; give 1-65535');
  });

  test('shows a value as written when asked (durations, counts)', () => {
    expect(formatValue(shown('1500ms'))).toBe('1500ms');
    expect(problemMessage({ what: 'interval must be whole seconds', value: shown('1500ms'), fix: 'use Duration.seconds(2)' }))
      .toBe('interval must be whole seconds; got 1500ms; use Duration.seconds(2)');
  });

  test('records a problem built by a shared check, and nothing for undefined', () => {
    const problems = new Problems('app/x').addProblem({ what: 'a', value: 1, fix: 'fix a' }).addProblem(undefined);
    expect(problems.messages).toEqual(['a; got 1; fix a']);
  });

  test('a part of a construct records its problems prefixed with the part, in the same collector', () => {
    const problems = new Problems('app/t');
    const metric = problems.within('metric "p"');
    metric.add('count must be >= 1', 0, 'raise count');
    expect(metric.messages).toEqual(['count must be >= 1; got 0; raise count']);
    expect(() => problems.throwIfAny()).toThrow('[app/t] metric "p": count must be >= 1; got 0; raise count');
  });
});
