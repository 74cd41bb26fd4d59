import * as kplus from 'cdk8s-plus-28';
import type { RouterReference, TrafficRouterContext } from './router-context';
import type { RuntimeOwnedFields } from '../gitops/runtime-ownership';
import type { RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import type { Problem } from '../private/problems';
import type { HeaderMatch, StepKind } from '../rollout/step';

/**
 * A traffic router of a canary: the Rollout asks it, never its kind.
 *
 * Each router owns its binding to the Rollout, the fragment of `trafficRouting` it renders,
 * the step kinds and header matches it can serve, its checks against the other objects, and the
 * fields the controller (or its plugin) writes at runtime. `Rollout` composes routers; adding a
 * router means one new subclass, nothing in `Rollout`.
 */
export abstract class TrafficRouter {
  protected constructor() {}

  /**
   * Spec rules of this router, checked when the Rollout is constructed.
   * @internal
   */
  public _validate(_ctx: TrafficRouterContext): string[] {
    return [];
  }

  /**
   * The routing mode that needs both stableService and canaryService, if any (e.g. 'ALB').
   * @internal
   */
  public _needsStableAndCanary(_ctx: TrafficRouterContext): string | undefined {
    return undefined;
  }

  /**
   * Another way than stable and canary Services this router offers (for the fix of the rule above).
   * @internal
   */
  public get _stableCanaryAlternative(): string | undefined {
    return undefined;
  }

  /**
   * Whether the router serves steps of this kind (header routes, mirror routes, experiment weights).
   * @internal
   */
  public _supportsStep(_kind: StepKind): boolean {
    return false;
  }

  /**
   * Why the router cannot serve steps of this kind, for the error message.
   * @internal
   */
  public _unsupportedStepReason(_kind: StepKind): string | undefined {
    return undefined;
  }

  /**
   * A problem with a header match this router cannot serve, if any.
   * @internal
   */
  public _headerMatchProblem(_at: string, _match: HeaderMatch): Problem | undefined {
    return undefined;
  }

  /**
   * Names that live in Git and must not be used for managed routes: name -> what it is.
   * @internal
   */
  public _reservedRouteNames(_ctx: TrafficRouterContext): [string, string][] {
    return [];
  }

  /**
   * The port the router sends traffic to, which other routers of the same Rollout follow.
   * @internal
   */
  public get _servicePort(): number | undefined {
    return undefined;
  }

  /**
   * Binds the Rollout's names into the routing objects.
   * @internal
   */
  public _bind(_ctx: TrafficRouterContext): void {}

  /**
   * Problems of one Service the controller switches, as this router uses it.
   * @internal
   */
  public _serviceProblems(_ctx: TrafficRouterContext, _service: kplus.Service, _switchedByBlueGreen: boolean): string[] {
    return [];
  }

  /**
   * The objects the controller looks up by name in the Rollout's namespace.
   * @internal
   */
  public _references(): RouterReference[] {
    return [];
  }

  /**
   * Whether the router routes nothing (e.g. an empty plugin map).
   * @internal
   */
  public get _isEmpty(): boolean {
    return false;
  }

  /**
   * Names of the controller plugins the router needs.
   * @internal
   */
  public get _pluginNames(): string[] {
    return [];
  }

  /**
   * The router's part of `spec.strategy.canary.trafficRouting`.
   * @internal
   */
  public abstract _render(ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting;

  /**
   * The fields the controller writes at runtime in the router's objects.
   * @internal
   */
  public _runtimeOwnedFields(_ctx: TrafficRouterContext): RuntimeOwnedFields[] {
    return [];
  }
}
