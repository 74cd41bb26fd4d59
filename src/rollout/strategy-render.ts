// Renders the canary and blue-green strategies of a Rollout's spec. Not exported.
import { BlueGreenStrategyOptions, CanaryStrategyOptions, ReplicaSetMetadata } from './strategy';
import { AnalysisUsage } from '../analysis/analysis-run';
import { renderAnalysisRun } from '../analysis/analysis-run-render';
import type { RolloutSpecStrategyBlueGreen, RolloutSpecStrategyCanary, RolloutSpecStrategyCanaryCanaryMetadata, RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import type { Wire } from '../private/wire';
import { TrafficRouterContext } from '../routing/router-context';
import { TrafficRouter } from '../routing/traffic-router';

export function renderCanary(c: CanaryStrategyOptions, routers: TrafficRouter[], ctx: TrafficRouterContext): Wire<RolloutSpecStrategyCanary> {
  let trafficRouting: RolloutSpecStrategyCanaryTrafficRouting | undefined;
  if (c.trafficRouting) {
    const routes = ctx.managedRoutes;
    trafficRouting = {};
    for (const router of routers) trafficRouting = mergeRouting(trafficRouting, router._render(ctx));
    trafficRouting = { ...trafficRouting, managedRoutes: routes.length > 0 ? routes.map(name => ({ name })) : undefined };
  }
  return {
    stableService: c.stableService?.name,
    canaryService: c.canaryService?.name,
    pingPong: c.pingPong ? { pingService: c.pingPong.pingService.name, pongService: c.pingPong.pongService.name } : undefined,
    trafficRouting,
    steps: c.steps && c.steps.length > 0 ? c.steps.map(s => s._toKube()) : undefined,
    maxSurge: c.maxSurge?.value,
    maxUnavailable: c.maxUnavailable?.value,
    scaleDownDelaySeconds: c.scaleDownDelay?.toSeconds(),
    scaleDownDelayRevisionLimit: c.scaleDownDelayRevisionLimit,
    abortScaleDownDelaySeconds: c.abortScaleDownDelay?.toSeconds(),
    dynamicStableScale: c.dynamicStableScale,
    minPodsPerReplicaSet: c.minPodsPerReplicaSet,
    canaryMetadata: renderMetadata(c.canaryMetadata),
    stableMetadata: renderMetadata(c.stableMetadata),
    antiAffinity: c.antiAffinity?._toKube(),
    analysis: c.analysis ? renderAnalysisRun(c.analysis, AnalysisUsage.BACKGROUND) : undefined,
  };
}

export function renderBlueGreen(bg: BlueGreenStrategyOptions): Wire<RolloutSpecStrategyBlueGreen> {
  return {
    activeService: bg.activeService.name,
    previewService: bg.previewService?.name,
    autoPromotionEnabled: bg.autoPromotionEnabled,
    autoPromotionSeconds: bg.autoPromotionDelay?.toSeconds(),
    previewReplicaCount: bg.previewReplicaCount,
    scaleDownDelaySeconds: bg.scaleDownDelay?.toSeconds(),
    scaleDownDelayRevisionLimit: bg.scaleDownDelayRevisionLimit,
    abortScaleDownDelaySeconds: bg.abortScaleDownDelay?.toSeconds(),
    prePromotionAnalysis: bg.prePromotionAnalysis ? renderAnalysisRun(bg.prePromotionAnalysis) : undefined,
    postPromotionAnalysis: bg.postPromotionAnalysis ? renderAnalysisRun(bg.postPromotionAnalysis) : undefined,
    antiAffinity: bg.antiAffinity?._toKube(),
    activeMetadata: renderMetadata(bg.activeMetadata),
    previewMetadata: renderMetadata(bg.previewMetadata),
  };
}

function renderMetadata(metadata?: ReplicaSetMetadata): Wire<RolloutSpecStrategyCanaryCanaryMetadata> | undefined {
  if (!metadata || (!metadata.labels && !metadata.annotations)) return undefined;
  return { labels: metadata.labels, annotations: metadata.annotations };
}

type Routing = RolloutSpecStrategyCanaryTrafficRouting;

/** Merges routers' parts of `trafficRouting`; the plugin maps of several routers join. */
function mergeRouting(a: Routing, b: Routing): Routing {
  const plugins = a.plugins && b.plugins ? { ...a.plugins, ...b.plugins } : undefined;
  return { ...a, ...b, ...(plugins ? { plugins } : {}) };
}
