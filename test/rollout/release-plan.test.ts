import { Testing } from 'cdk8s';
import { CanaryApp, ReleasePlan, Step, TrafficRouting } from '../../src';
import { simulateController } from '../helpers/controller-simulator';
import { albApp, istioHostApp } from '../helpers/fixtures';

const rolloutOf = (spec: any) => ({ kind: 'Rollout', metadata: { name: 'app' }, spec });
const routed = (canary: any, replicas = 10) => rolloutOf({ replicas, strategy: { canary: { trafficRouting: { alb: { ingress: 'app' } }, ...canary } } });

describe('ReleasePlan', () => {
  test('follows setCanaryScale, header routes and matchTrafficWeight with traffic routing', () => {
    const plan = ReleasePlan.fromManifest(routed({
      steps: [
        { setCanaryScale: { weight: 10 } },
        { setHeaderRoute: { name: 'beta', match: [{ headerName: 'version', headerValue: { exact: '2' } }] } },
        { pause: { duration: '60s' } },
        { setWeight: 1 },
        { pause: {} },
        { setCanaryScale: { matchTrafficWeight: true } },
        { setHeaderRoute: { name: 'beta' } },
        { setWeight: 80 },
      ],
    }));
    expect(plan.steps.map(s => [s.name, s.canaryTraffic, s.canaryPods, s.stablePods, s.headerRoutes.join(','), s.pause])).toEqual([
      ['start', 0, 0, 10, '', ''],
      ['step 0: setCanaryScale weight 10', 0, 1, 10, '', ''],
      ['step 1: set header route beta', 0, 1, 10, 'beta', ''],
      ['step 2: pause', 0, 1, 10, 'beta', '60s'],
      ['step 3: setWeight 1', 1, 1, 10, 'beta', ''],
      ['step 4: pause', 1, 1, 10, 'beta', 'until promoted'],
      ['step 5: setCanaryScale matchTrafficWeight', 1, 1, 10, 'beta', ''],
      ['step 6: remove header route beta', 1, 1, 10, '', ''],
      ['step 7: setWeight 80', 80, 8, 10, '', ''],
      ['promoted: the canary is the new stable', 100, 10, 0, '', ''],
    ]);
  });

  test('setCanaryScale replicas fixes the canary count whatever the weight', () => {
    const plan = ReleasePlan.fromManifest(routed({ steps: [{ setCanaryScale: { replicas: 3 } }, { setWeight: 50 }] }));
    expect(plan.steps.slice(1, 3).map(s => [s.canaryTraffic, s.canaryPods, s.stablePods])).toEqual([[0, 3, 10], [50, 3, 10]]);
  });

  test('minPodsPerReplicaSet raises a small canary, but not an empty one', () => {
    const plan = ReleasePlan.fromManifest(routed({ minPodsPerReplicaSet: 2, steps: [{ setWeight: 0 }, { setWeight: 5 }] }));
    expect(plan.steps.slice(1, 3).map(s => s.canaryPods)).toEqual([0, 2]);
  });

  test('dynamicStableScale scales the stable down as traffic leaves it', () => {
    const plan = ReleasePlan.fromManifest(routed({ dynamicStableScale: true, steps: [{ setWeight: 20 }, { setWeight: 75 }] }));
    expect(plan.steps.slice(1, 3).map(s => [s.canaryPods, s.stablePods])).toEqual([[2, 8], [8, 3]]);
  });

  test('dynamicStableScale keeps the stable up for the traffic it still has when setCanaryScale leads', () => {
    const plan = ReleasePlan.fromManifest(routed({ dynamicStableScale: true, steps: [{ setCanaryScale: { weight: 50 } }, { setWeight: 10 }] }));
    // canary scaled to 50 % of pods, traffic 0 then 10 %: the stable keeps pods for its traffic
    expect(plan.steps.slice(1, 3).map(s => [s.canaryPods, s.stablePods])).toEqual([[5, 10], [5, 9]]);
  });

  // expected splits are the controller's (utils/replicaset: approximateWeightedCanaryStableReplicaCounts)
  test.each([
    [1, 1, 0, 0, 1], [1, 50, 0, 1, 0], [1, 1, 1, 1, 1], [1, 100, 1, 1, 0],
    [2, 1, 0, 1, 1], [2, 99, 1, 2, 1], [2, 1, 1, 1, 2],
    [3, 10, 0, 1, 2], [3, 50, 0, 2, 1], [3, 25, 1, 1, 3], [3, 49, 1, 2, 2],
  ])('without traffic routing, %i replicas at weight %i with surge %i give %i canary and %i stable pods', (replicas, weight, surge, canaryPods, stablePods) => {
    const canary = { maxSurge: surge, maxUnavailable: surge === 0 ? 1 : 0, steps: [{ setWeight: weight }] };
    const plan = ReleasePlan.fromManifest(rolloutOf({ replicas, strategy: { canary } }));
    expect([plan.steps[1].canaryPods, plan.steps[1].stablePods]).toEqual([canaryPods, stablePods]);
  });

  test('shows step and background analysis from the starting step', () => {
    const plan = ReleasePlan.fromManifest(routed({
      analysis: { templates: [{ templateName: 'slo' }], startingStep: 1 },
      steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'smoke' }] } }],
    }));
    expect(plan.steps.map(s => s.analysis)).toEqual([[], [], ['background: slo', 'step: smoke'], []]);
    expect(plan.steps[2].pause).toEqual('until the analysis succeeds');
  });

  test('plans a blue-green release with pre-promotion analysis and manual promotion', () => {
    const plan = ReleasePlan.fromManifest(rolloutOf({
      replicas: 4,
      strategy: {
        blueGreen: {
          activeService: 'a',
          previewService: 'p',
          autoPromotionEnabled: false,
          previewReplicaCount: 1,
          prePromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
        },
      },
    }));
    expect(plan.steps.map(s => [s.name, s.canaryTraffic, s.canaryPods, s.stablePods, s.pause])).toEqual([
      ['start: new ReplicaSet behind the preview Service', 0, 1, 4, ''],
      ['pre-promotion analysis', 0, 1, 4, 'until the analysis succeeds'],
      ['waiting for promotion', 0, 4, 4, 'until promoted'],
      ['active Service switched', 100, 4, 4, 'old ReplicaSet scaled down after 30s'],
      ['promoted: the canary is the new stable', 100, 4, 0, ''],
    ]);
  });

  test('renders a Markdown table and a Mermaid flowchart', () => {
    const plan = ReleasePlan.fromManifest(routed({ steps: [{ setWeight: 20 }, { pause: {} }] }, 5));
    expect(plan.toMarkdown()).toContain('| step 1: pause | 20% | 1 | 5 | - | - | - | until promoted |');
    expect(plan.toMermaid()).toContain('m2(["step 1: pause<br/>20% traffic, 1/5 pods<br/>waits until promoted"])');
    expect(plan.toMermaid()).toContain('m1 --> m2');
  });

  test('fails on a manifest that is not a Rollout, and on bad replicas', () => {
    expect(() => ReleasePlan.fromManifest({ kind: 'Deployment', spec: {} })).toThrow(/needs a Rollout manifest; got kind "Deployment"/);
    expect(() => ReleasePlan.fromManifest(routed({}), { replicas: -1 })).toThrow(/\[app\] release plan replicas must be a whole number >= 0; got -1/);
  });

  test('agrees with the controller simulator on traffic and managed routes at every step', () => {
    for (const app of [albApp(), istioHostApp()]) {
      const manifest = app.find((m: any) => m.kind === 'Rollout');
      const plan = ReleasePlan.fromManifest(manifest);
      for (const phase of simulateController(app, { abort: false })) {
        const match = phase.name.match(/^release 2: step (\d+) /);
        if (!match) continue;
        const step = plan.steps[Number(match[1]) + 1];
        expect({ phase: phase.name, weight: liveCanaryWeight(phase.live), routes: liveRoutes(phase.live) })
          .toEqual({ phase: phase.name, weight: step.canaryTraffic, routes: [...step.headerRoutes, ...step.mirrorRoutes].sort() });
      }
    }
  });
});

