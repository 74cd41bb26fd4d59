import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Step } from './step';
import { AnalysisRunOptions, BackgroundAnalysisOptions } from '../analysis/analysis-run';
import type { RolloutSpecStrategyCanaryAntiAffinity } from '../imports/rollout-argoproj.io';
import type { Wire } from '../private/wire';
import { AlbIngress } from '../routing/alb';
import { IstioDestinationRule, IstioVirtualService } from '../routing/istio';
import type { TrafficRouter } from '../routing/traffic-router';

/** The ping and pong Services of a ping-pong canary: they swap roles after every release. */
export interface PingPongServices {
  /** The ping Service. */
  readonly pingService: kplus.Service;
  /** The pong Service. */
  readonly pongService: kplus.Service;
}

/** ALB traffic routing of a canary (AWS Load Balancer Controller). */
export interface AlbTrafficRouting {
  /** The Ingresses the Rollout writes its weighted action into (one or more). */
  readonly ingresses: AlbIngress[];

  /** The port of the stable and canary (or ping and pong) Services. */
  readonly servicePort: number;

  /**
   * Name of the root Service: the action name the Ingress backends use. Required with ping-pong.
   * @default - the stable Service's name
   */
  readonly rootServiceName?: string;

  /**
   * Sticky sessions for this long (1 second to 7 days).
   * @default - no stickiness
   */
  readonly stickiness?: Duration;

  /**
   * This Rollout relies on ALB target-group verification: the controller checks that the ALB
   * registered the new pods before it shifts weight or scales the old pods down. Verification
   * is a controller setting (`--aws-verify-target-group`, ELB Describe permissions and
   * `AWS_REGION`), not a field of the Rollout, so the YAML does not change. With a
   * `RolloutsController` in the same App, synthesis fails unless that controller has
   * `verifyTargetGroups` on; without one, turn verification on in your controller yourself.
   * Needs `ip` targets on every Ingress.
   * @default false
   */
  readonly verifyTargetGroups?: boolean;
}

/** Istio traffic routing of a canary. */
export interface IstioTrafficRouting {
  /** The VirtualServices whose routes the Rollout splits. */
  readonly virtualServices: IstioVirtualService[];

  /**
   * Subset-level routing: split between the stable and canary subsets of this DestinationRule
   * instead of between stable and canary Services.
   * @default - host-level routing
   */
  readonly destinationRule?: IstioDestinationRule;
}

/** How a canary shifts traffic; several routers may be combined (e.g. ALB and Istio). */
export interface CanaryTrafficRouting {
  /** @default - no ALB routing */
  readonly alb?: AlbTrafficRouting;

  /** @default - no Istio routing */
  readonly istio?: IstioTrafficRouting;

  /**
   * Traffic router plugins installed in the controller, by name, with their configuration.
   * @default - none
   */
  readonly plugins?: { [name: string]: any };

  /**
   * Further routers, each written against the `TrafficRouter` contract (e.g. a
   * `GatewayApiTrafficRouter`); rendered after alb, istio and plugins.
   * @default - none
   */
  readonly routers?: TrafficRouter[];
}

/** Keeps new pods off the nodes of the previous version's pods. */
export class AntiAffinity {
  /** Prefer other nodes, with this weight (1-100). */
  public static preferred(weight: number): AntiAffinity {
    return new AntiAffinity(weight);
  }

  /** Require other nodes. */
  public static required(): AntiAffinity {
    return new AntiAffinity(undefined);
  }

  private constructor(public readonly weight: number | undefined) {}

  /** @internal */
  public _toKube(): Wire<RolloutSpecStrategyCanaryAntiAffinity> {
    return this.weight === undefined
      ? { requiredDuringSchedulingIgnoredDuringExecution: {} }
      : { preferredDuringSchedulingIgnoredDuringExecution: { weight: this.weight } };
  }
}

/** Labels and annotations added to the pods of one ReplicaSet role (canary, stable, active, preview). */
export interface ReplicaSetMetadata {
  /** @default - none */
  readonly labels?: { [key: string]: string };
  /** @default - none */
  readonly annotations?: { [key: string]: string };
}

/**
 * Canary options that name no Service, step or traffic routing: what `CanaryStrategyOptions`
 * and a `CanaryApp`'s `strategy` share.
 */
export interface CanaryStrategyBaseOptions {
  /**
   * Extra pods above the desired count during an update.
   * @default - 25%
   */
  readonly maxSurge?: kplus.PercentOrAbsolute;

  /**
   * Pods that may be unavailable during an update.
   * @default - 25%
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * How long the old ReplicaSet keeps running after a promotion (traffic routing only), so a
   * rollback is instant.
   * @default - 30 seconds
   */
  readonly scaleDownDelay?: Duration;

  /**
   * How many old ReplicaSets keep running during their scale-down delay (traffic routing only).
   * With `scaleDownDelay` and the Rollout's `rollbackWindow`, it keeps the previous release warm,
   * so a Git revert goes back to it at once instead of stepping through the canary again.
   * @default - no limit
   */
  readonly scaleDownDelayRevisionLimit?: number;

  /**
   * How long an aborted canary keeps running (traffic routing only); zero keeps it.
   * @default - 30 seconds
   */
  readonly abortScaleDownDelay?: Duration;

  /**
   * Scale the stable ReplicaSet down as the canary's weight grows (traffic routing only).
   * @default false
   */
  readonly dynamicStableScale?: boolean;

