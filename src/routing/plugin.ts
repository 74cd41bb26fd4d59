import { TrafficRouterContext } from './router-context';
import { TrafficRouter } from './traffic-router';
import { RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import { StepKind } from '../rollout/step';

/**
 * Traffic-router plugins given as raw configuration (`trafficRouting.plugins`): rendered as
 * given, with no objects to bind and no runtime-ownership records (the library does not know
 * what the plugin writes). Prefer a router written for the plugin, such as `GatewayApiTrafficRouter`.
 */
export class PluginTrafficRouter extends TrafficRouter {
  constructor(
    /** The plugins by name (`<owner>/<name>`), each with its configuration. */
    public readonly plugins: { [name: string]: any }) {
    super();
  }

  /** @internal */
  public _supportsStep(kind: StepKind): boolean {
    return kind === StepKind.SET_HEADER_ROUTE || kind === StepKind.EXPERIMENT;
  }

  /** @internal */
  public _unsupportedStepReason(kind: StepKind): string | undefined {
    // Argo Rollouts v1.9.0's ValidateRollout refuses setMirrorRoute without Istio, plugin routers included
    return kind === StepKind.SET_MIRROR_ROUTE ? 'the controller refuses them with plugin routers: "SetMirrorRoute requires TrafficRouting, supports Istio only"' : undefined;
  }

  /** @internal */
  public get _isEmpty(): boolean {
    return Object.keys(this.plugins).length === 0;
  }

  /** @internal */
  public get _pluginNames(): string[] {
    return Object.keys(this.plugins);
  }

  /** @internal */
  public _render(_ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting {
    return { plugins: this.plugins };
  }
}
