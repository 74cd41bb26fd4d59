import { Duration } from 'cdk8s';
import { albCanary, chart, istioCanary, rollout } from './fixtures';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { HeaderMatch, Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';

/** The step rules (step-rules.ts), seen through the errors a Rollout throws at construction. */
describe('step rules', () => {
  test('fails when setWeight is above 100', () => {
    expect(() => albCanary(chart(), [Step.setWeight(101)]))
      .toThrow(/step 0 setWeight 101: weight must be a whole number from 0 to 100; got 101/);
  });

  test('fails when setCanaryScale replicas exceed the int32 range', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ replicas: 2147483648 })]))
      .toThrow(/replicas must be at most 2147483647 \(an int32 field\); got 2147483648; lower it/);
  });

  test('fails when setCanaryScale weight is above 100', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ weight: 150 })]))
      .toThrow(/weight must be a whole number from 0 to 100; got 150/);
  });

  test('a route set after setCanaryScale gives the canary pods passes even at weight 0', () => {
    const c = chart();
    expect(() => albCanary(c, [
      Step.setCanaryScale({ weight: 10 }),
      Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')]),
      Step.pause(),
      Step.removeHeaderRoute('beta'),
    ])).not.toThrow();
  });

  test('fails when setCanaryScale replicas 0 drops the canary pods under an active route', () => {
    expect(() => albCanary(chart(), [
      Step.setWeight(10),
      Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')]),
      Step.setCanaryScale({ replicas: 0 }),
    ])).toThrow(/step 2 .*: leaves the canary with no pods while route "beta" \(set at step 1 .*\) is active/);
  });

  test('fails when a pause duration is not whole seconds', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.pause(Duration.millis(1500))]))
      .toThrow(/step 1 pause 1500ms: duration must be a whole number of seconds; got 1500ms; the controller truncates it to seconds, use Duration\.seconds\(2\)/);
  });

  test('fails when an experiment template with a weight has no trafficRouting', () => {
    expect(() => rollout(chart(), RolloutStrategy.canary({
      steps: [Step.experiment({ templates: [{ name: 'exp', specRef: ExperimentSpecRef.CANARY, weight: 10 }], duration: Duration.minutes(5) })],
    }))).toThrow(/template "exp" has a weight, which needs trafficRouting/);
  });

  test('fails when an experiment duration is not whole seconds', () => {
    expect(() => istioCanary(chart(), [
      Step.experiment({ templates: [{ name: 'exp', specRef: ExperimentSpecRef.CANARY }], duration: Duration.millis(2500) }),
    ])).toThrow(/step 0 experiment duration must be a whole number of seconds; got 2500ms/);
  });

  test('reports the errors of every step, not only the first', () => {
    let message = '';
    try {
      albCanary(chart(), [Step.setWeight(-1), Step.setWeight(200)]);
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/step 0 setWeight -1: weight must be a whole number from 0 to 100; got -1/);
    expect(message).toMatch(/step 1 setWeight 200: weight must be a whole number from 0 to 100; got 200/);
  });
});