/** The canary weight the controller wrote into the ALB action or the VirtualService. */
function liveCanaryWeight(live: any[]): number {
  const ingress = live.find(o => o.kind === 'Ingress');
  if (ingress) {
    const key = Object.keys(ingress.metadata.annotations ?? {}).find(k => k.endsWith('-root') && k.includes('/actions.'));
    const action = JSON.parse(ingress.metadata.annotations[key!]);
    // the controller writes the action in the ALB controller's capitalised spelling
    const groups = (action.ForwardConfig ?? action.forwardConfig);
    return Number((groups.TargetGroups ?? groups.targetGroups).find((g: any) => (g.ServiceName ?? g.serviceName).endsWith('-canary')).Weight ?? 0);
  }
  const vs = live.find(o => o.kind === 'VirtualService');
  const primary = vs.spec.http.find((r: any) => r.route.some((d: any) => d.destination.host.endsWith('-canary')) && r.route.length === 2);
  return primary.route.find((d: any) => d.destination.host.endsWith('-canary')).weight;
}

/** Managed route names present on the live Ingress or VirtualService. */
function liveRoutes(live: any[]): string[] {
  const ingress = live.find(o => o.kind === 'Ingress');
  if (ingress) {
    return ingress.spec.rules[0].http.paths.map((p: any) => p.backend.service.name).filter((n: string) => !n.endsWith('-root')).sort();
  }
  const vs = live.find(o => o.kind === 'VirtualService');
  return vs.spec.http.map((r: any) => r.name).filter((n: string) => n !== 'primary' && n !== undefined).sort();
}

test('ReleasePlan.of plans a Rollout construct from its rendered spec', () => {
  const chart = Testing.chart();
  const app = new CanaryApp(chart, 'checkout', {
    image: 'ghcr.io/acme/checkout:1.0.0',
    containerPort: 8080,
    replicas: 4,
    routing: TrafficRouting.alb({ host: 'checkout.example.com' }),
    steps: [Step.setWeight(25), Step.pause()],
  });
  const plan = ReleasePlan.of(app.rollout);
  expect(plan.replicas).toEqual(4);
  expect(plan.steps.map(s => [s.name, s.canaryTraffic, s.canaryPods])).toEqual([
    ['start', 0, 0], ['step 0: setWeight 25', 25, 1], ['step 1: pause', 25, 1], ['promoted: the canary is the new stable', 100, 4],
  ]);
  expect(ReleasePlan.of(app.rollout, { replicas: 8 }).steps[1].canaryPods).toEqual(2);
});
