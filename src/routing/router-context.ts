// Internal types of the traffic-router contract (not exported from the package).
import { Construct } from 'constructs';
import type { CanaryStrategyOptions } from '../rollout/strategy';

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
