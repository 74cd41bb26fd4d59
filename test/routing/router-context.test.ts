import { Testing } from 'cdk8s';
import { RolloutSpecStrategyCanaryTrafficRouting } from '../../src/imports/rollout-argoproj.io';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { TrafficRouterContext } from '../../src/routing/router-context';
import { TrafficRouter } from '../../src/routing/traffic-router';
import { albSetup, chart, istioCanary, istioSetup, rollout, service } from '../rollout/fixtures';

/** A router that keeps the context it renders with. */
class RecordingRouter extends TrafficRouter {
  public seen?: TrafficRouterContext;

  constructor() {
    super();
  }

  public _supportsStep(): boolean {
    return true;
  }

  public _render(ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting {
    this.seen = ctx;
    return {};
  }
}

describe('the context a router is given', () => {
  test('names the Rollout, its pod labels and its routes in order of first use', () => {
    const c = chart();
    const recorder = new RecordingRouter();
    const s = istioSetup(c);
    rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { istio: { virtualServices: [s.vs] }, routers: [recorder] },
      steps: [
        Step.setWeight(10),
        Step.setMirrorRoute({ name: 'shadow', matches: [{ method: StringMatch.exact('GET') }] }),
        Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')]),
        Step.pause(),
        Step.removeHeaderRoute('beta'),
        Step.removeMirrorRoute('shadow'),
      ],
    }));
    Testing.synth(c);
    expect(recorder.seen!.rolloutName).toEqual('checkout');
    expect(recorder.seen!.podLabels).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    expect(recorder.seen!.managedRoutes).toEqual(['shadow', 'beta']);
    expect(recorder.seen!.headerRoutes).toEqual(['beta']);
  });

  test('carries the ALB service port to the other routers of the Rollout', () => {
    const c = chart();
    const recorder = new RecordingRouter();
    const s = albSetup(c);
    const r = rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80, rootServiceName: 'checkout-root' }, routers: [recorder] },
      steps: [Step.setWeight(10)],
    }));
    s.root.select(r);
    Testing.synth(c);
    expect(recorder.seen!.servicePort).toEqual(80);
  });
});

describe('ping-pong reset warning', () => {
  test('marks the Istio weights unsafe to reset when the Rollout splits between ping and pong', () => {
    const c = chart();
    const s = istioSetup(c);
    const r = rollout(c, RolloutStrategy.canary({
      pingPong: { pingService: service(c, 'checkout-ping'), pongService: service(c, 'checkout-pong') },
      trafficRouting: { istio: { virtualServices: [s.vs] } },
      steps: [Step.setWeight(10)],
    }));
    const vs = r.runtimeOwnedFields().find(f => f.kind === 'VirtualService');
    expect(vs?.unsafeToReset).toEqual('with ping-pong the Git weights send all traffic to ping, which every second release holds the previous, scaled-down pods');
  });

  test('leaves the Istio weights safe to reset with stable and canary Services', () => {
    const r = istioCanary(chart(), [Step.setWeight(10)]);
    const vs = r.runtimeOwnedFields().find(f => f.kind === 'VirtualService');
    expect(vs).toBeDefined();
    expect(vs!.unsafeToReset).toBeUndefined();
  });
});
