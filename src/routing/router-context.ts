// Internal types of the traffic-router contract (not exported from the package).
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { AlbIngress } from './alb';
import type { CanaryAppIngressOptions } from '../canary-app';
import type { IstioDestinationRule, IstioVirtualService } from './istio';
import { Problem } from '../private/problems';
import type { CanaryStrategyOptions, CanaryTrafficRouting } from '../rollout/strategy';

/**
 * What a router learns about the Rollout it serves.
 * @internal
 */
export interface TrafficRouterContext {
  /** The Rollout construct (for its path and namespace). */
  readonly rollout: Construct;
  /** `metadata.name` of the Rollout. */
  readonly rolloutName: string;
  /** The canary options of the Rollout. */
  readonly canary: CanaryStrategyOptions;
  /** The labels of the Rollout's pods (what subsets and Services select). */
  readonly podLabels: { [key: string]: string };
  /** Header and mirror route names, in order of first use. */
  readonly managedRoutes: string[];
  /** Header route names, in order of first use. */
  readonly headerRoutes: string[];
  /** The port another router of the same Rollout sends traffic to, if any. */
  readonly servicePort?: number;
}

/** An object a router references by name in the Rollout's namespace. */
export interface RouterReference {
  readonly kind: string;
  readonly name: string;
  readonly construct: Construct;
}


/**
 * With ping-pong, the Git weights point at ping, which holds the previous release's (scaled
 * down) pods after every second release: a reset is not a flap.
 */
export function pingPongReset(ctx: TrafficRouterContext): string | undefined {
  return ctx.canary.pingPong
    ? 'with ping-pong the Git weights send all traffic to ping, which every second release holds the previous, scaled-down pods'
    : undefined;
}

/** What a `CanaryApp` tells its routing when it builds the routing objects. */
export interface AppRoutingContext {
  /** The CanaryApp: the scope of the routing objects. */
  readonly scope: Construct;
  /** The base name of every object. */
  readonly name: string;
  readonly servicePort: number;
  readonly containerPort: number;
  /** The stable and canary Services (stable/canary layouts). */
  readonly stableService?: kplus.Service;
  readonly canaryService?: kplus.Service;
  /** The ping and pong Services (ping-pong layouts). */
  readonly pingService?: kplus.Service;
  readonly pongService?: kplus.Service;
  /** The root Service, when the layout made one (subset-level routing). */
  readonly rootService?: kplus.Service;
  /** Extra ALB Ingresses of the app. */
  readonly additionalIngresses?: CanaryAppIngressOptions[];
  /** Creates a Service `<name>-<suffix>` (or `<name>`) of the app, selecting all its pods. */
  readonly service: (suffix: string | undefined) => kplus.Service;
}

/** The routing objects a routing built for a `CanaryApp`. */
export interface AppRoutingResult {
  readonly trafficRouting: CanaryTrafficRouting;
  readonly rootService?: kplus.Service;
  readonly meshHostServices?: kplus.Service[];
  readonly ingress?: AlbIngress;
  readonly additionalIngresses?: AlbIngress[];
  readonly virtualService?: IstioVirtualService;
  readonly destinationRule?: IstioDestinationRule;
}

/**
 * How one kind of routing lays out and builds a `CanaryApp`'s objects; each `TrafficRouting`
 * factory carries one, so that `CanaryApp` never asks which router it has.
 */
export abstract class AppRouting {
  /** The routing's name in messages, e.g. 'Istio'. */
  public abstract get label(): string;

  /** Whether the app's `additionalIngresses` (extra ALB Ingresses) can be served. */
  public get takesAdditionalIngresses(): boolean {
    return false;
  }

  /** One Service split by subsets instead of a stable/canary (or ping/pong) pair. */
  public get singleService(): boolean {
    return false;
  }

  /** The type of the app's Services. */
  public get serviceType(): kplus.ServiceType | undefined {
    return undefined;
  }

  /** Suffixes of the Services the routing adds (e.g. 'root'), for the name-length rule. */
  public get extraServiceSuffixes(): string[] {
    return [];
  }

  /** A stricter limit on the app's name than its Service names give, and why. */
  public nameLimit(_suffixes: string[]): { max: number; why: string } | undefined {
    return undefined;
  }

  /** The options that do not fit the app (construction-time rules of the routing). */
  public problems(_pingPong: boolean): Problem[] {
    return [];
  }

  /** Creates the routing objects, after the app's Services. */
  public abstract build(ctx: AppRoutingContext): AppRoutingResult;
}
