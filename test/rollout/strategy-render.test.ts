import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { albCanary, chart, rollout, service } from './fixtures';
import { HeaderMatch, Step } from '../../src/rollout/step';
import { AntiAffinity, RolloutStrategy } from '../../src/rollout/strategy';
import { findManifest, synthValidated } from '../helpers/synth';

/** How the strategies render into spec.strategy (strategy-render.ts). */
describe('blue-green strategy rendering', () => {
  test('renders every blue-green option under its controller field name', () => {
    const c = chart();
    const active = service(c, 'checkout-active');
    const preview = service(c, 'checkout-preview');
    const r = rollout(c, RolloutStrategy.blueGreen({
      activeService: active,
      previewService: preview,
      autoPromotionDelay: Duration.minutes(2),
      previewReplicaCount: 2,
      scaleDownDelay: Duration.seconds(45),
      scaleDownDelayRevisionLimit: 3,
      abortScaleDownDelay: Duration.seconds(15),
      antiAffinity: AntiAffinity.required(),
      activeMetadata: { labels: { role: 'active' } },
      previewMetadata: { annotations: { note: 'preview' } },
    }));
    active.select(r);
    preview.select(r);
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy).toEqual({
      blueGreen: {
        activeService: 'checkout-active',
        previewService: 'checkout-preview',
        autoPromotionSeconds: 120,
        previewReplicaCount: 2,
        scaleDownDelaySeconds: 45,
        scaleDownDelayRevisionLimit: 3,
        abortScaleDownDelaySeconds: 15,
        antiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} },
        activeMetadata: { labels: { role: 'active' } },
        previewMetadata: { annotations: { note: 'preview' } },
      },
    });
  });

  test('leaves out metadata that has neither labels nor annotations', () => {
    const c = chart();
    rollout(c, RolloutStrategy.blueGreen({ activeService: service(c, 'checkout-active'), activeMetadata: {} }));
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy.blueGreen).toEqual({ activeService: 'checkout-active' });
  });
});

describe('canary strategy rendering', () => {
  test('renders the canary scale-down and pod options under their controller field names', () => {
    const c = chart();
    albCanary(c, [Step.setWeight(10)], {
      maxSurge: kplus.PercentOrAbsolute.percent(50),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      scaleDownDelay: Duration.seconds(30),
      scaleDownDelayRevisionLimit: 2,
      abortScaleDownDelay: Duration.seconds(10),
      minPodsPerReplicaSet: 2,
      canaryMetadata: { labels: { role: 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
    });
    const canary = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary;
    expect(canary).toMatchObject({
      stableService: 'checkout-stable',
      canaryService: 'checkout-canary',
      maxSurge: '50%',
      maxUnavailable: 0,
      scaleDownDelaySeconds: 30,
      scaleDownDelayRevisionLimit: 2,
      abortScaleDownDelaySeconds: 10,
      minPodsPerReplicaSet: 2,
      canaryMetadata: { labels: { role: 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
    });
  });

  test('lists each header route once under managedRoutes', () => {
    const c = chart();
    albCanary(c, [
      Step.setWeight(10),
      Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')]),
      Step.pause(),
      Step.removeHeaderRoute('beta'),
    ]);
    const tr = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting;
    expect(tr.managedRoutes).toEqual([{ name: 'beta' }]);
  });

  test('renders no managedRoutes and no steps when there are none', () => {
    const c = chart();
    albCanary(c, []);
    const canary = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary;
    expect(canary.steps).toBeUndefined();
    expect(canary.trafficRouting.managedRoutes).toBeUndefined();
    expect(canary.trafficRouting.alb).toBeDefined();
  });
});
