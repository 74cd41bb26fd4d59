import { Duration, Testing } from 'cdk8s';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { chart, rollout, service } from '../rollout/fixtures';

/** Raw traffic-router plugins (`trafficRouting.plugins`, plugin.ts). */
const PLUGINS = { 'acme/mesh': { route: 'checkout', weights: { step: 5 } } };

function pluginCanary(steps: Step[], plugins: { [name: string]: any } = PLUGINS) {
  const c = chart();
  rollout(c, RolloutStrategy.canary({
    stableService: service(c, 'checkout-stable'),
    canaryService: service(c, 'checkout-canary'),
    trafficRouting: { plugins },
    steps,
  }));
  return c;
}

describe('PluginTrafficRouter', () => {
  test('renders the plugin configuration exactly as given', () => {
    const c = pluginCanary([Step.setWeight(10)]);
    const r = Testing.synth(c).find(m => m.kind === 'Rollout');
    expect(r.spec.strategy.canary.trafficRouting).toEqual({ plugins: { 'acme/mesh': { route: 'checkout', weights: { step: 5 } } } });
  });

  test('fails when the plugin map is empty, as a router that routes nothing', () => {
    expect(() => pluginCanary([Step.setWeight(10)], {})).toThrow(/canary trafficRouting has no router; set alb, istio, plugins or routers/);
  });

  test('serves header routes and lists them as managed routes', () => {
    const c = pluginCanary([Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.exact('x-beta', 'on')]), Step.pause(), Step.removeHeaderRoute('beta')]);
    const r = Testing.synth(c).find(m => m.kind === 'Rollout');
    expect(r.spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'beta' }]);
  });

  test('serves experiment template weights', () => {
    expect(() => pluginCanary([Step.experiment({ templates: [{ name: 'exp', specRef: ExperimentSpecRef.CANARY, weight: 10 }], duration: Duration.minutes(5) })]))
      .not.toThrow();
  });

  test('fails on a mirror route, quoting the controller\'s refusal', () => {
    expect(() => pluginCanary([Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [{ method: StringMatch.exact('GET') }] })]))
      .toThrow('mirror routes need Istio trafficRouting (the controller refuses them with plugin routers: "SetMirrorRoute requires TrafficRouting, supports Istio only"); use Istio, or a header route instead');
  });
});
