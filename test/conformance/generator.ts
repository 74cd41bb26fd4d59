// Property-based corpus for the conformance runner: valid cases that the real API server (with the
// vendored CRDs, the Gateway API's HTTPRoute among them), Argo Rollouts' ValidateRollout and istiod
// must accept, and broken cases that inject exactly one
// mistake the library must refuse at synth (issue #12). Deterministic per seed.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AnalysisArgument, AnalysisTemplate, ArgoCdApplication, BuiltinAnalysis, CanaryApp, CascadeDelete, HeaderMatch,
  IAnalysisTemplate, Metric, MirrorMatch, Rollout, RolloutStrategy, Step, StringMatch, SyncOption, TrafficRouting,
} from '../../src';

export interface GeneratedCase {
  readonly id: string;
  readonly valid: boolean;
  readonly description: string;
  /** For broken cases: the mistake injected. */
  readonly mistake?: string;
  /** For broken cases: the offending value the error message must mention. */
  readonly offending?: string;
  build(app: App): void;
}

type Router = 'none' | 'alb' | 'alb-ping-pong' | 'istio-host' | 'istio-subset' | 'istio-ping-pong' | 'gateway-api';
type Kind = 'canary-app' | 'rollout' | 'blue-green';
type StepSpec =
  | { k: 'weight'; w: number } | { k: 'pause'; s?: number } | { k: 'scale'; w: number } | { k: 'match' }
  | { k: 'header'; name: string; header: string; type: 'exact' | 'prefix' | 'regex'; value: string }
  | { k: 'remove-header'; name: string }
  | { k: 'mirror'; name: string; pct: number; path: string } | { k: 'remove-mirror'; name: string }
  | { k: 'analysis' };

/** Plain data describing one case; `build` turns it into constructs. Mutations edit a copy. */
interface Spec {
  kind: Kind;
  router: Router;
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  servicePort: number;
  containerPort: number;
  steps: StepSpec[];
  background: boolean;
  argo?: { sync: number[]; automated: boolean; prune: boolean; selfHeal: boolean; retry: boolean; cascade: number };
  host?: string;
  path?: string;
  ingressClassName?: string;
  annotationPrefix?: string;
  annotations?: { [key: string]: any };
  istioHosts?: string[];
  gateways?: string[];
  exportTo?: string[];
  /** Gateway API: the Gateways the HTTPRoute attaches to (`host` and `path` are its hostname and path). */
  parentGateways?: string[];
  minPods?: number;
  scaleDownDelay?: number;
  /** Broken-only knobs. */
  duplicate?: boolean;
  duplicateMetric?: boolean;
  bothStrategies?: boolean;
}

const WORDS = ['orders', 'checkout', 'search', 'cart', 'payments', 'reviews', 'catalog', 'users', 'api', 'web'];
const SYNC_OPTIONS = [SyncOption.CREATE_NAMESPACE, SyncOption.PRUNE_LAST, SyncOption.SERVER_SIDE_APPLY, SyncOption.APPLY_OUT_OF_SYNC_ONLY,
  SyncOption.FAIL_ON_SHARED_RESOURCE, SyncOption.PRUNE_PROPAGATION_FOREGROUND];
const CASCADES = [CascadeDelete.NONE, CascadeDelete.FOREGROUND, CascadeDelete.BACKGROUND];
const ROUTERS: Router[] = ['none', 'alb', 'alb-ping-pong', 'istio-host', 'istio-subset', 'istio-ping-pong', 'gateway-api'];
const PROM = 'http://prometheus.monitoring:9090';

const isAlb = (r: Router) => r === 'alb' || r === 'alb-ping-pong';
const isIstio = (r: Router) => r.startsWith('istio');
const isGatewayApi = (r: Router) => r === 'gateway-api';

