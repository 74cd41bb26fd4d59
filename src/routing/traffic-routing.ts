import { ApiObject, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlbIngress, AlbLoadBalancerOptions, AlbTargetType } from './alb';
import { GatewayApiRoutingOptions, GatewayApiTrafficRouter } from './gateway-api';
import { IstioApiVersion, IstioDestinationRule, IstioVirtualService } from './istio';
import { IstioHttpRouteSettings, IstioTrafficPolicy } from './istio-traffic-policy';
import { AppRouting, AppRoutingContext, AppRoutingResult } from './router-context';
import { isDnsLabel } from '../private/names';
import { applyPatchesLast } from '../private/patches';
import { fail, Problem } from '../private/problems';

/** Options of `TrafficRouting.alb`. */
export interface AlbRoutingOptions extends AlbLoadBalancerOptions {

  /**
   * Host the Ingress rule matches.
   * @default - any host
   */
  readonly host?: string;

  /**
   * Path the Ingress rule matches.
   * @default '/'
   */
  readonly path?: string;

  /**
   * Sticky sessions for this long (1 second to 7 days).
   * @default - no stickiness
   */
  readonly stickiness?: Duration;

  /**
   * The app relies on ALB target-group verification: the controller checks that the ALB
   * registered the new pods (and the weights) before it moves on. Verification is a controller
   * setting (`--aws-verify-target-group`, ELB Describe permissions and `AWS_REGION`), not a
   * field of any object here, so the YAML does not change: with a `RolloutsController` in the
   * same App, synthesis fails unless that controller has `verifyTargetGroups` on; without one,
   * turn verification on in your controller yourself. Needs target type `ip` (the default
   * here); label the namespace `elbv2.k8s.aws/pod-readiness-gate-inject: enabled` for
   * readiness gates, and prefer `pingPong`, whose Services keep their selectors.
   * @default false
   */
  readonly verifyTargetGroups?: boolean;
}

/** Options of `TrafficRouting.istio`. */
export interface IstioRoutingOptions {
  /** Hosts of the VirtualService, e.g. the in-cluster name and a public name. */
  readonly hosts: string[];

  /**
   * Gateways of the VirtualService; include `mesh` so that traffic between sidecars is split too.
   * @default - only `mesh`
   */
  readonly gateways?: string[];

  /**
   * Namespaces the VirtualService is exported to.
   * @default - all namespaces
   */
  readonly exportTo?: string[];

  /**
   * Split between subsets of one Service (a DestinationRule with stable and canary subsets)
   * instead of between a stable and a canary Service.
   * @default false
   */
  readonly subsetLevel?: boolean;

  /**
   * Name of the HTTP route the Rollout splits.
   * @default 'primary'
   */
  readonly routeName?: string;

  /**
   * The `networking.istio.io` version of the VirtualService and DestinationRule.
   * @default IstioApiVersion.V1BETA1 - served by every supported Istio release (`v1` only from 1.22)
   */
  readonly apiVersion?: IstioApiVersion;

  /**
   * Timeout and retries of the HTTP route the Rollout splits.
   * @default - Istio's defaults
   */
  readonly httpRoute?: IstioHttpRouteSettings;

  /**
   * TLS, load balancing, connection limits and outlier detection (subset-level routing only:
   * they live in its DestinationRule).
   * @default - the mesh defaults
   */
  readonly trafficPolicy?: IstioTrafficPolicy;
}

/**
 * How a `CanaryApp` shifts traffic: through an AWS ALB Ingress or an Istio VirtualService.
 *
 * @example
 * TrafficRouting.alb({ host: 'qa-domain.com' });
 * TrafficRouting.istio({ hosts: ['checkout', 'checkout.example.com'], gateways: ['istio-system/public', 'mesh'] });
 */
export class TrafficRouting {
  /** An AWS Load Balancer Controller Ingress with a weighted action. */
  public static alb(options: AlbRoutingOptions = {}): TrafficRouting {
    return new TrafficRouting(options, undefined, new AlbAppRouting(options));
  }

