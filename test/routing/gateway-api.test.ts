import { Chart, Testing, YamlOutputType } from 'cdk8s';
import { RolloutsController } from '../../src/aws/rollouts-controller';
import { CanaryApp } from '../../src/canary-app';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { Rollout } from '../../src/rollout/rollout';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { GatewayApiHttpRoute, GatewayApiTrafficRouter } from '../../src/routing/gateway-api';
import { TrafficRouting } from '../../src/routing/traffic-routing';
import { drift, IgnoreRule } from '../helpers/argocd-diff';
import { findManifest, synthValidated } from '../helpers/synth';
import { chart, service } from '../rollout/fixtures';

const PLUGIN = 'argoproj-labs/gatewayAPI';

function gatewayApp(steps: Step[], c: Chart = chart()): CanaryApp {
  return new CanaryApp(c, 'checkout', {
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    routing: TrafficRouting.gatewayApi({ gateways: ['infra/public'], hostnames: ['checkout.example.com'] }),
    steps,
  });
}

describe('TrafficRouting.gatewayApi: a CanaryApp behind an HTTPRoute', () => {
  test('renders an HTTPRoute split 100/0 between stable and canary and the plugin configuration', () => {
    const c = chart();
    gatewayApp([Step.setWeight(20), Step.pause()], c);
    const manifests = synthValidated(c);
    expect(findManifest(manifests, 'HTTPRoute', 'checkout').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'public' }],
      hostnames: ['checkout.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { group: '', kind: 'Service', name: 'checkout-stable', port: 80, weight: 100 },
          { group: '', kind: 'Service', name: 'checkout-canary', port: 80, weight: 0 },
        ],
      }],
    });
    const canary = findManifest(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.stableService).toEqual('checkout-stable');
    expect(canary.canaryService).toEqual('checkout-canary');
    expect(canary.trafficRouting).toEqual({ plugins: { [PLUGIN]: { httpRoutes: [{ name: 'checkout' }] } } });
  });

  test('header routes turn on useHeaderRoutes and become managed routes', () => {
    const c = chart();
    gatewayApp([Step.setWeight(10), Step.setHeaderRoute('canary-hdr', [HeaderMatch.prefix('x-version', '2')]), Step.pause()], c);
    const tr = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting;
    expect(tr).toEqual({ plugins: { [PLUGIN]: { httpRoutes: [{ name: 'checkout', useHeaderRoutes: true }] } }, managedRoutes: [{ name: 'canary-hdr' }] });
  });

  test('refuses ping-pong, which the router does not split', () => {
    expect(() => new CanaryApp(chart(), 'checkout', {
      image: 'a:1', containerPort: 8080, pingPong: true, routing: TrafficRouting.gatewayApi({ gateways: ['public'] }),
    })).toThrow(/\[test\/checkout\] Gateway API routing splits between the stable and canary Services; got \{"pingPong":true\}; remove pingPong/);
  });

  test('mirror routes are refused as with every plugin router', () => {
    expect(() => gatewayApp([Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [{ method: StringMatch.exact('GET') }] })]))
      .toThrow(/mirror routes need Istio trafficRouting \(the controller refuses them with plugin routers/);
  });
});

describe('GatewayApiTrafficRouter on a Rollout', () => {
  test('needs stable and canary Services', () => {
    const c = chart();
    const route = new GatewayApiHttpRoute(c, 'route', { gateways: ['public'] });
    expect(() => new Rollout(c, 'app', {
      containers: [{ image: 'a:1' }],
      strategy: RolloutStrategy.canary({
        trafficRouting: { routers: [new GatewayApiTrafficRouter({ httpRoutes: [route] })] },
        steps: [Step.setWeight(10)],
      }),
    })).toThrow(/canary trafficRouting with the Gateway API needs both stableService and canaryService; got neither; set both/);
  });

  test('an HTTPRoute no Rollout uses fails at synth', () => {
    const c = chart();
    new GatewayApiHttpRoute(c, 'route', { gateways: ['public'] });
    expect(() => Testing.synth(c)).toThrow(/\[test\/route\] HTTPRoute "route" is not used by any Rollout/);
  });

  test.each(['a/b/c', 'Public'])('refuses a malformed gateway (%j)', (gateway) => {
    expect(() => new GatewayApiHttpRoute(chart(), 'route', { gateways: [gateway] })).toThrow(/gateway must be "<name>" or "<namespace>\/<name>"/);
  });

  // each of these synthesized before and was refused by the API server with the vendored CRD
  test.each([
    [{ gateways: ['infra/public', 'infra/public'] }, /gateways name a Gateway twice; got "infra\/public"; list each Gateway once/],
    [{ hostnames: ['Shop.example.com'] }, /hostname must be a lower-case DNS-1123 subdomain .*; got "Shop.example.com"/],
    [{ hostnames: ['shop.example.com:443'] }, /hostname must be a DNS name, not an IP address or host:port; got "shop.example.com:443"/],
    [{ hostnames: ['10.1.2.3'] }, /hostname must be a DNS name, not an IP address or host:port; got "10.1.2.3"/],
    [{ hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) }, /matches at most 16 hostnames; got 17/],
    [{ path: 'api' }, /path must start with "\/"; got "api"/],
    [{ path: '/api//v1' }, /path must not contain "\/\/"; got "\/api\/\/v1"; give an absolute, normalized path/],
    [{ path: '/api#top' }, /path must not contain "#"; got "\/api#top"/],
    [{ path: '/a b' }, /path must not contain whitespace; got "\/a b"/],
    [{ path: '/a"b' }, /path must contain only URL path characters .*; got "\/a\\"b"/],
  ])('refuses what the HTTPRoute CRD refuses (%j)', (props, message) => {
    expect(() => new GatewayApiHttpRoute(chart(), 'route', { gateways: ['infra/public'], ...props })).toThrow(message);
    expect(() => new GatewayApiHttpRoute(chart(), 'route', { gateways: ['infra/public'], ...props })).toThrow(/^\[test\/route\] /);
  });

  test('accepts wildcard hostnames and escaped paths', () => {
    expect(() => new GatewayApiHttpRoute(chart(), 'route', { gateways: ['infra/public', 'public'], hostnames: ['*.example.com'], path: '/caf%C3%A9/v1.2' })).not.toThrow();
  });

  test('merges its plugin entry with raw plugins of the same Rollout', () => {
    const c = chart();
    const route = new GatewayApiHttpRoute(c, 'route', { name: 'app', gateways: ['public'] });
    new Rollout(c, 'app', {
      containers: [{ image: 'a:1' }],
      strategy: RolloutStrategy.canary({
        stableService: service(c, 'app-stable'),
        canaryService: service(c, 'app-canary'),
        trafficRouting: { plugins: { 'acme/other': { x: 1 } }, routers: [new GatewayApiTrafficRouter({ httpRoutes: [route] })] },
        steps: [Step.setWeight(10)],
      }),
    });
    const tr = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting;
    expect(tr.plugins).toEqual({ 'acme/other': { x: 1 }, [PLUGIN]: { httpRoutes: [{ name: 'app' }] } });
  });
});

