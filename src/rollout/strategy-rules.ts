// The rules of the canary and blue-green strategies (the steps have their own, in step-rules.ts). Not exported.
import { Duration } from 'cdk8s';
import { RolloutRulesContext, validateSteps } from './step-rules';
import type { BlueGreenStrategyOptions, CanaryStrategyOptions } from './strategy';
import { AnalysisUsage } from '../analysis/analysis-run';
import { validateAnalysisRun } from '../analysis/analysis-run-render';
import { INT32_MAX, int32Problem } from '../private/checks';
import { describeDuration, secondsProblem } from '../private/duration';
import { Problem, Problems, shown } from '../private/problems';

export function validateBlueGreen(rollout: RolloutRulesContext, bg: BlueGreenStrategyOptions): string[] {
  const problems = new Problems(rollout.owner);
  if (bg.previewService && (bg.previewService === bg.activeService || bg.previewService.name === bg.activeService.name)) {
    problems.add('blueGreen activeService and previewService are the same Service', bg.activeService.name, 'give two different Services (the controller needs two)');
  }
  const historyLimit = rollout.revisionHistoryLimit ?? 10;
  if (bg.scaleDownDelayRevisionLimit !== undefined && bg.scaleDownDelayRevisionLimit > historyLimit) {
    problems.add(`blueGreen scaleDownDelayRevisionLimit is greater than revisionHistoryLimit ${historyLimit}`, bg.scaleDownDelayRevisionLimit, 'lower it or raise revisionHistoryLimit');
  }
  if (bg.previewReplicaCount !== undefined && (!Number.isInteger(bg.previewReplicaCount) || bg.previewReplicaCount < 0)) {
    problems.add('blueGreen previewReplicaCount must be a whole number >= 0', bg.previewReplicaCount, 'give a whole number >= 0');
  } else if (bg.previewReplicaCount !== undefined && bg.previewReplicaCount > INT32_MAX) {
    problems.add(`blueGreen previewReplicaCount must be at most ${INT32_MAX} (an int32 field)`, bg.previewReplicaCount, 'lower it');
  }
  const revisionLimitProblem = bg.scaleDownDelayRevisionLimit === undefined ? undefined : int32Problem(bg.scaleDownDelayRevisionLimit, 0);
  if (revisionLimitProblem) problems.add(`blueGreen scaleDownDelayRevisionLimit ${revisionLimitProblem}`, bg.scaleDownDelayRevisionLimit, 'give a whole number in that range');
  problems.addProblem(antiAffinityProblem(bg.antiAffinity?.weight, 'blueGreen'));
  if (bg.autoPromotionEnabled === false && bg.autoPromotionDelay !== undefined) {
    problems.add('blueGreen autoPromotionDelay with autoPromotionEnabled false: the controller never promotes on its own when auto-promotion is off and ignores autoPromotionSeconds',
      shown(describeDuration(bg.autoPromotionDelay)), 'remove autoPromotionDelay (manual promotion), or remove autoPromotionEnabled: false (promotion after the delay)');
  }
  for (const [field, d] of [['scaleDownDelay', bg.scaleDownDelay], ['abortScaleDownDelay', bg.abortScaleDownDelay], ['autoPromotionDelay', bg.autoPromotionDelay]] as const) {
    if (d) problems.addProblem(secondsProblem(`blueGreen ${field}`, d));
  }
  return problems.messages;
}