  /** An Istio VirtualService (and a DestinationRule for subset-level routing). */
  public static istio(options: IstioRoutingOptions): TrafficRouting {
    return new TrafficRouting(undefined, options, new IstioAppRouting(options));
  }

  /**
   * A Gateway API HTTPRoute, split by the Argo Rollouts Gateway API plugin (which the
   * controller must load: see `GatewayApiTrafficRouter.controllerPlugin`).
   */
  public static gatewayApi(options: GatewayApiRoutingOptions): TrafficRouting {
    return new TrafficRouting(undefined, undefined, GatewayApiTrafficRouter._appRouting(options));
  }

  private constructor(
    /** The ALB options, for ALB routing. */
    public readonly albOptions: AlbRoutingOptions | undefined,
    /** The Istio options, for Istio routing. */
    public readonly istioOptions: IstioRoutingOptions | undefined,
    private readonly app: AppRouting) {}

  /**
   * How the routing lays out and builds a `CanaryApp`'s objects.
   * @internal
   */
  public get _app(): AppRouting {
    return this.app;
  }

}

/** A `CanaryApp` behind an ALB: a root Service (the action name) and an Ingress. */
class AlbAppRouting extends AppRouting {
  constructor(private readonly options: AlbRoutingOptions) {
    super();
  }

  public get label(): string {
    return 'ALB';
  }

  public get takesAdditionalIngresses(): boolean {
    return true;
  }

  public get serviceType(): kplus.ServiceType | undefined {
    // instance targets reach pods through node ports only (the AWS Load Balancer Controller
    // registers nodes), so with them every Service of the app is a NodePort Service
    return this.options.targetType === AlbTargetType.INSTANCE ? kplus.ServiceType.NODE_PORT : undefined;
  }

  public get extraServiceSuffixes(): string[] {
    return ['root'];
  }

  public nameLimit(suffixes: string[]): { max: number; why: string } {
    // "<name>-root" is also the name part of the annotation key actions.<name>-root (at most 63)
    return {
      max: 55 - '-root'.length,
      why: `, so that the ALB annotation key actions.<name>-root and the Service names ${suffixes.map(x => `"<name>-${x}"`).join(', ')} fit 63`,
    };
  }

  public problems(_pingPong: boolean): Problem[] {
    if (this.options.verifyTargetGroups && this.options.targetType === AlbTargetType.INSTANCE) {
      return [{ what: 'verifyTargetGroups checks pod IPs, which needs targetType ip', value: this.options.targetType, fix: 'remove targetType or use AlbTargetType.IP' }];
    }
    return [];
  }

  public build(ctx: AppRoutingContext): AppRoutingResult {
    const rootService = ctx.service('root');
    const { host, path, stickiness, verifyTargetGroups, ...loadBalancer } = this.options;
    const ingress = new AlbIngress(ctx.scope, 'ingress', { ...loadBalancer, name: ctx.name, rules: [{ host, path }] });
    const additionalIngresses: AlbIngress[] = [];
    const seen = new Set<string>();
    for (const extra of ctx.additionalIngresses ?? []) {
      const { suffix, host: extraHost, path: extraPath, ...extraLoadBalancer } = extra;
      if (!isDnsLabel(suffix, 63) || seen.has(suffix)) {
        fail(ctx.scope, `additionalIngresses suffix is ${seen.has(suffix) ? 'used twice' : 'not a DNS label'}`, suffix, 'give each extra Ingress its own lower-case suffix, e.g. "internal"');
      }
      seen.add(suffix);
      additionalIngresses.push(new AlbIngress(ctx.scope, `ingress-${suffix}`, {
        ...extraLoadBalancer,
        name: `${ctx.name}-${suffix}`,
        rules: [{ host: extraHost, path: extraPath }],
      }));
    }
    return {
      rootService,
      ingress,
      additionalIngresses,
      trafficRouting: {
        alb: {
          ingresses: [ingress, ...additionalIngresses],
          servicePort: ctx.servicePort,
          rootServiceName: rootService.name,
          stickiness,
          verifyTargetGroups,
        },
      },
    };
  }
}

/** A `CanaryApp` behind an Istio VirtualService (and a DestinationRule for subset-level routing). */
class IstioAppRouting extends AppRouting {
  constructor(private readonly options: IstioRoutingOptions) {
    super();
  }