describe('GatewayApiTrafficRouter: runtime ownership and Argo CD', () => {
  function deployed(steps: Step[]) {
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const c = new Chart(app, 'checkout', { namespace: 'shop' });
    const canaryApp = gatewayApp(steps, c);
    const apps = new Chart(app, 'apps', { namespace: 'argocd' });
    new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://github.com/acme/platform.git', path: 'dist/checkout', destinationNamespace: 'shop', deploys: [c] });
    const rules: IgnoreRule[] = findManifest(synthValidated(apps), 'Application').spec.ignoreDifferences ?? [];
    return { canaryApp, desired: synthValidated(c), rules };
  }

  test('records the backend weights and the header-route rules of each HTTPRoute', () => {
    const { canaryApp } = deployed([Step.setWeight(10), Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('x-canary', '1')]), Step.pause()]);
    expect(canaryApp.rollout.runtimeOwnedFields().filter(r => r.kind === 'HTTPRoute')).toEqual([{
      group: 'gateway.networking.k8s.io',
      kind: 'HTTPRoute',
      name: 'checkout',
      namespace: 'shop',
      jqPathExpressions: ['.spec.rules[]?.backendRefs[]?.weight', '.spec.rules[]? | select(.name == "canary-hdr")'],
      reason: 'the Gateway API plugin of the Rollout checkout rewrites the backend weights and adds the header-route rules',
    }]);
  });

  test('what the plugin writes mid-release (weights, a header-route rule, its in-progress label) is no drift under the derived rules', async () => {
    const { desired, rules } = deployed([Step.setWeight(10), Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('x-canary', '1')]), Step.pause()]);
    const live = JSON.parse(JSON.stringify(desired));
    const route = live.find((o: any) => o.kind === 'HTTPRoute');
    route.metadata.labels = { ...route.metadata.labels, 'rollouts.argoproj.io/gatewayapi-canary': 'in-progress' };
    const [primary] = route.spec.rules;
    primary.backendRefs[0].weight = 90;
    primary.backendRefs[1].weight = 10;
    route.spec.rules.push({
      name: 'canary-hdr',
      matches: [{ path: primary.matches[0].path, headers: [{ name: 'x-canary', type: 'Exact', value: '1' }] }],
      backendRefs: [{ group: '', kind: 'Service', name: 'checkout-canary', port: 80 }],
    });
    // the selector hash the controller adds to the Services is covered by the Rollout's own records
    for (const s of live.filter((o: any) => o.kind === 'Service' && o.metadata.name !== 'checkout')) s.spec.selector['rollouts-pod-template-hash'] = 'abc';
    expect(await drift(desired, live, rules)).toEqual([]);
    // and without the rules the same live state drifts
    expect((await drift(desired, live, [])).length).toBeGreaterThan(0);
  });
});

describe('GatewayApiTrafficRouter.controllerPlugin: the controller loads the plugin', () => {
  test('gives the release binary of a version to RolloutsController', () => {
    expect(GatewayApiTrafficRouter.controllerPlugin('0.15.0')).toEqual({
      name: PLUGIN,
      location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64',
      sha256: undefined,
    });
    expect(() => GatewayApiTrafficRouter.controllerPlugin('v0.15')).toThrow(/got "v0.15"/);
  });

  test('a RolloutsController in the App that does not load the plugin fails at synth, one that does passes', () => {
    for (const loads of [false, true]) {
      const app = Testing.app();
      const platform = new Chart(app, 'platform', { namespace: 'argocd' });
      new RolloutsController(platform, 'rollouts', {
        region: 'eu-west-1',
        trafficRouterPlugins: loads ? [GatewayApiTrafficRouter.controllerPlugin('0.15.0')] : undefined,
      });
      gatewayApp([Step.setWeight(10)], new Chart(app, 'shop', { namespace: 'shop' }));
      if (loads) expect(() => app.synth()).not.toThrow();
      else expect(() => app.synth()).toThrow(/uses the traffic-router plugin "argoproj-labs\/gatewayAPI", but the RolloutsController at platform\/rollouts does not load it/);
    }
  });
});
