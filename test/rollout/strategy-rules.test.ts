import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { albCanary, chart, rollout, service } from './fixtures';
import { Step } from '../../src/rollout/step';
import { AntiAffinity, RolloutStrategy } from '../../src/rollout/strategy';

/** The canary and blue-green strategy rules (strategy-rules.ts), seen through a Rollout. */
describe('blue-green strategy rules', () => {
  function blueGreen(options: Record<string, any>) {
    const c = chart();
    return () => rollout(c, RolloutStrategy.blueGreen({ activeService: service(c, 'checkout-active'), ...options }));
  }

  test('fails when scaleDownDelayRevisionLimit is negative', () => {
    expect(blueGreen({ scaleDownDelayRevisionLimit: -1 }))
      .toThrow(/blueGreen scaleDownDelayRevisionLimit must be from 0 to 2147483647 \(an int32 field\); got -1/);
  });

  test('fails when previewReplicaCount exceeds the int32 range', () => {
    expect(blueGreen({ previewReplicaCount: 2147483648 }))
      .toThrow(/blueGreen previewReplicaCount must be at most 2147483647 \(an int32 field\); got 2147483648; lower it/);
  });

  test('fails when abortScaleDownDelay is not whole seconds', () => {
    expect(blueGreen({ abortScaleDownDelay: Duration.millis(500) }))
      .toThrow(/blueGreen abortScaleDownDelay must be a whole number of seconds; got 500ms/);
  });

  test('fails when the anti-affinity weight is 0', () => {
    expect(blueGreen({ antiAffinity: AntiAffinity.preferred(0) }))
      .toThrow(/blueGreen antiAffinity weight must be a whole number from 1 to 100; got 0; give a whole number from 1 to 100/);
  });
});

describe('canary strategy rules', () => {
  test('fails when minPodsPerReplicaSet exceeds the int32 range', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10)], { minPodsPerReplicaSet: 2147483648 }))
      .toThrow(/canary minPodsPerReplicaSet must be at most 2147483647 \(an int32 field\); got 2147483648; lower it/);
  });

  test('reports a negative scaleDownDelayRevisionLimit as out of range, not as needing trafficRouting', () => {
    const build = () => rollout(chart(), RolloutStrategy.canary({ steps: [Step.setWeight(10)], scaleDownDelayRevisionLimit: -1 }));
    expect(build).toThrow(/canary scaleDownDelayRevisionLimit must be from 0 to 2147483647 \(an int32 field\); got -1; give a whole number in that range$/);
    expect(build).not.toThrow(/only works with trafficRouting/);
  });

  test('fails when scaleDownDelay is not whole seconds', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10)], { scaleDownDelay: Duration.millis(1500) }))
      .toThrow(/canary scaleDownDelay must be a whole number of seconds; got 1500ms/);
  });

  test('fails when background analysis startingStep is past the last step', () => {
    const c = chart();
    expect(() => albCanary(c, [Step.setWeight(10), Step.pause()], { analysis: { templates: [], startingStep: 2 } }))
      .toThrow(/canary background analysis startingStep is not a step index \(0-1\); got 2; give the index of a step/);
  });

  test('accepts a canary whose maxSurge is zero while maxUnavailable is not', () => {
    const options = { maxUnavailable: kplus.PercentOrAbsolute.absolute(1), maxSurge: kplus.PercentOrAbsolute.absolute(0) };
    expect(() => albCanary(chart(), [Step.setWeight(10)], options)).not.toThrow();
  });
});