export function validateCanary(rollout: RolloutRulesContext, c: CanaryStrategyOptions): string[] {
  const problems = new Problems(rollout.owner);
  const tr = c.trafficRouting;
  const ctx = rollout.routerContext;
  if (tr && rollout.routers.every(r => r._isEmpty)) {
    problems.add('canary trafficRouting has no router', 'set alb, istio, plugins or routers');
  }
  if ((c.maxSurge?.isZero() ?? false) && (c.maxUnavailable?.isZero() ?? false)) {
    problems.add('canary maxSurge and maxUnavailable are both zero, so the update can never progress',
      shown(`maxSurge ${String(c.maxSurge!.value)} and maxUnavailable ${String(c.maxUnavailable!.value)}`), 'raise one of them');
  }
  if (c.stableService && c.canaryService && (c.stableService === c.canaryService || c.stableService.name === c.canaryService.name)) {
    problems.add('canary stableService and canaryService are the same Service', c.stableService.name, 'give two different Services (the controller needs two)');
  }
  if (c.pingPong) {
    if (c.pingPong.pingService === c.pingPong.pongService || c.pingPong.pingService.name === c.pingPong.pongService.name) {
      problems.add('canary pingService and pongService are the same Service', c.pingPong.pingService.name, 'give two different Services (the controller needs two)');
    }
    if (!tr) problems.add('canary pingPong needs trafficRouting with alb or istio (without it the ping and pong Services are never switched)', 'add trafficRouting, or remove pingPong');
  }
  const needsStableCanary = rollout.routers.map(r => r._needsStableAndCanary(ctx)).find(x => x !== undefined);
  if (needsStableCanary && (!c.stableService || !c.canaryService)) {
    const alternatives = rollout.routers.map(r => r._stableCanaryAlternative).filter(x => x !== undefined);
    problems.add(`canary trafficRouting with ${needsStableCanary} needs both stableService and canaryService`,
      shown(c.stableService ? 'only stableService' : c.canaryService ? 'only canaryService' : 'neither'),
      `set both, or use pingPong${alternatives.map(a => ` or ${a}`).join('')}`);
  }
  if (!tr) {
    for (const [field, set] of [['scaleDownDelay', c.scaleDownDelay], ['abortScaleDownDelay', c.abortScaleDownDelay], ['dynamicStableScale', c.dynamicStableScale], ['minPodsPerReplicaSet', c.minPodsPerReplicaSet]] as const) {
      if (set !== undefined && set !== false) {
        problems.add(`canary ${field} only works with trafficRouting (the controller ignores or rejects it otherwise)`,
          set instanceof Duration ? shown(describeDuration(set)) : set, `add trafficRouting or remove ${field}`);
      }
    }
  } else if (c.dynamicStableScale && c.scaleDownDelay) {
    problems.add('canary dynamicStableScale cannot be combined with scaleDownDelay (the stable pods are already scaled down as the canary grows)', 'remove scaleDownDelay or dynamicStableScale');
  }
  if (c.minPodsPerReplicaSet !== undefined && (!Number.isInteger(c.minPodsPerReplicaSet) || c.minPodsPerReplicaSet < 1)) {
    problems.add('canary minPodsPerReplicaSet must be a whole number >= 1', c.minPodsPerReplicaSet, 'give a whole number >= 1');
  } else if (c.minPodsPerReplicaSet !== undefined && c.minPodsPerReplicaSet > INT32_MAX) {
    problems.add(`canary minPodsPerReplicaSet must be at most ${INT32_MAX} (an int32 field)`, c.minPodsPerReplicaSet, 'lower it');
  }
  for (const [field, d] of [['scaleDownDelay', c.scaleDownDelay], ['abortScaleDownDelay', c.abortScaleDownDelay]] as const) {
    if (d) problems.addProblem(secondsProblem(`canary ${field}`, d));
  }
  if (c.scaleDownDelayRevisionLimit !== undefined) {
    const problem = int32Problem(c.scaleDownDelayRevisionLimit, 0);
    if (problem) problems.add(`canary scaleDownDelayRevisionLimit ${problem}`, c.scaleDownDelayRevisionLimit, 'give a whole number in that range');
    else if (!tr) problems.add('canary scaleDownDelayRevisionLimit only works with trafficRouting (without it old ReplicaSets scale down at once)', c.scaleDownDelayRevisionLimit, 'add trafficRouting or remove it');
  }
  problems.addProblem(antiAffinityProblem(c.antiAffinity?.weight, 'canary'));
  for (const router of rollout.routers) problems.addAll(router._validate(ctx));
  if (c.analysis) problems.addAll(validateAnalysisRun(rollout.owner, 'canary background analysis', AnalysisUsage.BACKGROUND, c.analysis));
  if (c.analysis?.startingStep !== undefined && (c.analysis.startingStep < 0 || c.analysis.startingStep >= Math.max(1, rollout.canarySteps.length))) {
    problems.add(`canary background analysis startingStep is not a step index (0-${Math.max(0, rollout.canarySteps.length - 1)})`, c.analysis.startingStep,
      'give the index of a step');
  }
  problems.addAll(validateSteps(rollout, c));
  return problems.messages;
}


function antiAffinityProblem(weight: number | undefined, strategy: string): Problem | undefined {
  if (weight === undefined || (Number.isInteger(weight) && weight >= 1 && weight <= 100)) return undefined;
  return { what: `${strategy} antiAffinity weight must be a whole number from 1 to 100`, value: weight, fix: 'give a whole number from 1 to 100' };
}
