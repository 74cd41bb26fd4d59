import { HASH_LABEL, MANAGED_ALB_ANNOTATIONS, MANAGED_BY, Phase, REVISION_ANNOTATION, simulateController, WORKLOAD_GENERATION } from '../helpers/controller-simulator';
import { albApp, albPingPongApp, istioHostApp, istioSubsetApp, rollout, service } from '../helpers/fixtures';

function phase(phases: Phase[], name: string): any[] {
  const found = phases.find(p => p.name === name);
  if (!found) throw new Error(`no phase "${name}" in ${phases.map(p => p.name).join(' | ')}`);
  return found.live;
}
const get = (live: any[], kind: string, name: string) => live.find(o => o.kind === kind && o.metadata.name === name);
const action = (ingress: any, key: string) => JSON.parse(ingress.metadata.annotations[key]);

describe('controller simulator', () => {
  test('walks through first deploy, every step of two releases, their promotions and an abort', () => {
    const names = simulateController(albApp()).map(p => p.name);
    expect(names).toEqual([
      'first deploy: steady state',
      'release 2: new ReplicaSet',
      'release 2: step 0 setCanaryScale',
      'release 2: step 1 setHeaderRoute canary-header',
      'release 2: step 2 pause',
      'release 2: step 3 setWeight 1',
      'release 2: step 4 pause',
      'release 2: step 5 setHeaderRoute canary-header (remove)',
      'release 2: step 6 setWeight 80',
      'release 2: fully promoted',
      'release 3: new ReplicaSet',
      'release 3: step 0 setCanaryScale',
      'release 3: step 1 setHeaderRoute canary-header',
      'release 3: step 2 pause',
      'release 3: step 3 setWeight 1',
      'release 3: step 4 pause',
      'release 3: step 5 setHeaderRoute canary-header (remove)',
      'release 3: step 6 setWeight 80',
      'release 3: fully promoted',
      'release 4: new ReplicaSet',
      'release 4: step 0 setCanaryScale',
      'release 4: step 1 setHeaderRoute canary-header',
      'release 4: step 2 pause',
      'release 4: step 3 setWeight 1',
      'release 4: aborted after step 3',
    ]);
  });

  test('after an abort the canary Service ends up on the stable ReplicaSet, also with traffic routing', () => {
    const phases = simulateController(albApp());
    const aborted = phase(phases, 'release 4: aborted after step 3');
    expect(get(aborted, 'Service', 'checkout-canary').spec.selector[HASH_LABEL]).toEqual(get(aborted, 'Service', 'checkout-stable').spec.selector[HASH_LABEL]);
    const before = phase(phases, 'release 4: step 3 setWeight 1');
    expect(get(before, 'Service', 'checkout-canary').spec.selector[HASH_LABEL]).not.toEqual(get(before, 'Service', 'checkout-stable').spec.selector[HASH_LABEL]);
  });

  test('aborts the last release after as many steps as asked', () => {
    const names = simulateController(albApp(), { abortAfterSteps: 2 }).map(p => p.name);
    expect(names.slice(-4)).toEqual([
      'release 4: new ReplicaSet',
      'release 4: step 0 setCanaryScale',
      'release 4: step 1 setHeaderRoute canary-header',
      'release 4: aborted after step 1',
    ]);
  });

  test('switches Service selectors and marks them managed, never the root Service', () => {
    const phases = simulateController(albApp());
    const steady = phase(phases, 'first deploy: steady state');
    const during = phase(phases, 'release 2: step 3 setWeight 1');
    expect(get(steady, 'Service', 'checkout-stable').spec.selector[HASH_LABEL]).toBe(get(steady, 'Service', 'checkout-canary').spec.selector[HASH_LABEL]);
    expect(get(during, 'Service', 'checkout-stable').spec.selector[HASH_LABEL]).not.toBe(get(during, 'Service', 'checkout-canary').spec.selector[HASH_LABEL]);
    expect(get(during, 'Service', 'checkout-canary').metadata.annotations[MANAGED_BY]).toBe('checkout');
    expect(get(during, 'Service', 'checkout-root').spec.selector).toEqual({ app: 'checkout' });
    expect(get(during, 'Service', 'checkout-root').metadata.annotations[MANAGED_BY]).toBeUndefined();
    expect(get(during, 'Rollout', 'checkout').metadata.annotations[REVISION_ANNOTATION]).toBe('2');
  });

  test('writes the ALB action as compact JSON, canary first, with the port as a string', () => {
    const live = phase(simulateController(albApp()), 'release 2: step 3 setWeight 1');
    const ingress = get(live, 'Ingress', 'checkout');
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/actions.checkout-root']).toBe(
      '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"checkout-canary","ServicePort":"80","Weight":1},{"ServiceName":"checkout-stable","ServicePort":"80","Weight":99}]}}');
  });

  test('adds ALB header-route annotations and a /* path at the top of every rule while the route is set', () => {
    const phases = simulateController(albApp());
    const during = get(phase(phases, 'release 2: step 1 setHeaderRoute canary-header'), 'Ingress', 'checkout');
    expect(during.spec.rules[0].http.paths.map((p: any) => p.backend.service.name)).toEqual(['canary-header', 'checkout-root']);
    expect(during.spec.rules[0].http.paths[0]).toEqual({ path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'canary-header', port: { name: 'use-annotation' } } } });
    expect(action(during, 'alb.ingress.kubernetes.io/conditions.canary-header')).toEqual([{ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'version', values: ['2'] } }]);
    expect(action(during, MANAGED_ALB_ANNOTATIONS)).toEqual({
      checkout: ['alb.ingress.kubernetes.io/actions.checkout-root', 'alb.ingress.kubernetes.io/actions.canary-header', 'alb.ingress.kubernetes.io/conditions.canary-header'],
    });
    const removed = get(phase(phases, 'release 2: step 5 setHeaderRoute canary-header (remove)'), 'Ingress', 'checkout');
    expect(removed.spec.rules[0].http.paths).toHaveLength(1);
    expect(removed.metadata.annotations['alb.ingress.kubernetes.io/actions.canary-header']).toBeUndefined();
  });

  test('flips ALB ping-pong between releases', () => {
    const phases = simulateController(albPingPongApp());
    const weights = (name: string) => action(get(phase(phases, name), 'Ingress', 'checkout'), 'alb.ingress.kubernetes.io/actions.checkout-root')
      .ForwardConfig.TargetGroups.map((g: any) => `${g.ServiceName}=${g.Weight}`);
    expect(weights('first deploy: steady state')).toEqual(['checkout-pong=0', 'checkout-ping=100']);
    expect(weights('release 2: step 0 setWeight 20')).toEqual(['checkout-pong=20', 'checkout-ping=80']);
    expect(weights('release 2: fully promoted')).toEqual(['checkout-ping=0', 'checkout-pong=100']);
    expect(weights('release 3: fully promoted')).toEqual(['checkout-pong=0', 'checkout-ping=100']);
    const steady = phase(phases, 'first deploy: steady state');
    expect(get(steady, 'Service', 'checkout-pong').spec.selector[HASH_LABEL]).toBeUndefined();
  });

  test('sets Istio weights, appends header routes, prepends mirror routes, orders managed routes', () => {
    const phases = simulateController(istioHostApp());
    const vs = (name: string) => get(phase(phases, name), 'VirtualService', 'checkout');
    expect(vs('release 2: step 0 setWeight 5').spec.http[0].route.map((d: any) => d.weight)).toEqual([95, 5]);
    const withMirror = vs('release 2: step 2 setMirrorRoute mirror-post');
    expect(withMirror.spec.http.map((r: any) => r.name)).toEqual(['mirror-post', 'canary-header', 'primary']);
    expect(withMirror.spec.http[1]).toEqual({
      name: 'canary-header',
      match: [{ headers: { version: { prefix: 'v2' } } }, { headers: { 'x-beta': { regex: '^y.*' } } }],
      route: [{ destination: { host: 'checkout-canary', port: { number: 80 } }, weight: 100 }],
    });
    expect(withMirror.spec.http[0]).toEqual({
      name: 'mirror-post',
      match: [{ method: { exact: 'POST' }, uri: { prefix: '/api' } }],
      route: [{ destination: { host: 'checkout-stable', port: { number: 80 } }, weight: 95 }, { destination: { host: 'checkout-canary', port: { number: 80 } }, weight: 5 }],
      mirror: { host: 'checkout-canary', port: { number: 80 } },
      mirrorPercentage: { value: 35 },
    });
    expect(vs('release 2: fully promoted').spec.http.map((r: any) => r.name)).toEqual(['primary']);
  });

  test('labels DestinationRule subsets with the hashes and drops extraneous subsets', () => {
    const app = istioSubsetApp();
    app.find(o => o.kind === 'DestinationRule').spec.subsets.push({ name: 'legacy', labels: { app: 'old' } });
    const live = phase(simulateController(app), 'release 2: step 0 setWeight 20');
    const dr = get(live, 'DestinationRule', 'checkout');
    expect(dr.metadata.annotations[MANAGED_BY]).toBe('checkout');
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['canary', 'stable']);
    expect(dr.spec.subsets[0].labels[HASH_LABEL]).not.toBe(dr.spec.subsets[1].labels[HASH_LABEL]);
    expect(get(live, 'VirtualService', 'checkout').spec.http[0].route.map((d: any) => d.weight)).toEqual([80, 20]);
  });

  test('blue-green: preview on the new ReplicaSet at once, active switched at promotion, phases for analysis and the pause', () => {
    const bg = rollout(undefined);
    bg.spec.strategy = {
      blueGreen: {
        activeService: 'checkout-active',
        previewService: 'checkout-preview',
        autoPromotionEnabled: false,
        prePromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
        postPromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
      },
    };
    const phases = simulateController([bg, service('checkout-active'), service('checkout-preview')]);
    expect(phases.map(p => p.name)).toEqual([
      'first deploy: steady state',
      'release 2: new ReplicaSet behind the preview Service',
      'release 2: pre-promotion analysis',
      'release 2: paused for promotion',
      'release 2: promoted',
      'release 2: post-promotion analysis',
      'release 2: old ReplicaSet scaled down',
      'release 3: new ReplicaSet behind the preview Service',
      'release 3: pre-promotion analysis',
      'release 3: paused for promotion',
      'release 3: promoted',
      'release 3: post-promotion analysis',
      'release 3: old ReplicaSet scaled down',
      'release 4: new ReplicaSet behind the preview Service',
      'release 4: pre-promotion analysis',
      'release 4: aborted',
    ]);
    const selectors = (name: string) => ['checkout-active', 'checkout-preview'].map(svc => get(phase(phases, name), 'Service', svc).spec.selector[HASH_LABEL]);
    const [first] = selectors('first deploy: steady state');
    expect(selectors('first deploy: steady state')).toEqual([first, first]);
    const [active2, preview2] = selectors('release 2: paused for promotion');
    expect(active2).toBe(first);
    expect(preview2).not.toBe(first);
    expect(selectors('release 2: promoted')).toEqual([preview2, preview2]);
    const [active4, preview4] = selectors('release 4: aborted');
    expect(active4).toBe(selectors('release 3: old ReplicaSet scaled down')[0]);
    expect(preview4).not.toBe(active4);
    const paused = phase(phases, 'release 2: paused for promotion');
    expect(get(paused, 'Service', 'checkout-preview').metadata.annotations[MANAGED_BY]).toBe('checkout');
    expect(get(paused, 'Service', 'checkout-preview').spec.selector.app).toBe('checkout');
    expect(get(paused, 'Rollout', 'checkout').status.phase).toBe('Paused');
  });

  test('blue-green without analysis or manual promotion has no such phases', () => {
    const bg = rollout(undefined);
    bg.spec.strategy = { blueGreen: { activeService: 'checkout-active' } };
    const names = simulateController([bg, service('checkout-active')], { abort: false }).map(p => p.name);
    expect(names).toEqual([
      'first deploy: steady state',
      'release 2: new ReplicaSet behind the preview Service',
      'release 2: promoted',
      'release 2: old ReplicaSet scaled down',
      'release 3: new ReplicaSet behind the preview Service',
      'release 3: promoted',
      'release 3: old ReplicaSet scaled down',
    ]);
  });

  describe('workloadRef scale-down of the Deployment', () => {
    const app = (scaleDown?: string) => {
      const r = rollout({ steps: [{ setWeight: 50 }, { pause: {} }] });
      delete r.spec.template;
      r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'legacy', ...(scaleDown ? { scaleDown } : {}) };
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'legacy', namespace: 'shop' },
        spec: { replicas: 4, selector: { matchLabels: { app: 'checkout' } }, template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [] } } },
      };
      return [r, deployment];
    };
    const replicas = (phases: Phase[]) => phases.map(p => `${p.name}=${get(p.live, 'Deployment', 'legacy').spec.replicas}`);

    test('progressively: part of the way down while the Rollout pods come up, then 0', () => {
      const phases = simulateController(app('progressively'), { abort: false });
      expect(replicas(phases).slice(0, 3)).toEqual([
        'first deploy: Rollout pods coming up beside the Deployment=2',
        'first deploy: steady state=0',
        'release 2: new ReplicaSet=0',
      ]);
      expect(phases.every(p => p.name.startsWith('first deploy: Rollout pods') || get(p.live, 'Deployment', 'legacy').spec.replicas === 0)).toBe(true);
    });

    test('onsuccess: untouched until the Rollout is healthy, then 0', () => {
      expect(replicas(simulateController(app('onsuccess'), { abort: false })).slice(0, 2)).toEqual([
        'first deploy: Rollout pods coming up beside the Deployment=4',
        'first deploy: steady state=0',
      ]);
    });

    test('the Rollout carries the workload-generation annotation (a placeholder naming the Deployment)', () => {
      const phases = simulateController(app('progressively'), { abort: false });
      expect(phases.every(p => get(p.live, 'Rollout', 'checkout').metadata.annotations[WORKLOAD_GENERATION] === '(metadata.generation of Deployment legacy)')).toBe(true);
    });

    test('after an abort without traffic routing, currentPodHash stays the aborted ReplicaSet\'s', () => {
      const phases = simulateController(app('progressively'));
      const aborted = phases[phases.length - 1];
      expect(aborted.name).toBe('release 4: aborted after step 0');
      expect(get(aborted.live, 'Rollout', 'checkout').status).toMatchObject({ stableRS: '5f8c7d3b9', currentPodHash: '5f8c7d4b9' });
    });

    test('never: the Deployment is left alone, with no extra phase', () => {
      const phases = simulateController(app(), { abort: false });
      expect(phases[0].name).toBe('first deploy: steady state');
      expect(phases.every(p => get(p.live, 'Deployment', 'legacy').spec.replicas === 4)).toBe(true);
    });
  });

  test('fails on manifests without exactly one Rollout', () => {
    expect(() => simulateController([])).toThrow('simulateController needs exactly one Rollout, got 0');
  });
});