/** Canary steps that the rules accept for the router: routes only after the canary has pods. */
function stepsArb(router: Router): fc.Arbitrary<StepSpec[]> {
  const routed = router !== 'none';
  const header = fc.record({
    header: fc.constantFrom('x-canary', 'version', 'X-User-Group', 'x_beta'),
    type: isAlb(router) ? fc.constant('exact' as const) : fc.constantFrom('exact' as const, 'prefix' as const, 'regex' as const),
    value: fc.constantFrom('2', 'beta', 'v2'),
  });
  return fc.record({
    first: fc.integer({ min: 1, max: 50 }),
    scale: fc.boolean(),
    header: routed ? fc.option(header, { nil: undefined }) : fc.constant(undefined),
    mirror: isIstio(router) ? fc.option(fc.record({ pct: fc.integer({ min: 1, max: 100 }), path: fc.constantFrom('/api', '/v2') }), { nil: undefined }) : fc.constant(undefined),
    pause: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
    analysis: fc.boolean(),
    later: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 0, maxLength: 3 }),
  }).map(r => {
    const steps: StepSpec[] = [];
    if (routed && r.scale) steps.push({ k: 'scale', w: r.first });
    else steps.push({ k: 'weight', w: r.first });
    if (r.header) {
      const value = r.header.type === 'regex' ? `^${r.header.value}(-[a-z0-9]+)?$` : r.header.value;
      steps.push({ k: 'header', name: 'canary-header', header: r.header.header, type: r.header.type, value });
    }
    if (r.mirror) steps.push({ k: 'mirror', name: 'canary-mirror', pct: r.mirror.pct, path: r.mirror.path });
    steps.push({ k: 'pause', s: r.pause });
    if (r.analysis) steps.push({ k: 'analysis' });
    if (r.header) steps.push({ k: 'remove-header', name: 'canary-header' });
    if (r.mirror) steps.push({ k: 'remove-mirror', name: 'canary-mirror' });
    if (routed && r.scale) steps.push({ k: 'match' });
    for (const w of [...r.later].sort((a, b) => a - b)) steps.push({ k: 'weight', w });
    return steps;
  });
}

function specArb(index: number, seed: number): fc.Arbitrary<Spec> {
  return fc.record({
    kind: fc.constantFrom<Kind>('canary-app', 'canary-app', 'canary-app', 'rollout', 'blue-green'),
    router: fc.constantFrom(...ROUTERS),
    word: fc.constantFrom(...WORDS),
    suffix: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
    replicas: fc.integer({ min: 1, max: 10 }),
    servicePort: fc.constantFrom(80, 8080, 9080),
    containerPort: fc.constantFrom(8080, 3000, 9080),
    background: fc.boolean(),
    argo: fc.option(fc.record({
      sync: fc.subarray([0, 1, 2, 3, 4, 5]),
      automated: fc.boolean(),
      prune: fc.boolean(),
      selfHeal: fc.boolean(),
      retry: fc.boolean(),
      cascade: fc.integer({ min: 0, max: 2 }),
    }), { nil: undefined }),
    host: fc.option(fc.constantFrom('qa-domain.com', '*.example.com', 'shop.example.org'), { nil: undefined }),
    path: fc.option(fc.constantFrom('/', '/api', '/v1/orders'), { nil: undefined }),
    gateways: fc.option(fc.constantFrom(['mesh'], ['istio-system/public', 'mesh'], ['public-gateway']), { nil: undefined }),
    exportTo: fc.option(fc.constantFrom(['*'], ['.'], ['.', 'istio-system']), { nil: undefined }),
    parentGateways: fc.constantFrom(['public'], ['infra/public'], ['infra/public', 'infra/internal']),
  }).chain(base => {
    const router = base.kind === 'canary-app' ? base.router : base.kind === 'rollout' ? 'none' as Router : 'none' as Router;
    return stepsArb(router).map(steps => ({ base, router, steps }));
  }).map(({ base, router, steps }) => {
    const name = base.suffix ? `${base.word}-${base.suffix}` : base.word;
    const spec: Spec = {
      kind: base.kind,
      router,
      name,
      namespace: `g${seed}-c${index}`,
      image: `ghcr.io/acme/${base.word}:1.${index % 10}.0`,
      replicas: base.replicas,
      servicePort: base.servicePort,
      containerPort: base.containerPort,
      steps: base.kind === 'blue-green' ? [] : steps,
      background: base.background,
      argo: base.argo,
    };
    if (isAlb(router)) {
      spec.host = base.host;
      spec.path = base.path;
    }
    if (isIstio(router)) {
      spec.istioHosts = [name, `${name}.${spec.namespace}.svc.cluster.local`];
      spec.gateways = base.gateways ? [...base.gateways] : undefined;
      spec.exportTo = base.exportTo ? [...base.exportTo] : undefined;
    }
    if (isGatewayApi(router)) {
      spec.parentGateways = [...base.parentGateways];
      spec.host = base.host;
      spec.path = base.path;
    }
    return spec;
  });
}

