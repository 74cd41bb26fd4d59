/**
 * A model of what the Argo Rollouts controller writes to the objects it manages
 * (the Service, ALB Ingress, Istio and Rollout writes of the Argo Rollouts controller's traffic
 * routers and replica-set reconciler), used to prove that the `ignoreDifferences` of an
 * Argo CD Application cover every runtime write.
 *
 * Given the synthesized (desired) manifests of one canary Rollout and the objects it routes
 * through, `simulateController` returns the live objects at each phase of the Rollout's life:
 * the steady state after the first deploy, every step of a second release, its full promotion,
 * and a third release (which flips ping-pong back), plus an aborted fourth release.
 *
 * Modelled writes:
 * - Services: `spec.selector.rollouts-pod-template-hash` and the `managed-by-rollouts` annotation
 *   on stable/canary (or the ping/pong side being switched); root Services are never touched.
 * - ALB Ingress: `<prefix>/actions.<root or stable>` (compact JSON, canary first, stable last),
 *   `rollouts.argoproj.io/managed-alb-annotations`, header-route `actions.`/`conditions.`
 *   annotations and a `/*` path inserted at the top of every rule, sorted by `managedRoutes`.
 * - Istio VirtualService: weights of the targeted HTTP/TLS/TCP routes (unknown destinations are
 *   deleted), header routes (appended), mirror routes (prepended), then managed routes moved to
 *   the top in `managedRoutes` order.
 * - DestinationRule: subset hash labels, extraneous subsets dropped, `managed-by-rollouts`.
 * - Rollout: `rollout.argoproj.io/revision`, `spec.replicas` defaulted to 1, status (after an abort
 *   `currentPodHash` stays the aborted ReplicaSet's), and with a `workloadRef` the
 *   `rollout.argoproj.io/workload-generation` annotation (a placeholder: the referenced workload's
 *   generation counts the controller's scale-down writes).
 * - Deployment referenced by `workloadRef` with `scaleDown`: while the first Rollout pods come up
 *   (an extra first phase), `progressively` has scaled it part of the way down and `onsuccess` has
 *   not touched it yet; from the steady state on, `spec.replicas` is 0.
 * - Blue-green: the active and preview Services' `spec.selector.rollouts-pod-template-hash` (preview
 *   on the new ReplicaSet as soon as it exists, active switched at promotion; an aborted release
 *   leaves the preview on the aborted ReplicaSet) and their `managed-by-rollouts` annotation;
 *   phases for pre-promotion analysis, the pause for a manual promotion, post-promotion analysis
 *   and the scale-down of the old ReplicaSet.
 * - Argo CD itself: the `argocd.argoproj.io/tracking-id` and kubectl last-applied annotations.
 *
 * Analysis writes nothing to the desired objects (AnalysisRuns are new objects owned by the
 * Rollout, which Argo CD does not diff), so an analysis step or background analysis is a phase
 * with no writes of its own.
 *
 * Not modelled: experiments (extra destinations/subsets), blue-green with traffic routing,
 * Nginx/SMI/other routers, legacy `extensions/v1beta1` Ingresses.
 */

export const HASH_LABEL = 'rollouts-pod-template-hash';
export const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
export const MANAGED_ALB_ANNOTATIONS = 'rollouts.argoproj.io/managed-alb-annotations';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const WORKLOAD_GENERATION = 'rollout.argoproj.io/workload-generation';

/** The simulator's stand-in for the value of `rollout.argoproj.io/workload-generation`. */
export function workloadGenerationPlaceholder(ref: { kind: string; name: string }): string {
  return `(metadata.generation of ${ref.kind} ${ref.name})`;
}

/** The live objects at one moment of the Rollout's life. */
export interface Phase {
  /** e.g. `release 2: step 3 setHeaderRoute canary-header` */
  readonly name: string;
  readonly live: any[];
}

export interface SimulationOptions {
  /** Name of the Argo CD Application (for the tracking annotation). @default 'app' */
  readonly applicationName?: string;
  /** Include an aborted release after the others. @default true */
  readonly abort?: boolean;
  /** How many canary steps the aborted release runs before the abort. @default half the steps, rounded up (at least 1) */
  readonly abortAfterSteps?: number;
}

interface HeaderRoute { name: string; match: any[] }
interface MirrorRoute { name: string; match: any[]; percentage?: number }

