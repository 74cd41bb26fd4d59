import { Duration, Testing } from 'cdk8s';
import { RolloutSpecStrategyCanaryTrafficRouting } from '../../src/imports/rollout-argoproj.io';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { TrafficRouter } from '../../src/routing/traffic-router';
import { chart, rollout, service } from '../rollout/fixtures';

/** A router that only renders (every other hook keeps the base class default). */
class RenderOnlyRouter extends TrafficRouter {
  constructor(private readonly fragment: RolloutSpecStrategyCanaryTrafficRouting) {
    super();
  }

  public _render(): RolloutSpecStrategyCanaryTrafficRouting {
    return this.fragment;
  }
}

function withRouter(steps: Step[], router: TrafficRouter = new RenderOnlyRouter({ nginx: { stableIngress: 'checkout' } })) {
  const c = chart();
  const r = rollout(c, RolloutStrategy.canary({
    stableService: service(c, 'checkout-stable'),
    canaryService: service(c, 'checkout-canary'),
    trafficRouting: { routers: [router] },
    steps,
  }));
  return { c, r };
}

describe('TrafficRouter defaults', () => {
  test('a router that overrides only _render has its fragment rendered under trafficRouting', () => {
    const { c } = withRouter([Step.setWeight(10), Step.pause(Duration.minutes(1))]);
    const rendered = Testing.synth(c).find(m => m.kind === 'Rollout');
    expect(rendered.spec.strategy.canary.trafficRouting).toEqual({ nginx: { stableIngress: 'checkout' } });
  });

  test('a router is not empty by default, so trafficRouting with it needs no other router', () => {
    expect(() => withRouter([Step.setWeight(10)])).not.toThrow();
  });

  test('fails on a header route, which a router serves only when it says so', () => {
    expect(() => withRouter([Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')])]))
      .toThrow(/step 1 .*: header routes need ALB, Istio or plugin trafficRouting; add trafficRouting/);
  });

  test('fails on a mirror route without giving a router reason', () => {
    expect(() => withRouter([Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [{ path: StringMatch.prefix('/') }] })]))
      .toThrow(/mirror routes need Istio trafficRouting; use Istio, or a header route instead/);
  });

  test('fails on an experiment template weight, which needs a router that serves experiments', () => {
    expect(() => withRouter([Step.experiment({ templates: [{ name: 'exp', specRef: ExperimentSpecRef.CANARY, weight: 10 }], duration: Duration.minutes(5) })]))
      .toThrow(/step 0 experiment: template "exp" has a weight, which needs ALB, Istio or plugin trafficRouting/);
  });
});