  public get label(): string {
    return 'Istio';
  }

  public get singleService(): boolean {
    return this.options.subsetLevel ?? false;
  }

  public problems(pingPong: boolean): Problem[] {
    const istio = this.options;
    const problems: Problem[] = [];
    if (istio.trafficPolicy && !istio.subsetLevel) {
      problems.push({
        what: 'Istio trafficPolicy lives in a DestinationRule, which only subset-level routing creates',
        value: 'trafficPolicy with host-level routing',
        fix: 'use subsetLevel: true, or write a DestinationRule for each Service yourself',
      });
    }
    if (istio.subsetLevel && pingPong) {
      problems.push({
        what: 'pingPong cannot be combined with Istio subset-level routing, which splits subsets of one Service',
        value: { pingPong, subsetLevel: istio.subsetLevel },
        fix: 'use host-level routing (subsetLevel: false) for ping-pong',
      });
    }
    return problems;
  }

  public build(ctx: AppRoutingContext): AppRoutingResult {
    const istio = this.options;
    let rootService = ctx.rootService;
    let destinationRule: IstioDestinationRule | undefined;
    const meshHostServices: kplus.Service[] = [];
    if (istio.subsetLevel) {
      destinationRule = new IstioDestinationRule(ctx.scope, 'destination-rule', {
        name: ctx.name, host: ctx.name, apiVersion: istio.apiVersion, trafficPolicy: istio.trafficPolicy,
      });
    } else {
      // In-mesh clients resolve the host's Service through DNS before the sidecar applies the
      // VirtualService; host-level routing creates only <name>-stable and <name>-canary (or
      // ping/pong), so the in-cluster hosts need a Service of their own. It selects every pod
      // of the app: the controller injects the pod-template hash only into the Services the
      // Rollout references (stable/canary, ping/pong), so it never touches this one, and the
      // sidecars route its traffic by the VirtualService weights anyway.
      const namespace = Chart.of(ctx.scope).namespace;
      const taken = new Set([ctx.stableService, ctx.canaryService, ctx.pingService, ctx.pongService].filter(x => x).map(x => x!.name));
      for (const host of istio.hosts) {
        const serviceName = inClusterServiceName(host, namespace);
        if (serviceName === undefined || taken.has(serviceName)) continue;
        taken.add(serviceName);
        const meshService = serviceName === ctx.name ? ctx.service(undefined) : new kplus.Service(ctx.scope, `mesh-${serviceName}`, {
          metadata: { name: serviceName },
          ports: [{ name: 'http', port: ctx.servicePort, targetPort: ctx.containerPort }],
        });
        applyPatchesLast(ApiObject.of(meshService));
        if (serviceName === ctx.name) rootService = meshService;
        meshHostServices.push(meshService);
      }
    }
    const virtualService = new IstioVirtualService(ctx.scope, 'virtual-service', {
      name: ctx.name,
      hosts: istio.hosts,
      gateways: istio.gateways,
      exportTo: istio.exportTo,
      routeName: istio.routeName,
      apiVersion: istio.apiVersion,
      httpRoute: istio.httpRoute,
    });
    return {
      rootService,
      meshHostServices,
      virtualService,
      destinationRule,
      trafficRouting: { istio: { virtualServices: [virtualService], destinationRule } },
    };
  }
}

/**
 * The Service name an Istio host resolves to inside the cluster (`reviews`,
 * `reviews.<namespace>`, `reviews.<namespace>.svc`, `reviews.<namespace>.svc.cluster.local`), or
 * undefined for a host outside the app's namespace or outside the cluster (`reviews.example.com`).
 */
function inClusterServiceName(host: string, namespace: string | undefined): string | undefined {
  const labels = host.split('.');
  if (labels.length === 1) return host.includes('*') ? undefined : host;
  const rest = labels.slice(1).join('.');
  const forms = namespace ? [namespace, `${namespace}.svc`, `${namespace}.svc.cluster.local`] : [];
  return forms.includes(rest) ? labels[0] : undefined;
}