/** What the controller knows at one moment. */
interface State {
  revision: number;
  stableHash: string;
  canaryHash: string;
  weight: number;
  /** ping or pong: the stable side. */
  stablePingPong: 'ping' | 'pong';
  /** The hash each ping/pong Service was last switched to. */
  pingPongHash: { ping?: string; pong?: string };
  /** Services the controller has patched (they carry the managed-by annotation). */
  touched: Set<string>;
  headerRoutes: HeaderRoute[];
  mirrorRoutes: MirrorRoute[];
  /** Header-route names whose ALB annotations were ever written (bookkeeping order). */
  albManagedKeys: string[];
  /** The first Rollout pods are coming up beside a `workloadRef` Deployment. */
  migrating?: boolean;
  /** The release was aborted: with traffic routing the canary Service ends up on the stable ReplicaSet. */
  aborted?: boolean;
}

const hash = (revision: number) => `5f8c7d${revision}b9`;

/** Deep copy of JSON data. */
export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** The live objects at every phase, for desired manifests that contain exactly one Rollout. */
export function simulateController(desired: any[], options: SimulationOptions = {}): Phase[] {
  const rollouts = desired.filter(m => m.kind === 'Rollout');
  if (rollouts.length !== 1) throw new Error(`simulateController needs exactly one Rollout, got ${rollouts.length}`);
  const rollout = rollouts[0];
  if (rollout.spec?.strategy?.blueGreen) return simulateBlueGreen(desired, rollout, options);
  const canary = rollout.spec?.strategy?.canary;
  if (!canary) throw new Error(`Rollout ${rollout.metadata.name}: only canary and blue-green strategies are simulated`);
  const steps: any[] = canary.steps ?? [];
  const phases: Phase[] = [];
  const render = (name: string, state: State) => phases.push({ name, live: renderLive(desired, rollout, state, options) });

  // First deploy: the initial ReplicaSet becomes stable at once; pong is the canary of the
  // initial "promotion", which makes ping the stable side.
  const state: State = {
    revision: 1,
    stableHash: hash(1),
    canaryHash: hash(1),
    weight: 0,
    stablePingPong: 'ping',
    pingPongHash: { ping: hash(1) },
    touched: new Set(),
    headerRoutes: [],
    mirrorRoutes: [],
    albManagedKeys: [],
  };
  touchStableAndCanary(canary, state);
  if (scalesDownWorkload(rollout)) {
    state.migrating = true;
    render('first deploy: Rollout pods coming up beside the Deployment', state);
    state.migrating = false;
  }
  render('first deploy: steady state', state);

  const release = (revision: number, abortAfter?: number) => {
    state.revision = revision;
    state.canaryHash = hash(revision);
    state.weight = 0;
    const canarySide = state.stablePingPong === 'ping' ? 'pong' : 'ping';
    state.pingPongHash[canarySide] = state.canaryHash;
    touchStableAndCanary(canary, state);
    render(`release ${revision}: new ReplicaSet`, state);
    const last = abortAfter ?? steps.length;
    for (let i = 0; i < last; i++) {
      applyStep(steps[i], state);
      render(`release ${revision}: step ${i} ${describeStep(steps[i])}`, state);
    }
    // All steps done or aborted: managed routes are removed, traffic goes back to stable.
    state.headerRoutes = [];
    state.mirrorRoutes = [];
    state.weight = 0;
    if (abortAfter !== undefined) {
      // the canary Service ends up on the stable ReplicaSet: without traffic routing at once, with
      // it once the traffic router has reset the weights (rollout/trafficrouting.go; while the
      // aborted ReplicaSet still has pods, service.go briefly points it back at them on each
      // reconcile, so conformance-releases compares the settled state). A DestinationRule's canary
      // subset keeps the aborted hash.
      if (!canary.trafficRouting) state.canaryHash = state.stableHash;
      state.aborted = true;
      render(`release ${revision}: aborted after step ${abortAfter - 1}`, state);
      state.aborted = false;
      return;
    }
    state.stableHash = state.canaryHash;
    state.stablePingPong = canarySide;
    render(`release ${revision}: fully promoted`, state);
  };
  release(2);
  release(3);
  if (options.abort ?? true) release(4, options.abortAfterSteps ?? Math.max(1, Math.ceil(steps.length / 2)));
  return phases;
}

function touchStableAndCanary(canary: any, state: State): void {
  for (const name of [canary.stableService, canary.canaryService, canary.pingPong?.pingService, canary.pingPong?.pongService]) {
    if (name) state.touched.add(name);
  }
  // pong is only touched once it has been a canary
  if (canary.pingPong && !state.pingPongHash.pong) state.touched.delete(canary.pingPong.pongService);
}

