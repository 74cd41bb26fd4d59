import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioHttpRouteSettings, IstioTrafficPolicy } from './istio-traffic-policy';
import { pingPongReset, RouterReference, TrafficRouterContext } from './router-context';
import { TrafficRouter } from './traffic-router';
import { RuntimeOwnedFields } from '../gitops/runtime-ownership';
import type { DestinationRule, DestinationRuleSpec, DestinationRuleSpecTrafficPolicy, DestinationRuleSpecTrafficPolicyLoadBalancerSimple, DestinationRuleSpecTrafficPolicyTlsMode } from '../imports/destinationrule-networking.istio.io';
import type { RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import type { VirtualService, VirtualServiceSpec, VirtualServiceSpecHttpRoute, VirtualServiceSpecHttpRetries } from '../imports/virtualservice-networking.istio.io';
import { int32Problem, istioExportToProblem, istioGatewayProblem, istioHostProblem } from '../private/checks';
import { destinationRuleL1, virtualServiceL1 } from '../private/l1-modules';
import { isDns1123Label, isDnsLabel, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { fail, Problems } from '../private/problems';
import { StepKind } from '../rollout/step';
import type { IstioTrafficRouting } from '../rollout/strategy';

/** The kinds of the generated L1s (their `GVK`), without loading them at require. */
const VIRTUAL_SERVICE_KIND: typeof VirtualService.GVK.kind = 'VirtualService';
const DESTINATION_RULE_KIND: typeof DestinationRule.GVK.kind = 'DestinationRule';

/**
 * The `networking.istio.io` version the VirtualService and DestinationRule are written in. Every
 * version has the same schema; pick one your Istio serves. The Rollouts controller reads and
 * writes them through its own `--istio-api-version` (default `v1alpha3`), whatever the version
 * in Git, and Argo CD diffs a live object in the version of the Git object, so the choice only
 * decides which clusters accept the YAML.
 */
export class IstioApiVersion {
  /** `networking.istio.io/v1`: served from Istio 1.22 on. */
  public static readonly V1 = new IstioApiVersion('v1');
  /** `networking.istio.io/v1beta1`: served by every supported Istio release (the default). */
  public static readonly V1BETA1 = new IstioApiVersion('v1beta1');
  /** `networking.istio.io/v1alpha3`: the oldest, served by every Istio release with these kinds. */
  public static readonly V1ALPHA3 = new IstioApiVersion('v1alpha3');

  private constructor(
    /** The version, e.g. `v1beta1`. */
    public readonly version: string) {}

  /** The `apiVersion`, e.g. `networking.istio.io/v1beta1`. */
  public get apiVersion(): string {
    return `networking.istio.io/${this.version}`;
  }
}

/** A TLS route of the VirtualService the Rollout splits (matched by port and SNI hosts). */
export interface IstioTlsRoute {
  /** The port the route matches. */
  readonly port: number;
  /** The SNI hosts the route matches. */
  readonly sniHosts: string[];
}

/** A TCP route of the VirtualService the Rollout splits (matched by port). */
export interface IstioTcpRoute {
  /** The port the route matches. */
  readonly port: number;
}

/** Properties of an `IstioVirtualService`. */
export interface IstioVirtualServiceProps {
  /**
   * `metadata.name` of the VirtualService.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /** Hosts the VirtualService serves, e.g. an in-cluster name and a public name. */
  readonly hosts: string[];

  /**
   * Gateways the routes apply to (`<namespace>/<name>`); include `mesh` for traffic between
   * sidecars to be split too.
   * @default - only `mesh` (the sidecars)
   */
  readonly gateways?: string[];

  /**
   * Namespaces the VirtualService is visible in (`.` this one, `*` all).
   * @default - all namespaces
   */
  readonly exportTo?: string[];

  /**
   * Name of the HTTP route the Rollout splits; always named so that header and mirror routes
   * can sit beside it.
   * @default 'primary'
   */
  readonly routeName?: string;

  /**
   * TLS routes the Rollout splits as well.
   * @default - none
   */
  readonly tlsRoutes?: IstioTlsRoute[];

  /**
   * TCP routes the Rollout splits as well.
   * @default - none
   */
  readonly tcpRoutes?: IstioTcpRoute[];
  /**
   * The `networking.istio.io` version the object is written in.
   * @default IstioApiVersion.V1BETA1 - served by every supported Istio release (`v1` only from 1.22)
   */
  readonly apiVersion?: IstioApiVersion;

  /**
   * Timeout and retries of the HTTP route the Rollout splits. The controller changes only the
   * route's weights, so these stay in place through every release.
   * @default - Istio's defaults
   */
  readonly httpRoute?: IstioHttpRouteSettings;
}

/**
 * Where the Rollout sends traffic: stable and canary hosts, or stable and canary subsets of one host.
 * @internal
 */
export interface IstioDestinationBinding {
  readonly stableHost: string;
  readonly canaryHost: string;
  readonly stableSubset?: string;
  readonly canarySubset?: string;
  readonly port?: number;
  readonly rolloutPath: string;
}

/**
 * An Istio VirtualService whose named HTTP route (and optional TLS/TCP routes) sends 100 percent
 * to stable and 0 to canary; the Rollout rewrites the weights during an update.
 *
 * @example
 * const vs = new IstioVirtualService(chart, 'vs', {
 *   hosts: ['checkout.shop.svc.cluster.local', 'checkout.example.com'],
 *   gateways: ['istio-system/public', 'mesh'],
 * });
 */
export class IstioVirtualService extends Construct {
  /** `metadata.name` of the VirtualService. */
  public readonly name: string;

  /** Name of the HTTP route the Rollout splits. */
  public readonly routeName: string;

  /** The L1 VirtualService. */
  public readonly apiObject: ApiObject;

  private readonly props: IstioVirtualServiceProps;
  private readonly httpRouteSettings: HttpRouteFields;
  private binding?: IstioDestinationBinding;

  constructor(scope: Construct, id: string, props: IstioVirtualServiceProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? readableName(this);
    this.routeName = props.routeName ?? 'primary';
    const problems = new Problems(this);
    if (!isDns1123Label(this.name)) {
      // the controller reads "<name>.<namespace>" in a VirtualService reference, so a dot would name another namespace
      problems.add('VirtualService name must be a lower-case DNS-1123 label (no \'.\': the Rollouts controller reads "a.b" as VirtualService "a" in namespace "b")',
        this.name, 'use lower-case letters, digits and \'-\'');
    }
    if (props.hosts.length === 0) problems.add('a VirtualService needs at least one host', props.hosts, 'give the hosts it routes, e.g. "checkout"');
    if (!isDnsLabel(this.routeName)) problems.add('routeName must be a DNS-1035 label', this.routeName, 'use lower-case letters, digits and \'-\', starting with a letter');
    for (const host of props.hosts) {
      const problem = istioHostProblem(host);
      if (problem) problems.add(`VirtualService host ${problem}`, host, 'use a host such as "checkout", "checkout.shop.svc.cluster.local" or "*.example.com"');
    }
    for (const gateway of props.gateways ?? []) {
      const problem = gateway.trim() === '' ? 'is empty' : istioGatewayProblem(gateway);
      if (problem) {
        problems.add(`gateway must be "mesh", "<name>" or "<namespace>/<name>" with lower-case DNS names, but it ${problem}`, gateway,
          'fix the gateway reference, e.g. "istio-system/public"');
      }
    }
    const gateways = props.gateways && props.gateways.length > 0 ? props.gateways : ['mesh'];
    if (gateways.includes('mesh') && props.hosts.includes('*')) {
      problems.add('the host "*" cannot be used by a VirtualService bound to the mesh gateway (istiod rejects it)', { hosts: props.hosts, gateways },
        'name the hosts, or bind only to ingress gateways');
    }
    const exportProblem = props.exportTo ? istioExportToProblem(props.exportTo) : undefined;
    if (exportProblem) problems.add(`exportTo ${exportProblem}`, props.exportTo, 'use namespace names, "." (this namespace) or "*" (all)');
    const ports = [...(props.tlsRoutes ?? []), ...(props.tcpRoutes ?? [])].map(r => r.port);
    for (const r of props.tlsRoutes ?? []) {
      if (r.sniHosts.length === 0) problems.add(`the TLS route on port ${r.port} needs at least one SNI host`, r.sniHosts, 'give the SNI hosts it matches');
      for (const sni of r.sniHosts) {
        if (!props.hosts.some(h => isHostSubsetOf(sni, h))) {
          problems.add(`the TLS route on port ${r.port} has SNI host "${sni}", which none of the VirtualService hosts ${JSON.stringify(props.hosts)} covers`, sni,
            'istiod refuses it: add the SNI host (or a wildcard that covers it) to hosts');
        }
      }
    }
    if (new Set((props.tlsRoutes ?? []).map(r => r.port)).size !== (props.tlsRoutes ?? []).length
      || new Set((props.tcpRoutes ?? []).map(r => r.port)).size !== (props.tcpRoutes ?? []).length) {
      problems.add('TLS and TCP routes are matched by port, so each port may appear once per kind', ports, 'give each route of a kind its own port');
    }
    this.httpRouteSettings = renderHttpRouteSettings(props.httpRoute, problems);
    problems.throwIfAny();

    // The L1's kind with the chosen apiVersion (the L1 always writes v1); its converter turns
    // the typed spec into Istio's spelling (mirror_percent).
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: (props.apiVersion ?? IstioApiVersion.V1BETA1).apiVersion,
      kind: VIRTUAL_SERVICE_KIND,
      metadata: { name: this.name },
      spec: Lazy.any({ produce: () => virtualServiceL1().toJson_VirtualServiceSpec(this._toKube()) }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation({
      validate: () => this.binding ? [] : new Problems(this).add(`VirtualService "${this.name}" is not used by any Rollout, so its route has no destinations`,
        'pass it to a Rollout\'s Istio traffic routing').messages,
    });
  }

  /** Hosts of the VirtualService. */
  public get hosts(): string[] {
    return [...this.props.hosts];
  }

  /** TLS routes the Rollout splits. */
  public get tlsRoutes(): IstioTlsRoute[] {
    return [...(this.props.tlsRoutes ?? [])];
  }

  /** TCP routes the Rollout splits. */
  public get tcpRoutes(): IstioTcpRoute[] {
    return [...(this.props.tcpRoutes ?? [])];
  }

  /**
   * Binds the stable and canary destinations; called by the Rollout.
   * @internal
   */
  public _bindDestinations(binding: IstioDestinationBinding): void {
    if (this.binding && this.binding.rolloutPath !== binding.rolloutPath) {
      fail(this, `VirtualService "${this.name}" is already split by the Rollout at ${this.binding.rolloutPath}`, 'give each Rollout its own VirtualService');
    }
    this.binding = binding;
  }

  private destinations(withPort: boolean): VirtualServiceSpecHttpRoute[] {
    const b = this.binding!;
    const destination = (host: string, subset?: string) => ({
      host,
      subset,
      port: withPort && b.port !== undefined ? { number: b.port } : undefined,
    });
    return [
      { destination: destination(b.stableHost, b.stableSubset), weight: 100 },
      { destination: destination(b.canaryHost, b.canarySubset), weight: 0 },
    ];
  }

  /** @internal */
  public _toKube(): VirtualServiceSpec {
    const p = this.props;
    if (!this.binding) return { hosts: p.hosts };
    return {
      hosts: p.hosts,
      gateways: p.gateways,
      exportTo: p.exportTo,
      http: [{ name: this.routeName, route: this.destinations(true), ...this.httpRouteSettings }],
      tls: p.tlsRoutes?.map(r => ({ match: [{ port: r.port, sniHosts: r.sniHosts }], route: this.destinations(false) })),
      tcp: p.tcpRoutes?.map(r => ({ match: [{ port: r.port }], route: this.destinations(false) })),
    };
  }
}

/** Properties of an `IstioDestinationRule`. */
export interface IstioDestinationRuleProps {
  /**
   * `metadata.name` of the DestinationRule.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /** The Service host whose subsets the Rollout splits. */
  readonly host: string;

  /**
   * Name of the stable subset.
   * @default 'stable'
   */
  readonly stableSubsetName?: string;

  /**
   * Name of the canary subset.
   * @default 'canary'
   */
  readonly canarySubsetName?: string;
  /**
   * The `networking.istio.io` version the object is written in.
   * @default IstioApiVersion.V1BETA1 - served by every supported Istio release (`v1` only from 1.22)
   */
  readonly apiVersion?: IstioApiVersion;

  /**
   * TLS, load balancing, connection limits and outlier detection for the host (both subsets).
   * @default - the mesh defaults
   */
  readonly trafficPolicy?: IstioTrafficPolicy;
}

/**
 * An Istio DestinationRule with exactly the stable and canary subsets, for subset-level
 * routing; the Rollout adds the pod-template hash to each subset's labels at runtime (and would
 * delete any other subset, so none can be added).
 */
export class IstioDestinationRule extends Construct {
  /** `metadata.name` of the DestinationRule. */
  public readonly name: string;

  /** The Service host. */
  public readonly host: string;

  /** Name of the stable subset. */
  public readonly stableSubsetName: string;

  /** Name of the canary subset. */
  public readonly canarySubsetName: string;

  /** The L1 DestinationRule. */
  public readonly apiObject: ApiObject;

  private labels?: { [key: string]: string };
  private readonly trafficPolicy: DestinationRuleSpecTrafficPolicy | undefined;

  constructor(scope: Construct, id: string, props: IstioDestinationRuleProps) {
    super(scope, id);
    this.name = props.name ?? readableName(this);
    this.host = props.host;
    this.stableSubsetName = props.stableSubsetName ?? 'stable';
    this.canarySubsetName = props.canarySubsetName ?? 'canary';
    const problems = new Problems(this);
    if (!isDns1123Label(this.name)) {
      problems.add('DestinationRule name must be a lower-case DNS-1123 label (no \'.\': the Rollouts controller reads "a.b" as "a" in namespace "b")',
        this.name, 'use lower-case letters, digits and \'-\'');
    }
    const hostProblem = istioHostProblem(this.host);
    if (hostProblem || this.host.includes('*')) {
      problems.add(`DestinationRule host ${hostProblem ?? 'must not be a wildcard'}`, this.host, 'use the Service name, e.g. "checkout" or "checkout.shop.svc.cluster.local"');
    }
    for (const subset of [this.stableSubsetName, this.canarySubsetName]) {
      // istiod checks subset names as DNS-1123 labels (they may start with a digit)
      if (!isDns1123Label(subset)) problems.add('subset name must be a DNS-1123 label', subset, 'use lower-case letters, digits and \'-\'');
    }
    if (this.stableSubsetName === this.canarySubsetName) {
      problems.add('the stable and canary subsets have the same name', this.stableSubsetName, 'give them different names');
    }
    this.trafficPolicy = renderTrafficPolicy(props.trafficPolicy, problems);
    problems.throwIfAny();
    // as the VirtualService; the converter writes consecutive5xxErrors
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: (props.apiVersion ?? IstioApiVersion.V1BETA1).apiVersion,
      kind: DESTINATION_RULE_KIND,
      metadata: { name: this.name },
      spec: Lazy.any({ produce: () => destinationRuleL1().toJson_DestinationRuleSpec(this._toKube()) }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation({
      validate: () => this.labels ? [] : new Problems(this).add(`DestinationRule "${this.name}" is not used by any Rollout, so its subsets select no pods`,
        'pass it to a Rollout\'s Istio traffic routing').messages,
    });
  }

  /**
   * Binds the pod labels both subsets select; called by the Rollout.
   * @internal
   */
  public _bindPodLabels(labels: { [key: string]: string }): void {
    this.labels = labels;
  }

  /** @internal */
  public _toKube(): DestinationRuleSpec {
    return {
      host: this.host,
      trafficPolicy: this.trafficPolicy,
      subsets: [
        { name: this.stableSubsetName, labels: this.labels },
        { name: this.canarySubsetName, labels: this.labels },
      ],
    };
  }
}

/**
 * Whether host `a` is within host `b` as istiod compares hosts (a wildcard `*.x` covers every
 * name ending in `.x`, `*` covers everything; a wildcard is only within a wider wildcard).
 */
function isHostSubsetOf(a: string, b: string): boolean {
  if (a.startsWith('*')) return b.startsWith('*') && a.slice(1).endsWith(b.slice(1));
  if (b.startsWith('*')) return a.endsWith(b.slice(1));
  return a === b;
}

/** An Istio duration: whole milliseconds, at least 1 ms, as istiod parses them. */
function istioDuration(what: string, d: Duration | undefined, problems: Problems): string | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) {
    problems.add(`${what} must be a whole number of milliseconds, at least 1ms`, `${ms}ms`, 'give e.g. Duration.millis(500) or Duration.seconds(2)');
    return undefined;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function count(what: string, value: number | undefined, min: number, problems: Problems): number | undefined {
  if (value === undefined) return undefined;
  const problem = int32Problem(value, min);
  if (problem) problems.add(`${what} ${problem}`, value, 'give a whole number in that range');
  return value;
}

/** The route fields of the settings, and what is wrong with them. */
interface HttpRouteFields {
  readonly timeout?: string;
  readonly retries?: VirtualServiceSpecHttpRetries;
}

function renderHttpRouteSettings(settings: IstioHttpRouteSettings | undefined, problems: Problems): HttpRouteFields {
  if (!settings) return {};
  const retries = settings.retries;
  for (const condition of retries?.retryOn ?? []) {
    if (!/^[a-z0-9-]+$/.test(condition)) {
      problems.add('httpRoute retries retryOn condition must be an Envoy retry condition or status code', condition, 'use e.g. "5xx", "reset" or "503"');
    }
  }
  return {
    timeout: istioDuration('httpRoute timeout', settings.timeout, problems),
    retries: retries ? {
      attempts: count('httpRoute retries attempts', retries.attempts, 0, problems),
      perTryTimeout: istioDuration('httpRoute retries perTryTimeout', retries.perTryTimeout, problems),
      retryOn: retries.retryOn && retries.retryOn.length > 0 ? retries.retryOn.join(',') : undefined,
    } : undefined,
  };
}

/** The DestinationRule `trafficPolicy`, and what is wrong with it. */
function renderTrafficPolicy(policy: IstioTrafficPolicy | undefined, problems: Problems): DestinationRuleSpecTrafficPolicy | undefined {
  if (!policy) return undefined;
  const pool = policy.connectionPool;
  const outlier = policy.outlierDetection;
  const ejection = outlier?.maxEjectionPercent;
  if (ejection !== undefined && (!Number.isInteger(ejection) || ejection < 0 || ejection > 100)) {
    problems.add('trafficPolicy outlierDetection maxEjectionPercent must be a whole number from 0 to 100', ejection, 'give a percentage, e.g. 50');
  }
  const tcp = pool && (pool.maxConnections !== undefined || pool.connectTimeout !== undefined) ? {
    maxConnections: count('trafficPolicy connectionPool maxConnections', pool.maxConnections, 1, problems),
    connectTimeout: istioDuration('trafficPolicy connectionPool connectTimeout', pool.connectTimeout, problems),
  } : undefined;
  const httpGiven = pool && [pool.http1MaxPendingRequests, pool.http2MaxRequests, pool.maxRequestsPerConnection].some(v => v !== undefined);
  const http = httpGiven ? {
    http1MaxPendingRequests: count('trafficPolicy connectionPool http1MaxPendingRequests', pool.http1MaxPendingRequests, 1, problems),
    http2MaxRequests: count('trafficPolicy connectionPool http2MaxRequests', pool.http2MaxRequests, 1, problems),
    maxRequestsPerConnection: count('trafficPolicy connectionPool maxRequestsPerConnection', pool.maxRequestsPerConnection, 0, problems),
  } : undefined;
  return {
    tls: policy.tlsMode ? { mode: policy.tlsMode as string as DestinationRuleSpecTrafficPolicyTlsMode } : undefined,
    loadBalancer: policy.loadBalancer ? { simple: policy.loadBalancer as string as DestinationRuleSpecTrafficPolicyLoadBalancerSimple } : undefined,
    connectionPool: tcp || http ? { tcp, http } : undefined,
    outlierDetection: outlier ? {
      consecutive5XxErrors: count('trafficPolicy outlierDetection consecutive5xxErrors', outlier.consecutive5xxErrors, 0, problems),
      interval: istioDuration('trafficPolicy outlierDetection interval', outlier.interval, problems),
      baseEjectionTime: istioDuration('trafficPolicy outlierDetection baseEjectionTime', outlier.baseEjectionTime, problems),
      maxEjectionPercent: outlier.maxEjectionPercent,
    } : undefined,
  };
}

const HASH_LABEL = 'rollouts-pod-template-hash';

/**
 * Istio as a traffic router of a Rollout: binds the stable and canary destinations into its
 * VirtualServices (and the pod labels into its DestinationRule), renders `trafficRouting.istio`
 * and records the weights, managed routes and subset labels the controller writes.
 * `CanaryTrafficRouting.istio` creates one; use it directly in `routers`.
 */
export class IstioTrafficRouter extends TrafficRouter {
  constructor(
    /** The Istio routing options. */
    public readonly options: IstioTrafficRouting) {
    super();
  }

  /** @internal */
  public _validate(ctx: TrafficRouterContext): string[] {
    if (this.options.virtualServices.length > 0) return [];
    return new Problems(ctx.rollout).add('canary trafficRouting.istio needs at least one VirtualService', { virtualServices: [] }, 'pass the IstioVirtualService the Rollout splits').messages;
  }

  /** @internal */
  public _needsStableAndCanary(ctx: TrafficRouterContext): string | undefined {
    return !this.options.destinationRule && !ctx.canary.pingPong ? 'Istio host-level routing' : undefined;
  }

  /** @internal */
  public get _stableCanaryAlternative(): string | undefined {
    return 'an Istio destinationRule';
  }

  /** @internal */
  public _supportsStep(kind: StepKind): boolean {
    return kind === StepKind.SET_HEADER_ROUTE || kind === StepKind.SET_MIRROR_ROUTE || kind === StepKind.EXPERIMENT;
  }

  /** @internal */
  public _reservedRouteNames(_ctx: TrafficRouterContext): [string, string][] {
    return this.options.virtualServices.map((vs): [string, string] => [vs.routeName, `the route of VirtualService "${vs.name}"`]);
  }

  /** @internal */
  public _bind(ctx: TrafficRouterContext): void {
    const c = ctx.canary;
    const dr = this.options.destinationRule;
    // host-level routing prefers stable/canary; ping/pong only when both are missing
    const useStableCanary = !!(c.stableService && c.canaryService);
    const stableHost = dr ? dr.host : useStableCanary ? c.stableService!.name : c.pingPong?.pingService.name;
    const canaryHost = dr ? dr.host : useStableCanary ? c.canaryService!.name : c.pingPong?.pongService.name;
    for (const vs of this.options.virtualServices) {
      vs._bindDestinations({
        stableHost: stableHost!,
        canaryHost: canaryHost!,
        stableSubset: dr?.stableSubsetName,
        canarySubset: dr?.canarySubsetName,
        port: ctx.servicePort ?? (c.stableService ?? c.pingPong?.pingService)?.ports[0]?.port,
        rolloutPath: ctx.rollout.node.path,
      });
    }
    dr?._bindPodLabels(ctx.podLabels);
  }

  /** @internal */
  public _references(): RouterReference[] {
    const refs: RouterReference[] = this.options.virtualServices.map(v => ({ kind: 'VirtualService', name: v.name, construct: v }));
    const dr = this.options.destinationRule;
    if (dr) refs.push({ kind: 'DestinationRule', name: dr.name, construct: dr });
    return refs;
  }

  /** @internal */
  public _render(_ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting {
    const vsRefs = this.options.virtualServices.map(vs => ({
      name: vs.name,
      routes: [vs.routeName],
      tlsRoutes: vs.tlsRoutes.length > 0 ? vs.tlsRoutes.map(r => ({ port: r.port, sniHosts: r.sniHosts })) : undefined,
      tcpRoutes: vs.tcpRoutes.length > 0 ? vs.tcpRoutes.map(r => ({ port: r.port })) : undefined,
    }));
    const dr = this.options.destinationRule;
    return {
      istio: {
        ...(vsRefs.length === 1 ? { virtualService: vsRefs[0] } : { virtualServices: vsRefs }),
        destinationRule: dr ? { name: dr.name, stableSubsetName: dr.stableSubsetName, canarySubsetName: dr.canarySubsetName } : undefined,
      },
    };
  }

  /** @internal */
  public _runtimeOwnedFields(ctx: TrafficRouterContext): RuntimeOwnedFields[] {
    const routes = ctx.managedRoutes;
    const c = ctx.canary;
    const records: RuntimeOwnedFields[] = this.options.virtualServices.map(vs => {
      const jq = ['.spec.http[]?.route[]?.weight'];
      if (vs.tlsRoutes.length > 0) jq.push('.spec.tls[]?.route[]?.weight');
      if (vs.tcpRoutes.length > 0) jq.push('.spec.tcp[]?.route[]?.weight');
      for (const r of routes) jq.push(`.spec.http[]? | select(.name == ${JSON.stringify(r)})`);
      return {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: vs.name,
        namespace: Chart.of(vs).namespace,
        jqPathExpressions: jq,
        reason: `the Rollout ${ctx.rolloutName} rewrites the route weights${routes.length > 0 ? ' and adds its managed header/mirror routes' : ''}`,
        // Istio splits between ping and pong only when stable and canary Services are not set
        unsafeToReset: c.stableService && c.canaryService ? undefined : pingPongReset(ctx),
      };
    });
    const dr = this.options.destinationRule;
    if (dr) {
      records.push({
        group: 'networking.istio.io',
        kind: 'DestinationRule',
        name: dr.name,
        namespace: Chart.of(dr).namespace,
        jqPathExpressions: [`.spec.subsets[]?.labels.${JSON.stringify(HASH_LABEL)}`],
        reason: `the Rollout ${ctx.rolloutName} adds the pod-template hash to the stable and canary subsets`,
      });
    }
    return records;
  }
}