function routingOf(spec: Spec): TrafficRouting | undefined {
  if (isAlb(spec.router)) {
    return TrafficRouting.alb({
      host: spec.host,
      path: spec.path,
      ingressClassName: spec.ingressClassName,
      annotationPrefix: spec.annotationPrefix,
      annotations: spec.annotations,
    });
  }
  if (isIstio(spec.router)) {
    return TrafficRouting.istio({ hosts: spec.istioHosts!, gateways: spec.gateways, exportTo: spec.exportTo, subsetLevel: spec.router === 'istio-subset' });
  }
  if (isGatewayApi(spec.router)) {
    return TrafficRouting.gatewayApi({ gateways: spec.parentGateways!, hostnames: spec.host ? [spec.host] : undefined, path: spec.path });
  }
  return undefined;
}

/** An analysis template for the router, and the args it needs. */
function analysisFor(chart: Chart, spec: Spec, id: string, step: boolean): { template: AnalysisTemplate; args: AnalysisArgument[] } {
  const measurement = step ? { count: 3, interval: Duration.seconds(10) } : { interval: Duration.seconds(30) };
  let template: AnalysisTemplate;
  if (isIstio(spec.router)) {
    template = BuiltinAnalysis.istioSuccessRate(chart, id, {
      prometheusAddress: PROM, workload: spec.name, namespace: spec.namespace, ...measurement,
    });
  } else if (isAlb(spec.router)) {
    template = BuiltinAnalysis.albErrorRate(chart, id, { ...measurement });
  } else {
    template = new AnalysisTemplate(chart, id, {
      metrics: [Metric.prometheus({ name: 'up', address: PROM, query: `sum(up{namespace="${spec.namespace}"})`, successCondition: 'result[0] >= 1', ...measurement })],
    });
  }
  const known = [BuiltinAnalysis.canaryHashArgument(), ...BuiltinAnalysis.albCanaryArguments()];
  const args = template.requiredArgs.map(name => known.find(a => a.name === name) ?? AnalysisArgument.value(name, spec.name));
  return { template, args };
}

