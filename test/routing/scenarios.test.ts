/**
 * Six acceptance scenarios (S1-S6: ALB root action, ALB ping-pong, ALB header routing, Istio
 * host-level with header and mirror routes, Istio subset-level, ALB plus Istio with analysis),
 * built from typed props with the L2s, and checked for agreement between the objects (names, ports, labels, routes,
 * managedRoutes).
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArgument, PodTemplateHash } from '../../src/analysis/analysis-run';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { Rollout } from '../../src/rollout/rollout';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { AlbIngress } from '../../src/routing/alb';
import { IstioDestinationRule, IstioVirtualService } from '../../src/routing/istio';
import { findManifest, synthValidated } from '../helpers/synth';

const POD_LABELS = { 'app.kubernetes.io/name': 'app' };

function chart(): Chart {
  return new Chart(new App(), 'scenario', { namespace: 'shop' });
}

/** A Service with port 80 -> container port `http`, selecting nothing yet (the Rollout selects). */
function svc(scope: Chart, name: string): kplus.Service {
  return new kplus.Service(scope, `svc-${name}`, { metadata: { name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
}

function app(scope: Chart, strategy: RolloutStrategy): Rollout {
  return new Rollout(scope, 'app', {
    containers: [{ name: 'main', image: 'ghcr.io/acme/app:1.0.0', ports: [{ name: 'http', number: 8080 }] }],
    replicas: 4,
    strategy,
  });
}

/** Checks common to every scenario: Services select exactly the pod labels, no hash label, same ports. */
function expectServicesAgree(manifests: any[], names: string[]) {
  const rollout = findManifest(manifests, 'Rollout', 'app');
  for (const name of names) {
    const s = findManifest(manifests, 'Service', name).spec;
    expect(s.selector).toEqual(POD_LABELS);
    expect(s.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(rollout.spec.template.metadata.labels).toMatchObject(s.selector);
  }
  expect(rollout.spec.selector).toEqual({ matchLabels: POD_LABELS });
}

function albBackends(ingress: any): any[] {
  return ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
}

describe('acceptance scenarios', () => {
  test('S1: ALB canary with a root action', () => {
    const c = chart();
    const [root, stable, canary] = ['app-root', 'app-stable', 'app-canary'].map(n => svc(c, n));
    const ingress = new AlbIngress(c, 'ingress', { name: 'app' });
    const r = app(c, RolloutStrategy.canary({
      stableService: stable,
      canaryService: canary,
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'app-root' } },
      steps: [Step.setWeight(20), Step.pause(), Step.setWeight(50), Step.pause(Duration.minutes(5))],
    }));
    root.select(r);
    const m = synthValidated(c);
    expectServicesAgree(m, ['app-root', 'app-stable', 'app-canary']);
    const ing = findManifest(m, 'Ingress', 'app');
    expect(ing.spec.ingressClassName).toEqual('alb');
    expect(ing.spec.rules).toHaveLength(1);
    expect(ing.spec.rules[0].http.paths[0]).toMatchObject({ path: '/', pathType: 'Prefix' });
    expect(albBackends(ing)).toEqual([{ name: 'app-root', port: { name: 'use-annotation' } }]);
    expect(JSON.parse(ing.metadata.annotations['alb.ingress.kubernetes.io/actions.app-root'])).toEqual({
      Type: 'forward',
      ForwardConfig: { TargetGroups: [{ ServiceName: 'app-canary', ServicePort: '80', Weight: 0 }, { ServiceName: 'app-stable', ServicePort: '80', Weight: 100 }] },
    });
    const canarySpec = findManifest(m, 'Rollout', 'app').spec.strategy.canary;
    expect(canarySpec).toMatchObject({
      stableService: 'app-stable',
      canaryService: 'app-canary',
      trafficRouting: { alb: { ingress: 'app', rootService: 'app-root', servicePort: 80 } },
      steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '5m' } }],
    });
    expect(canarySpec.trafficRouting.managedRoutes).toBeUndefined();
  });

  test('S2: ALB ping-pong', () => {
    const c = chart();
    const [ping, pong] = ['app-ping', 'app-pong'].map(n => svc(c, n));
    const ingress = new AlbIngress(c, 'ingress', { name: 'app' });
    app(c, RolloutStrategy.canary({
      pingPong: { pingService: ping, pongService: pong },
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'app-root' } },
      scaleDownDelay: Duration.seconds(30),
      steps: [Step.setWeight(20), Step.pause()],
    }));
    const m = synthValidated(c);
    expectServicesAgree(m, ['app-ping', 'app-pong']);
    expect(m.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['app-ping', 'app-pong']);
    expect(albBackends(findManifest(m, 'Ingress'))).toEqual([{ name: 'app-root', port: { name: 'use-annotation' } }]);
    const canarySpec = findManifest(m, 'Rollout').spec.strategy.canary;
    expect(canarySpec).toMatchObject({
      pingPong: { pingService: 'app-ping', pongService: 'app-pong' },
      trafficRouting: { alb: { ingress: 'app', rootService: 'app-root', servicePort: 80 } },
      scaleDownDelaySeconds: 30,
    });
    expect(canarySpec.stableService).toBeUndefined();
    expect(canarySpec.canaryService).toBeUndefined();
  });

  test('S3: ALB header routing', () => {
    const c = chart();
    const [root, stable, canary] = ['app-root', 'app-stable', 'app-canary'].map(n => svc(c, n));
    const ingress = new AlbIngress(c, 'ingress', { name: 'app' });
    const r = app(c, RolloutStrategy.canary({
      stableService: stable,
      canaryService: canary,
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'app-root' } },
      steps: [
        Step.setCanaryScale({ replicas: 1 }),
        Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('X-Canary', 'true')]),
        Step.pause(),
        Step.setWeight(25),
        Step.pause(Duration.minutes(5)),
        Step.removeHeaderRoute('canary-hdr'),
      ],
    }));
    root.select(r);
    const m = synthValidated(c);
    expectServicesAgree(m, ['app-root', 'app-stable', 'app-canary']);
    const canarySpec = findManifest(m, 'Rollout').spec.strategy.canary;
    expect(canarySpec.trafficRouting.managedRoutes).toEqual([{ name: 'canary-hdr' }]);
    expect(canarySpec.steps.slice(0, 2)).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { setHeaderRoute: { name: 'canary-hdr', match: [{ headerName: 'X-Canary', headerValue: { exact: 'true' } }] } },
    ]);
    expect(canarySpec.steps[5]).toEqual({ setHeaderRoute: { name: 'canary-hdr' } });
    // the route name is not an Ingress backend, and every rule has http
    const ing = findManifest(m, 'Ingress');
    expect(albBackends(ing).map(b => b.name)).not.toContain('canary-hdr');
    expect(ing.spec.rules.every((rule: any) => rule.http)).toBe(true);
    const owned = r.runtimeOwnedFields().find(f => f.kind === 'Ingress')!;
    expect(owned.jsonPointers).toEqual(['/metadata/annotations/alb.ingress.kubernetes.io~1actions.app-root']);
    expect(owned.jqPathExpressions).toEqual(['.spec.rules[]?.http.paths[]? | select(.backend.service.name == "canary-hdr")']);
  });

  test('S4: Istio host-level with header and mirror routes', () => {
    const c = chart();
    const [stable, canary] = ['app-stable', 'app-canary'].map(n => svc(c, n));
    const vs = new IstioVirtualService(c, 'vs', { name: 'app', hosts: ['app.example.com'], gateways: ['istio-system/public', 'mesh'] });
    const r = app(c, RolloutStrategy.canary({
      stableService: stable,
      canaryService: canary,
      trafficRouting: { istio: { virtualServices: [vs] } },
      steps: [
        Step.setCanaryScale({ weight: 20 }),
        Step.setHeaderRoute('hdr', [HeaderMatch.prefix('x-canary', 'beta')]),
        Step.setMirrorRoute({ name: 'mirror', percentage: 30, matches: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/api') }] }),
        Step.pause(Duration.minutes(10)),
        Step.setWeight(10),
      ],
    }));
    const m = synthValidated(c);
    expectServicesAgree(m, ['app-stable', 'app-canary']);
    const vsSpec = findManifest(m, 'VirtualService', 'app').spec;
    expect(vsSpec).toEqual({
      hosts: ['app.example.com'],
      gateways: ['istio-system/public', 'mesh'],
      http: [{
        name: 'primary',
        route: [
          { destination: { host: 'app-stable', port: { number: 80 } }, weight: 100 },
          { destination: { host: 'app-canary', port: { number: 80 } }, weight: 0 },
        ],
      }],
    });
    const tr = findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting;
    expect(tr).toEqual({ istio: { virtualService: { name: 'app', routes: ['primary'] } }, managedRoutes: [{ name: 'hdr' }, { name: 'mirror' }] });
    // managed route names are not used by Git routes
    expect(vsSpec.http.map((h: any) => h.name)).not.toEqual(expect.arrayContaining(['hdr']));
    expect(vsSpec.http.map((h: any) => h.name)).not.toEqual(expect.arrayContaining(['mirror']));
    expect(r.runtimeOwnedFields().find(f => f.kind === 'VirtualService')!.jqPathExpressions).toEqual([
      '.spec.http[]?.route[]?.weight', '.spec.http[]? | select(.name == "hdr")', '.spec.http[]? | select(.name == "mirror")',
    ]);
  });

  test('S5: Istio subset-level', () => {
    const c = chart();
    const service = svc(c, 'app');
    const vs = new IstioVirtualService(c, 'vs', { name: 'app', hosts: ['app'] });
    const dr = new IstioDestinationRule(c, 'dr', { name: 'app', host: 'app' });
    const r = app(c, RolloutStrategy.canary({
      trafficRouting: { istio: { virtualServices: [vs], destinationRule: dr } },
      steps: [Step.setWeight(5), Step.pause(Duration.minutes(10))],
    }));
    service.select(r);
    const m = synthValidated(c);
    expectServicesAgree(m, ['app']);
    expect(findManifest(m, 'DestinationRule', 'app').spec).toEqual({
      host: 'app',
      subsets: [{ name: 'stable', labels: POD_LABELS }, { name: 'canary', labels: POD_LABELS }],
    });
    expect(findManifest(m, 'VirtualService', 'app').spec.http).toEqual([{
      name: 'primary',
      route: [
        { destination: { host: 'app', subset: 'stable' }, weight: 100 },
        { destination: { host: 'app', subset: 'canary' }, weight: 0 },
      ],
    }]);
    const canarySpec = findManifest(m, 'Rollout').spec.strategy.canary;
    expect(canarySpec).toEqual({
      trafficRouting: { istio: { virtualService: { name: 'app', routes: ['primary'] }, destinationRule: { name: 'app', stableSubsetName: 'stable', canarySubsetName: 'canary' } } },
      steps: [{ setWeight: 5 }, { pause: { duration: '10m' } }],
    });
  });

  test('S6: ALB north-south with ping-pong, Istio east-west with stable/canary, and analysis', () => {
    const c = chart();
    const [ping, pong, stable, canary] = ['app-ping', 'app-pong', 'app-stable', 'app-canary'].map(n => svc(c, n));
    const ingress = new AlbIngress(c, 'ingress', { name: 'app' });
    const vs = new IstioVirtualService(c, 'vs', { name: 'app', hosts: ['app'] });
    const successRate = new AnalysisTemplate(c, 'success-rate', {
      args: [TemplateArgument.required('svc'), TemplateArgument.required('canary-hash')],
      metrics: [Metric.prometheus({
        name: 'success-rate',
        address: 'http://prometheus.monitoring:9090',
        query: 'sum(rate(http_requests_total{service="{{args.svc}}",code!~"5.."}[1m])) / sum(rate(http_requests_total{service="{{args.svc}}"}[1m]))',
        successCondition: 'result[0] >= 0.99',
        failureLimit: 1,
        interval: Duration.minutes(1),
        count: 5,
      })],
    });
    const web = new AnalysisTemplate(c, 'web-check', {
      metrics: [Metric.web({ name: 'healthy', url: 'http://app-canary.shop/health', jsonPath: '{$.status}', successCondition: 'result == "ok"' })],
    });
    app(c, RolloutStrategy.canary({
      pingPong: { pingService: ping, pongService: pong },
      stableService: stable,
      canaryService: canary,
      trafficRouting: {
        alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'app-root' },
        istio: { virtualServices: [vs] },
      },
      steps: [
        Step.setWeight(25),
        Step.analysis({
          templates: [successRate, web],
          args: [AnalysisArgument.podTemplateHash('canary-hash', PodTemplateHash.LATEST), AnalysisArgument.value('svc', 'app-canary')],
        }),
        Step.pause(),
      ],
    }));
    const m = synthValidated(c);
    expectServicesAgree(m, ['app-ping', 'app-pong', 'app-stable', 'app-canary']);
    // ALB uses ping/pong
    const action = JSON.parse(findManifest(m, 'Ingress', 'app').metadata.annotations['alb.ingress.kubernetes.io/actions.app-root']);
    expect(action.ForwardConfig.TargetGroups.map((g: any) => g.ServiceName)).toEqual(['app-pong', 'app-ping']);
    expect(albBackends(findManifest(m, 'Ingress', 'app'))).toEqual([{ name: 'app-root', port: { name: 'use-annotation' } }]);
    // Istio uses stable/canary, on the ALB servicePort
    expect(findManifest(m, 'VirtualService', 'app').spec.http[0].route).toEqual([
      { destination: { host: 'app-stable', port: { number: 80 } }, weight: 100 },
      { destination: { host: 'app-canary', port: { number: 80 } }, weight: 0 },
    ]);
    const canarySpec = findManifest(m, 'Rollout').spec.strategy.canary;
    expect(canarySpec).toMatchObject({
      stableService: 'app-stable',
      canaryService: 'app-canary',
      pingPong: { pingService: 'app-ping', pongService: 'app-pong' },
      trafficRouting: {
        alb: { ingress: 'app', rootService: 'app-root', servicePort: 80 },
        istio: { virtualService: { name: 'app', routes: ['primary'] } },
      },
    });
    expect(canarySpec.steps[1]).toEqual({
      analysis: {
        templates: [{ templateName: 'success-rate' }, { templateName: 'web-check' }],
        args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'svc', value: 'app-canary' }],
      },
    });
    // #59: the step analysis' templates have bounded metrics
    expect(findManifest(m, 'AnalysisTemplate', 'success-rate').spec.args).toEqual([{ name: 'svc' }, { name: 'canary-hash' }]);
    expect(findManifest(m, 'AnalysisTemplate', 'success-rate').spec.metrics[0]).toMatchObject({ interval: '1m', count: 5, failureLimit: 1 });
    expect(findManifest(m, 'AnalysisTemplate', 'web-check').spec.metrics[0].provider.web.jsonPath).toEqual('{$.status}');
  });
});