function applyStep(step: any, state: State): void {
  if (step.setWeight !== undefined) state.weight = step.setWeight;
  if (step.setHeaderRoute) {
    const { name, match } = step.setHeaderRoute;
    state.headerRoutes = state.headerRoutes.filter(r => r.name !== name);
    if (match) state.headerRoutes.push({ name, match });
  }
  if (step.setMirrorRoute) {
    const { name, match, percentage } = step.setMirrorRoute;
    state.mirrorRoutes = state.mirrorRoutes.filter(r => r.name !== name);
    if (match) state.mirrorRoutes.push({ name, match, percentage });
  }
}

function describeStep(step: any): string {
  const kind = Object.keys(step)[0];
  const value = step[kind];
  if (kind === 'setWeight') return `setWeight ${value}`;
  if (kind === 'setHeaderRoute' || kind === 'setMirrorRoute') return `${kind} ${value.name}${value.match ? '' : ' (remove)'}`;
  return kind;
}

function renderLive(desired: any[], rollout: any, state: State, options: SimulationOptions): any[] {
  const canary = rollout.spec.strategy.canary;
  const { canarySvc, stableSvc } = serviceNames(canary, state);
  const routing = canary.trafficRouting ?? {};
  const managedRoutes: string[] = (routing.managedRoutes ?? []).map((r: any) => r.name);
  const { live, find, liveRollout } = liveBase(desired, rollout, state.revision, state.migrating ?? false, options);
  // after an abort the Rollout's pod template is still the aborted release's: currentPodHash keeps
  // its hash even where the canary Service went back to stable (no traffic routing)
  const currentPodHash = state.aborted ? hash(state.revision) : state.canaryHash;
  liveRollout.status = { phase: 'Healthy', stableRS: state.stableHash, currentPodHash, canary: { stablePingPong: state.stablePingPong } };

  // Services
  const serviceHash = (name: string): string | undefined => {
    if (!state.touched.has(name)) return undefined;
    if (canary.pingPong) {
      if (name === canary.pingPong.pingService) return state.pingPongHash.ping;
      if (name === canary.pingPong.pongService) return state.pingPongHash.pong;
    }
    if (name === canary.stableService) return state.stableHash;
    if (name === canary.canaryService) return state.aborted ? state.stableHash : state.canaryHash;
    return undefined;
  };
  for (const svc of live.filter(o => o.kind === 'Service')) {
    const h = serviceHash(svc.metadata.name);
    if (!h) continue;
    svc.spec.selector = { ...svc.spec.selector, [HASH_LABEL]: h };
    svc.metadata.annotations[MANAGED_BY] = rollout.metadata.name;
  }

  // ALB
  if (routing.alb) {
    const alb = routing.alb;
    const prefix = alb.annotationPrefix ?? 'alb.ingress.kubernetes.io';
    const ingresses: string[] = alb.ingresses ?? [alb.ingress];
    const actionKey = `${prefix}/actions.${alb.rootService ?? stableSvc}`;
    const port = String(alb.servicePort);
    const stickiness = alb.stickinessConfig?.enabled
      ? { Enabled: true, DurationSeconds: alb.stickinessConfig.durationSeconds } : undefined;
    const forward = (groups: any[]) => JSON.stringify({
      Type: 'forward',
      ForwardConfig: stickiness ? { TargetGroups: groups, TargetGroupStickinessConfig: stickiness } : { TargetGroups: groups },
    });
    for (const name of ingresses) {
      const ingress = find('Ingress', name);
      if (!ingress) throw new Error(`Rollout ${rollout.metadata.name} names Ingress ${name}, which is not among the manifests`);
      const annotations = ingress.metadata.annotations;
      annotations[actionKey] = forward([
        { ServiceName: canarySvc, ServicePort: port, Weight: state.weight },
        { ServiceName: stableSvc, ServicePort: port, Weight: 100 - state.weight },
      ]);
      const managedKeys = [actionKey];
      for (const route of state.headerRoutes) {
        annotations[`${prefix}/actions.${route.name}`] = forward([{ ServiceName: canarySvc, ServicePort: port, Weight: 100 }]);
        annotations[`${prefix}/conditions.${route.name}`] = JSON.stringify(albConditions(route.match));
        managedKeys.push(`${prefix}/actions.${route.name}`, `${prefix}/conditions.${route.name}`);
        for (const rule of ingress.spec.rules ?? []) {
          if (!rule.http) continue;
          const paths: any[] = rule.http.paths;
          if (!paths.some(p => p.backend?.service?.name === route.name)) {
            paths.unshift({ path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: route.name, port: { name: 'use-annotation' } } } });
          }
        }
      }
      for (const rule of ingress.spec.rules ?? []) {
        if (!rule.http) continue;
        const rank = (p: any) => {
          const i = managedRoutes.indexOf(p.backend?.service?.name);
          return i < 0 ? managedRoutes.length : i;
        };
        rule.http.paths = rule.http.paths
          .map((p: any, i: number) => ({ p, i }))
          .sort((a: any, b: any) => rank(a.p) - rank(b.p) || a.i - b.i)
          .map((x: any) => x.p);
      }
      annotations[MANAGED_ALB_ANNOTATIONS] = JSON.stringify({ [rollout.metadata.name]: managedKeys });
      ingress.status = { loadBalancer: { ingress: [{ hostname: 'k8s-shop-abc.eu-west-1.elb.amazonaws.com' }] } };
    }
  }

  // Istio
  if (routing.istio) {
    const istio = routing.istio;
    const dr = istio.destinationRule;
    const vsRefs: any[] = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
    const drObject = dr ? find('DestinationRule', dr.name) : undefined;
    if (dr && !drObject) throw new Error(`Rollout ${rollout.metadata.name} names DestinationRule ${dr.name}, which is not among the manifests`);
    const subsets = { canary: dr?.canarySubsetName, stable: dr?.stableSubsetName };
    const istioCanary = canary.canaryService || canary.stableService ? canary.canaryService : canarySvc;
    const istioStable = canary.canaryService || canary.stableService ? canary.stableService : stableSvc;
    for (const ref of vsRefs) {
      const vsName = String(ref.name).split('.')[0];
      const vs = find('VirtualService', vsName);
      if (!vs) throw new Error(`Rollout ${rollout.metadata.name} names VirtualService ${vsName}, which is not among the manifests`);
      const http: any[] | undefined = vs.spec.http;
      const weightOf = (host: string | undefined, subset: string | undefined): number | undefined => {
        const label = host?.split('.')[0];
        if (label === istioCanary || (subset && subset === subsets.canary)) return state.weight;
        if (label === istioStable || (subset && subset === subsets.stable)) return 100 - state.weight;
        return undefined;
      };
      const setWeights = (route: any) => {
        // destinations that are neither stable nor canary are deleted
        route.route = (route.route ?? [])
          .filter((d: any) => weightOf(d.destination?.host, d.destination?.subset) !== undefined || !d.destination?.host);
        for (const d of route.route) {
          const w = weightOf(d.destination?.host, d.destination?.subset);
          if (w !== undefined) d.weight = w;
        }
      };
      if (http) {
        const named: string[] = ref.routes ?? [];
        const weighted = named.length
          ? http.filter(r => named.includes(r.name))
          : [http.length === 1 ? http[0] : http.find(r => !r.name)].filter(Boolean);
        if (named.length && weighted.length !== named.length) {
          throw new Error(`VirtualService ${vsName} lacks some of the routes the Rollout names: ${named.join(', ')}`);
        }
        for (const r of weighted) setWeights(r);
        const base = weighted[0];
        const firstPort = base?.route?.[0]?.destination?.port;
        const canaryDestination = () => (dr
          ? { host: drObject.spec.host, ...(firstPort ? { port: firstPort } : {}), subset: subsets.canary }
          : { host: istioCanary, ...(firstPort ? { port: firstPort } : {}) });
        let routes = http.filter(r => !state.headerRoutes.some(h => h.name === r.name) && !state.mirrorRoutes.some(m => m.name === r.name));
        for (const mirror of state.mirrorRoutes) {
          routes.unshift({
            name: mirror.name,
            match: mirror.match.map(istioMirrorMatch),
            route: (base?.route ?? []).map((d: any) => ({
              destination: pick(d.destination, ['host', 'subset', 'port']),
              ...(d.weight ? { weight: d.weight } : {}),
            })),
            mirror: canaryDestination(),
            mirrorPercentage: { value: mirror.percentage ?? 100 },
          });
        }
        for (const header of state.headerRoutes) {
          routes.push({
            name: header.name,
            match: header.match.map((m: any) => ({ headers: { [m.headerName]: m.headerValue } })),
            route: [{ destination: canaryDestination(), weight: 100 }],
          });
        }
        // mirror routes listed in managedRoutes follow the weights
        for (const r of routes) if (r.mirror && managedRoutes.includes(r.name) && state.mirrorRoutes.every(m => m.name !== r.name)) setWeights(r);
        const managed = managedRoutes.map(n => routes.find(r => r.name === n)).filter(Boolean);
        routes = [...managed, ...routes.filter(r => !managedRoutes.includes(r.name))];
        vs.spec.http = routes;
      }
      for (const [key, refKey] of [['tls', 'tlsRoutes'], ['tcp', 'tcpRoutes']] as const) {
        const list: any[] | undefined = vs.spec[key];
        if (!list || list.length === 0) continue;
        const wanted: any[] = ref[refKey] ?? [];
        const targets = wanted.length
          ? list.filter(r => wanted.some(w => (r.match ?? []).some((m: any) => m.port === w.port
            && (key === 'tcp' || JSON.stringify(m.sniHosts ?? []) === JSON.stringify(w.sniHosts ?? [])))))
          : [list[0]];
        for (const r of targets) setWeights(r);
      }
    }
    if (drObject) {
      drObject.metadata.annotations[MANAGED_BY] = rollout.metadata.name;
      drObject.spec.subsets = (drObject.spec.subsets ?? [])
        .filter((s: any) => s.name === subsets.canary || s.name === subsets.stable)
        .map((s: any) => ({
          ...s,
          labels: { ...s.labels, [HASH_LABEL]: s.name === subsets.canary ? state.canaryHash : state.stableHash },
        }));
    }
  }
  return live;
}

