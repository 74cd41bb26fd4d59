import { Duration } from 'cdk8s';
import { AlbLoadBalancerOptions } from './alb';
import { IstioApiVersion } from './istio';
import { IstioHttpRouteSettings, IstioTrafficPolicy } from './istio-traffic-policy';

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
    return new TrafficRouting(options, undefined);
  }

  /** An Istio VirtualService (and a DestinationRule for subset-level routing). */
  public static istio(options: IstioRoutingOptions): TrafficRouting {
    return new TrafficRouting(undefined, options);
  }

  private constructor(
    /** The ALB options, for ALB routing. */
    public readonly albOptions: AlbRoutingOptions | undefined,
    /** The Istio options, for Istio routing. */
    public readonly istioOptions: IstioRoutingOptions | undefined) {}

}