function buildSpec(app: App, spec: Spec, chartId: string): void {
  const chart = new Chart(app, chartId, { namespace: spec.namespace });
  const routing = routingOf(spec);
  const steps = spec.steps.map(s => {
    switch (s.k) {
      case 'weight': return Step.setWeight(s.w);
      case 'pause': return Step.pause(s.s === undefined ? undefined : Duration.seconds(s.s));
      case 'scale': return Step.setCanaryScale({ weight: s.w });
      case 'match': return Step.setCanaryScale({ matchTrafficWeight: true });
      case 'header': {
        const m = s.type === 'exact' ? HeaderMatch.exact(s.header, s.value) : s.type === 'prefix' ? HeaderMatch.prefix(s.header, s.value) : HeaderMatch.regex(s.header, s.value);
        return Step.setHeaderRoute(s.name, [m]);
      }
      case 'remove-header': return Step.removeHeaderRoute(s.name);
      case 'mirror': return Step.setMirrorRoute({ name: s.name, percentage: s.pct, matches: [{ path: StringMatch.prefix(s.path) } as MirrorMatch] });
      case 'remove-mirror': return Step.removeMirrorRoute(s.name);
      case 'analysis': {
        const a = analysisFor(chart, spec, 'step-analysis', true);
        const templates: IAnalysisTemplate[] = [a.template];
        if (spec.duplicateMetric) {
          // a second template with the same metric name, merged into one run
          templates.push(new AnalysisTemplate(chart, 'step-analysis-2', { metrics: [Metric.prometheus({ name: metricNameOf(a.template), address: PROM, query: 'vector(1)', successCondition: 'result[0] == 1', count: 1 })] }));
        }
        return Step.analysis({ templates, args: a.args });
      }
    }
  });
  const background = spec.background && spec.kind !== 'blue-green' && routing ? analysisFor(chart, spec, 'background-analysis', false) : undefined;
  const extra: any = spec.bothStrategies ? { activeService: undefined, previewReplicaCount: 1 } : {};

  if (spec.kind === 'canary-app') {
    new CanaryApp(chart, spec.name, {
      name: spec.name,
      image: spec.image,
      containerPort: spec.containerPort,
      servicePort: spec.servicePort,
      replicas: spec.replicas,
      routing,
      pingPong: spec.router.endsWith('ping-pong'),
      steps,
      strategy: {
        ...extra,
        minPodsPerReplicaSet: spec.minPods,
        scaleDownDelay: spec.scaleDownDelay === undefined ? undefined : Duration.seconds(spec.scaleDownDelay),
        analysis: background ? { templates: [background.template], args: background.args } : undefined,
      },
    });
  } else {
    const port = [{ name: 'http', port: spec.servicePort, targetPort: spec.containerPort }];
    const svc = (suffix: string) => new kplus.Service(chart, suffix, { metadata: { name: `${spec.name}-${suffix}` }, ports: port });
    const strategy = spec.kind === 'rollout'
      ? RolloutStrategy.canary({ ...extra, stableService: svc('stable'), canaryService: svc('canary'), steps })
      : RolloutStrategy.blueGreen({ activeService: svc('active'), previewService: svc('preview'), autoPromotionEnabled: false, previewReplicaCount: 1 });
    new Rollout(chart, spec.name, {
      metadata: { name: spec.name },
      replicas: spec.replicas,
      containers: [{ name: 'main', image: spec.image, portNumber: spec.containerPort }],
      strategy,
    });
  }

  if (spec.argo) {
    const a = spec.argo;
    const argocd = new Chart(app, `${chartId}-argocd`, { namespace: 'argocd' });
    new ArgoCdApplication(argocd, 'application', {
      name: `${spec.namespace}-${spec.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63).replace(/-+$/, ''),
      repoUrl: 'https://github.com/acme/platform.git',
      destinationNamespace: spec.namespace,
      syncOptions: a.sync.map(i => SYNC_OPTIONS[i]),
      automatedSync: a.automated ? { prune: a.prune, selfHeal: a.selfHeal } : undefined,
      retry: a.retry ? { limit: 3 } : undefined,
      cascadeDelete: CASCADES[a.cascade],
      deploys: [chart],
    });
  }
}

function metricNameOf(template: AnalysisTemplate): string {
  return template.metricNames[0];
}

function describeSpec(spec: Spec): string {
  const kinds = spec.steps.map(s => s.k).join(',');
  return `${spec.kind} ${spec.name} in ${spec.namespace}, router ${spec.router}, ${spec.replicas} replicas, steps [${kinds}]${spec.background ? ', background analysis' : ''}${spec.argo ? ', Argo CD Application' : ''}`;
}

/** One mistake: a precondition on the spec, and the edit that breaks it (returns the offending value). */
interface Mistake {
  readonly name: string;
  readonly applies: (s: Spec) => boolean;
  readonly inject: (s: Spec) => string;
}

const canaryApp = (s: Spec) => s.kind === 'canary-app';
const alb = (s: Spec) => canaryApp(s) && isAlb(s.router);
const istio = (s: Spec) => canaryApp(s) && isIstio(s.router);
const istioVs = (s: Spec) => istio(s);
const gatewayApi = (s: Spec) => canaryApp(s) && isGatewayApi(s.router);
const hasHeader = (s: Spec) => s.steps.some(x => x.k === 'header');
const hasAnalysisStep = (s: Spec) => s.steps.some(x => x.k === 'analysis');

const MISTAKES: Mistake[] = [
  { name: 'name upper case', applies: () => true, inject: s => (s.name = s.name[0].toUpperCase() + s.name.slice(1)) },
  { name: 'name with a dot', applies: () => true, inject: s => (s.name = `${s.name}.v2`) },
  { name: 'name with a leading digit', applies: canaryApp, inject: s => (s.name = `9${s.name}`) },
  // 60 characters: fits 63 alone, not with "-stable", "-canary", "-ping", "-pong" or "-root"
  { name: 'name too long for the Service suffixes', applies: s => canaryApp(s) && s.router !== 'istio-subset', inject: s => (s.name = `${s.name}-${'x'.repeat(59 - s.name.length)}`) },
  { name: 'Ingress host upper case', applies: alb, inject: s => (s.host = 'QA-Domain.com') },
  { name: 'Ingress host with a port', applies: alb, inject: s => (s.host = 'qa-domain.com:8443') },
  { name: 'Ingress host IP address', applies: alb, inject: s => (s.host = '10.1.2.3') },
  { name: 'Ingress path with //', applies: alb, inject: s => (s.path = '/api//v1') },
  { name: 'Ingress path with ..', applies: alb, inject: s => (s.path = '/api/../admin') },
  { name: 'Ingress path without leading /', applies: alb, inject: s => (s.path = 'api') },
  { name: 'bad ingressClassName', applies: alb, inject: s => (s.ingressClassName = 'ALB_Class') },
  { name: 'bad annotationPrefix', applies: alb, inject: s => (s.annotationPrefix = 'Alb.Ingress') },
  { name: 'bad annotation key', applies: alb, inject: s => { s.annotations = { 'example.com/-bad': 'x' }; return 'example.com/-bad'; } },
  { name: 'non-string annotation value', applies: alb, inject: s => { s.annotations = { 'example.com/retries': 3 }; return 'example.com/retries'; } },
  { name: 'Istio URL host', applies: istioVs, inject: s => { s.istioHosts = [`http://${s.name}.example.com`]; return s.istioHosts[0]; } },
  { name: 'Istio host:port', applies: istioVs, inject: s => { s.istioHosts = [`${s.name}:80`]; return s.istioHosts[0]; } },
  { name: '* host on mesh', applies: istioVs, inject: s => { s.istioHosts = ['*']; s.gateways = ['mesh']; return '*'; } },
  { name: 'gateway "ns/"', applies: istioVs, inject: s => { s.gateways = ['istio-system/']; return 'istio-system/'; } },
  { name: 'gateway "/gw"', applies: istioVs, inject: s => { s.gateways = ['/public']; return '/public'; } },
  { name: 'gateway upper case', applies: istioVs, inject: s => { s.gateways = ['istio-system/Public']; return 'istio-system/Public'; } },
  { name: 'bad exportTo', applies: istioVs, inject: s => { s.exportTo = ['Shop']; return 'Shop'; } },
  { name: 'HTTPRoute gateway upper case', applies: gatewayApi, inject: s => { s.parentGateways = ['infra/Public']; return 'infra/Public'; } },
  { name: 'HTTPRoute gateway with two slashes', applies: gatewayApi, inject: s => { s.parentGateways = ['infra/public/x']; return 'infra/public/x'; } },
  { name: 'HTTPRoute path without leading /', applies: gatewayApi, inject: s => (s.path = 'api') },
  { name: 'HTTPRoute path with #', applies: gatewayApi, inject: s => (s.path = '/api#v1') },
  { name: 'HTTPRoute hostname upper case', applies: gatewayApi, inject: s => (s.host = 'Shop.example.org') },
  { name: 'HTTPRoute gateway twice', applies: gatewayApi, inject: s => { s.parentGateways = ['infra/public', 'infra/public']; return 'infra/public'; } },
  { name: 'replicas above int32', applies: () => true, inject: s => String(s.replicas = 2147483648) },
  { name: 'minPodsPerReplicaSet above int32', applies: s => canaryApp(s) && s.router !== 'none', inject: s => String(s.minPods = 2147483648) },
  { name: 'scaleDownDelay above int32', applies: s => canaryApp(s) && s.router !== 'none', inject: s => `${s.scaleDownDelay = 2147483648}s` },
  { name: 'pause above int32', applies: s => s.kind !== 'blue-green', inject: s => { s.steps = [...s.steps, { k: 'pause', s: 2147483648 }]; return '2147483648s'; } },
  { name: 'empty image', applies: () => true, inject: s => { s.image = ' '; return '" "'; } },
  {
    name: 'bad header name',
    applies: s => canaryApp(s) && s.router !== 'none' && hasHeader(s),
    inject: s => { s.steps = s.steps.map(x => x.k === 'header' ? { ...x, header: 'x canary' } : x); return 'x canary'; },
  },
  {
    name: 'non-RE2 regex',
    applies: s => istio(s) && hasHeader(s),
    inject: s => { s.steps = s.steps.map(x => x.k === 'header' ? { ...x, type: 'regex' as const, value: '^(?!internal).*' } : x); return '^(?!internal).*'; },
  },
  { name: 'duplicate object', applies: () => true, inject: s => { s.duplicate = true; return s.name; } },
  { name: 'duplicate metric in merged analysis', applies: s => s.kind !== 'blue-green' && hasAnalysisStep(s), inject: s => { s.duplicateMetric = true; return isIstio(s.router) ? 'success-rate' : isAlb(s.router) ? 'alb-5xx-rate' : 'up'; } },
  { name: 'both canary and blue-green options', applies: s => s.kind !== 'blue-green', inject: s => { s.bothStrategies = true; return 'previewReplicaCount'; } },
];

/**
 * `valid` cases that must synthesize and be accepted by the real systems, then `broken` cases,
 * each a valid case with exactly one mistake that must fail at synth. Deterministic per seed.
 */
export function generateCases(seed: number, valid: number, broken: number): GeneratedCase[] {
  const total = valid + broken;
  const specs = Array.from({ length: total }, (_, i) => fc.sample(specArb(i, seed), { seed: seed * 100003 + i, numRuns: 1 })[0]);
  const cases: GeneratedCase[] = [];
  for (let i = 0; i < valid; i++) {
    const spec = specs[i];
    cases.push({ id: `seed${seed}-valid-${i}`, valid: true, description: describeSpec(spec), build: app => buildSpec(app, spec, spec.namespace) });
  }
  const picks = fc.sample(fc.nat(), { seed: seed + 7, numRuns: Math.max(1, broken) });
  for (let j = 0; j < broken; j++) {
    // every mistake in turn, so all classes are covered, on the next generated case it applies to
    const preferred = MISTAKES[j % MISTAKES.length];
    let base = specs[valid + j];
    for (let k = 1; k < total && !preferred.applies(base); k++) base = specs[(valid + j + k) % total];
    const spec: Spec = JSON.parse(JSON.stringify(base));
    spec.namespace = `g${seed}-b${j}`;
    const candidates = MISTAKES.filter(m => m.applies(spec));
    const mistake = preferred.applies(spec) ? preferred : candidates[picks[j] % candidates.length];
    const description = `${describeSpec(spec)}; mistake: ${mistake.name}`;
    const offending = mistake.inject(spec);
    cases.push({
      id: `seed${seed}-broken-${j}`,
      valid: false,
      description: `${description} (${offending})`,
      mistake: mistake.name,
      offending,
      build: app => {
        buildSpec(app, spec, spec.namespace);
        if (spec.duplicate) buildSpec(app, { ...spec, argo: undefined }, `${spec.namespace}-again`);
      },
    });
  }
  return cases;
}