/** Whether the controller scales down the Deployment a `workloadRef` points at. */
function scalesDownWorkload(rollout: any): boolean {
  const scaleDown = rollout.spec?.workloadRef?.scaleDown;
  return scaleDown === 'onsuccess' || scaleDown === 'progressively';
}

/**
 * What every strategy shares: the desired objects as applied by Argo CD (tracking and
 * last-applied annotations, the Rollout's namespace), the Rollout's revision annotation and
 * defaulted replicas, and the scale-down of a `workloadRef` Deployment.
 */
function liveBase(desired: any[], rollout: any, revision: number, migrating: boolean, options: SimulationOptions) {
  const namespace = rollout.metadata.namespace;
  const live = desired.map(m => {
    const obj = clone(m);
    obj.metadata = obj.metadata ?? {};
    if (namespace && !obj.metadata.namespace && obj.kind !== 'Namespace') obj.metadata.namespace = namespace;
    obj.metadata.annotations = {
      ...obj.metadata.annotations,
      [TRACKING_ID]: `${options.applicationName ?? 'app'}:${groupOf(obj)}/${obj.kind}:${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
      [LAST_APPLIED]: JSON.stringify(m),
    };
    return obj;
  });
  const find = (kind: string, name: string) => live.find(o => o.kind === kind && o.metadata.name === name);

  const liveRollout = find('Rollout', rollout.metadata.name);
  liveRollout.metadata.annotations[REVISION_ANNOTATION] = String(revision);
  if (rollout.spec.workloadRef) {
    // the controller copies the referenced workload's metadata.generation, which depends on how
    // many writes scaled it down: not modelled, a placeholder naming it
    liveRollout.metadata.annotations[WORKLOAD_GENERATION] = workloadGenerationPlaceholder(rollout.spec.workloadRef);
  }
  if (liveRollout.spec.replicas === undefined) liveRollout.spec.replicas = 1;
  if (scalesDownWorkload(rollout)) {
    const deployment = find('Deployment', rollout.spec.workloadRef.name);
    if (deployment) {
      const declared: number = deployment.spec.replicas ?? 1;
      // onsuccess waits for the Rollout to be Healthy; progressively follows the ready Rollout pods
      if (!migrating) deployment.spec.replicas = 0;
      else if (rollout.spec.workloadRef.scaleDown === 'progressively') deployment.spec.replicas = Math.floor(declared / 2);
    }
  }
  return { live, find, liveRollout };
}

/** What the controller knows about a blue-green Rollout at one moment. */
interface BlueGreenState {
  revision: number;
  activeHash: string;
  previewHash: string;
  paused: boolean;
  migrating: boolean;
}

function simulateBlueGreen(desired: any[], rollout: any, options: SimulationOptions): Phase[] {
  const blueGreen = rollout.spec.strategy.blueGreen;
  const phases: Phase[] = [];
  const render = (name: string, state: BlueGreenState) => phases.push({ name, live: renderBlueGreen(desired, rollout, state, options) });

  // First deploy: with no active ReplicaSet yet, both Services go to the first one at once.
  const state: BlueGreenState = { revision: 1, activeHash: hash(1), previewHash: hash(1), paused: false, migrating: false };
  if (scalesDownWorkload(rollout)) {
    state.migrating = true;
    render('first deploy: Rollout pods coming up beside the Deployment', state);
    state.migrating = false;
  }
  render('first deploy: steady state', state);

  const release = (revision: number, abort: boolean) => {
    state.revision = revision;
    state.previewHash = hash(revision);
    render(`release ${revision}: new ReplicaSet behind the preview Service`, state);
    if (blueGreen.prePromotionAnalysis) render(`release ${revision}: pre-promotion analysis`, state);
    if (abort) {
      // the new ReplicaSet is scaled down; the active Service never left the stable one
      render(`release ${revision}: aborted`, state);
      return;
    }
    if (blueGreen.autoPromotionEnabled === false) {
      state.paused = true;
      render(`release ${revision}: paused for promotion`, state);
      state.paused = false;
    }
    state.activeHash = state.previewHash;
    render(`release ${revision}: promoted`, state);
    if (blueGreen.postPromotionAnalysis) render(`release ${revision}: post-promotion analysis`, state);
    render(`release ${revision}: old ReplicaSet scaled down`, state);
  };
  release(2, false);
  release(3, false);
  if (options.abort ?? true) release(4, true);
  return phases;
}

function renderBlueGreen(desired: any[], rollout: any, state: BlueGreenState, options: SimulationOptions): any[] {
  const blueGreen = rollout.spec.strategy.blueGreen;
  const { live, find, liveRollout } = liveBase(desired, rollout, state.revision, state.migrating, options);
  liveRollout.status = {
    phase: state.paused ? 'Paused' : 'Healthy',
    stableRS: state.activeHash,
    currentPodHash: state.previewHash,
    blueGreen: { activeSelector: state.activeHash, previewSelector: state.previewHash },
    ...(state.paused ? { controllerPause: true, pauseConditions: [{ reason: 'BlueGreenPause' }] } : {}),
  };
  const switched: Array<[string | undefined, string]> = [
    [blueGreen.activeService, state.activeHash],
    [blueGreen.previewService, state.previewHash],
  ];
  for (const [name, h] of switched) {
    if (!name) continue;
    const svc = find('Service', name);
    if (!svc) throw new Error(`Rollout ${rollout.metadata.name} names Service ${name}, which is not among the manifests`);
    svc.spec.selector = { ...svc.spec.selector, [HASH_LABEL]: h };
    svc.metadata.annotations[MANAGED_BY] = rollout.metadata.name;
  }
  return live;
}

function serviceNames(canary: any, state: State): { canarySvc: string; stableSvc: string } {
  if (canary.pingPong) {
    const { pingService, pongService } = canary.pingPong;
    return state.stablePingPong === 'ping'
      ? { canarySvc: pongService, stableSvc: pingService }
      : { canarySvc: pingService, stableSvc: pongService };
  }
  return { canarySvc: canary.canaryService, stableSvc: canary.stableService };
}

function albConditions(match: any[]): any[] {
  const byHeader = new Map<string, string[]>();
  for (const m of match) {
    const value = m.headerValue?.exact;
    if (value === undefined) throw new Error(`ALB header routes match exact values only, got ${JSON.stringify(m.headerValue)}`);
    byHeader.set(m.headerName, [...(byHeader.get(m.headerName) ?? []), value]);
  }
  return [...byHeader.entries()].map(([name, values]) => ({ field: 'http-header', httpHeaderConfig: { httpHeaderName: name, values } }));
}

function istioMirrorMatch(m: any): any {
  const out: any = {};
  if (m.method) out.method = m.method;
  if (m.path) out.uri = m.path;
  if (m.headers) out.headers = m.headers;
  return out;
}

function pick(obj: any, keys: string[]): any {
  const out: any = {};
  for (const k of keys) if (obj?.[k] !== undefined) out[k] = obj[k];
  return out;
}

function groupOf(obj: any): string {
  const apiVersion: string = obj.apiVersion ?? '';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