  /**
   * Minimum pods per ReplicaSet while the canary has pods (traffic routing only).
   * @default - none
   */
  readonly minPodsPerReplicaSet?: number;

  /**
   * Metadata added to canary pods.
   * @default - none
   */
  readonly canaryMetadata?: ReplicaSetMetadata;

  /**
   * Metadata added to stable pods.
   * @default - none
   */
  readonly stableMetadata?: ReplicaSetMetadata;

  /**
   * Anti-affinity between the canary and stable pods.
   * @default - none
   */
  readonly antiAffinity?: AntiAffinity;

  /**
   * Background analysis for the whole update.
   * @default - none
   */
  readonly analysis?: BackgroundAnalysisOptions;
}

/** Options of a canary strategy. */
export interface CanaryStrategyOptions extends CanaryStrategyBaseOptions {
  /**
   * The steps of an update; without steps the update is a rolling update.
   * @default - none
   */
  readonly steps?: Step[];

  /**
   * The Service the controller points at the stable pods.
   * @default - none
   */
  readonly stableService?: kplus.Service;

  /**
   * The Service the controller points at the canary pods.
   * @default - none
   */
  readonly canaryService?: kplus.Service;

  /**
   * Ping-pong Services instead of stable and canary (ALB or Istio).
   * @default - none
   */
  readonly pingPong?: PingPongServices;

  /**
   * Traffic routing; without it the weight is approximated by pod counts.
   * @default - none
   */
  readonly trafficRouting?: CanaryTrafficRouting;
}

/**
 * Blue-green options that name no Service or analysis: what `BlueGreenStrategyOptions` and a
 * `BlueGreenApp`'s `strategy` share.
 */
export interface BlueGreenStrategyBaseOptions {
  /**
   * Promote as soon as the new pods are ready (after `autoPromotionDelay`, and once pre-promotion
   * analysis passed); false waits for `kubectl argo rollouts promote`.
   * @default true
   */
  readonly autoPromotionEnabled?: boolean;

  /**
   * Wait this long after the new pods are ready before promoting automatically.
   * @default - no timed promotion: promote at once (with `autoPromotionEnabled`)
   */
  readonly autoPromotionDelay?: Duration;

  /**
   * Pods of the new version before promotion.
   * @default - all replicas
   */
  readonly previewReplicaCount?: number;

  /**
   * How long the old ReplicaSet keeps running after the switch.
   * @default - 30 seconds
   */
  readonly scaleDownDelay?: Duration;

  /**
   * How many old ReplicaSets keep running during their scale-down delay.
   * @default - no limit
   */
  readonly scaleDownDelayRevisionLimit?: number;

  /**
   * How long an aborted preview keeps running; zero keeps it.
   * @default - 30 seconds
   */
  readonly abortScaleDownDelay?: Duration;

  /**
   * Anti-affinity between the new and old pods.
   * @default - none
   */
  readonly antiAffinity?: AntiAffinity;

  /**
   * Metadata added to active pods.
   * @default - none
   */
  readonly activeMetadata?: ReplicaSetMetadata;

  /**
   * Metadata added to preview pods.
   * @default - none
   */
  readonly previewMetadata?: ReplicaSetMetadata;
}

/** Options of a blue-green strategy. */
export interface BlueGreenStrategyOptions extends BlueGreenStrategyBaseOptions {
  /** The Service the controller points at the active (live) pods. */
  readonly activeService: kplus.Service;

  /**
   * The Service the controller points at the new pods before promotion.
   * @default - none
   */
  readonly previewService?: kplus.Service;

  /**
   * Analysis before the switch; failure aborts.
   * @default - none
   */
  readonly prePromotionAnalysis?: AnalysisRunOptions;

  /**
   * Analysis after the switch; failure switches back.
   * @default - none
   */
  readonly postPromotionAnalysis?: AnalysisRunOptions;
}

/**
 * How a Rollout releases a new version: canary or blue-green.
 *
 * @example
 * RolloutStrategy.canary({
 *   steps: [Step.shiftTraffic(20), Step.pause(), Step.shiftTraffic(60), Step.pause(Duration.minutes(5))],
 * });
 */
export class RolloutStrategy {
  /** A canary: shift traffic step by step. */
  public static canary(options: CanaryStrategyOptions = {}): RolloutStrategy {
    return new RolloutStrategy(options, undefined);
  }

  /**
   * Blue-green: run the new version beside the old one, then switch.
   *
   * @example
   * const active = new kplus.Service(chart, 'active', { ports: [{ port: 80, targetPort: 8080 }] });
   * const preview = new kplus.Service(chart, 'preview', { ports: [{ port: 80, targetPort: 8080 }] });
   * RolloutStrategy.blueGreen({
   *   activeService: active,
   *   previewService: preview,
   *   autoPromotionEnabled: false,
   *   prePromotionAnalysis: { templates: [smokeTest], args: [AnalysisArgument.value('url', 'http://preview')] },
   * });
   */
  public static blueGreen(options: BlueGreenStrategyOptions): RolloutStrategy {
    return new RolloutStrategy(undefined, options);
  }

  private constructor(
    /** The canary options, for a canary strategy. */
    public readonly canaryOptions: CanaryStrategyOptions | undefined,
    /** The blue-green options, for a blue-green strategy. */
    public readonly blueGreenOptions: BlueGreenStrategyOptions | undefined) {}
}
