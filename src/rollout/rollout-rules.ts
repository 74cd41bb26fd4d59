// The Rollout's own rules: the spec at construction, the objects it references at synth. Not exported.
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Rollout, RolloutProps } from './rollout';
import { RolloutRulesContext } from './step-rules';
import type { BlueGreenStrategyOptions, CanaryStrategyOptions } from './strategy';
import { validateBlueGreen, validateCanary } from './strategy-rules';
import { AnalysisUsage } from '../analysis/analysis-run';
import { validateAnalysisRun } from '../analysis/analysis-run-render';
import { INT32_MAX, int32Problem } from '../private/checks';
import { secondsProblem } from '../private/duration';
import { isDnsLabel } from '../private/names';
import { Problems, shown } from '../private/problems';

/** The label the controller adds to the selectors of the Services it switches. */
export const HASH_LABEL = 'rollouts-pod-template-hash';
/** The annotation the controller puts on every Service it switches, naming the Rollout. */
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
/** Options of one strategy that make no sense on the other (a JS caller may pass any object). */
const BLUE_GREEN_ONLY = ['activeService', 'previewService', 'autoPromotionEnabled', 'autoPromotionDelay', 'previewReplicaCount',
  'prePromotionAnalysis', 'postPromotionAnalysis', 'activeMetadata', 'previewMetadata'];
const CANARY_ONLY = ['steps', 'stableService', 'canaryService', 'pingPong', 'trafficRouting', 'maxSurge', 'maxUnavailable',
  'dynamicStableScale', 'minPodsPerReplicaSet', 'canaryMetadata', 'stableMetadata', 'analysis'];

const SERVICE_OWNERS = new WeakMap<kplus.Service, string>();

/** What the rules read from the Rollout, beyond its public members. */
export interface RolloutInternals {
  readonly rollout: Rollout;
  readonly props: RolloutProps;
  readonly canary?: CanaryStrategyOptions;
  readonly blueGreen?: BlueGreenStrategyOptions;
  readonly minReady: Duration;
  readonly progressDeadline: Duration;
  readonly rules: RolloutRulesContext;
}

/** The spec itself (what Argo Rollouts' ValidateRollout checks, and more), at construction. */
export function validateRolloutSpec(x: RolloutInternals): string[] {
  const problems = new Problems(x.rollout);
  const p = x.props;
  for (const [field, value] of [['replicas', p.replicas], ['revisionHistoryLimit', p.revisionHistoryLimit]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) problems.add(`${field} must be a whole number >= 0`, value, 'give a whole number >= 0');
    else if (value !== undefined && value > INT32_MAX) problems.add(`${field} must be at most ${INT32_MAX} (an int32 field)`, value, 'lower it');
  }
  const strategyOptions = [x.rollout.strategy.canaryOptions, x.rollout.strategy.blueGreenOptions];
  const foreign = x.canary ? Object.keys(x.canary).filter(k => BLUE_GREEN_ONLY.includes(k) && (x.canary as any)[k] !== undefined)
    : Object.keys(x.blueGreen ?? {}).filter(k => CANARY_ONLY.includes(k) && (x.blueGreen as any)[k] !== undefined);
  if ((strategyOptions[0] && strategyOptions[1]) || foreign.length > 0) {
    problems.add('the strategy carries both canary and blue-green options, and the controller would silently use one',
      shown(`${x.canary ? 'canary' : 'blueGreen'} options with ${foreign.length > 0 ? JSON.stringify(foreign) : 'blueGreen options too'}`),
      'use either RolloutStrategy.canary(...) or RolloutStrategy.blueGreen(...)');
  }
  for (const service of x.rules.switchedServices) {
    if (!isDnsLabel(service.name)) {
      problems.add('Service name must be a DNS-1035 label (lower-case letters, digits and \'-\', starting with a letter, at most 63 characters)', service.name, 'rename the Service');
    }
  }
  if (!x.rollout.workloadRef) {
    for (const container of [...x.rollout.initContainers, ...x.rollout.containers]) {
      if (typeof container.image !== 'string' || container.image.trim() === '') {
        problems.add(`container "${container.name}" has an empty image`, container.image, 'give an image reference such as "ghcr.io/acme/app:1.0"');
      }
    }
  }
  if (p.rollbackWindow !== undefined) {
    const problem = int32Problem(p.rollbackWindow.revisions, 1);
    if (problem) {problems.add(`rollbackWindow revisions ${problem}`, p.rollbackWindow.revisions, 'give the number of past releases a rollback may skip the steps to, e.g. 2');} else if (p.rollbackWindow.revisions > (p.revisionHistoryLimit ?? 10)) {
      problems.add(`rollbackWindow revisions is greater than revisionHistoryLimit ${p.revisionHistoryLimit ?? 10}, so the oldest releases of the window are deleted`,
        p.rollbackWindow.revisions, 'lower it or raise revisionHistoryLimit');
    }
  }
  if (p.restartAt !== undefined && !(p.restartAt instanceof Date && Number.isFinite(p.restartAt.getTime()))) {
    problems.add('restartAt must be a valid Date', shown(String(p.restartAt)), 'give a Date with a time, e.g. new Date(\'2024-01-01T00:00:00Z\')');
  }
  const durationProblems = [secondsProblem('minReady', x.minReady), secondsProblem('progressDeadline', x.progressDeadline)].filter(d => d !== undefined);
  for (const d of durationProblems) problems.addProblem(d);
  if (durationProblems.length === 0 && x.progressDeadline.toSeconds() <= x.minReady.toSeconds()) {
    problems.add(`progressDeadline must be greater than minReady (${x.minReady.toSeconds()}s)`, shown(`${x.progressDeadline.toSeconds()}s`),
      'raise progressDeadline or lower minReady');
  }
  // upstream (ValidateRollout) validates the template as a ReplicaSet's, which only allows restartPolicy Always
  if (x.rollout.restartPolicy !== undefined && x.rollout.restartPolicy !== kplus.RestartPolicy.ALWAYS) {
    problems.add('restartPolicy must be Always for a Rollout\'s pods (the controller validates the template as a ReplicaSet\'s)', shown(String(x.rollout.restartPolicy)),
      'remove restartPolicy or set it to Always');
  }
  if (x.canary) problems.addAll(validateCanary(x.rules, x.canary));
  if (x.blueGreen) problems.addAll(validateBlueGreen(x.rules, x.blueGreen));
  return problems.messages;
}

/** The objects the Rollout references, at synth (they may be configured after the Rollout). */
export function validateRolloutReferences(x: RolloutInternals): string[] {
  const problems = new Problems(x.rollout);
  // read from the constructs, not rendered: cdk8s runs validations once per chart of the app
  const podLabel = (key: string): string | undefined => x.rollout.workloadRef
    ? x.rollout.workloadRef.matchLabels?.[key]
    : (key === kplus.Pod.ADDRESS_LABEL ? undefined : x.rollout.podMetadata.getLabel(key));
  const knowsPodLabels = !x.rollout.workloadRef || x.rollout.workloadRef.matchLabels !== undefined;
  if (!x.rollout.workloadRef) {
    // the Rollout's own selector (extended with select()) must select its pod template
    for (const [key, value] of Object.entries(x.rollout.matchLabels)) {
      const actual = podLabel(key);
      if (actual !== value) {
        problems.add(`the Rollout's selector ${key}=${value} does not match its pod template, which has ${actual !== undefined ? `${key}=${actual}` : `no label ${key}`}`,
          shown(`selector ${JSON.stringify(x.rollout.matchLabels)}`), 'add the label to the pods (podMetadata.addLabel) or select a label they have');
      }
    }
    for (const e of x.rollout.matchExpressions) {
      const actual = podLabel(e.key);
      const values = e.values ?? [];
      const matches = e.operator === 'In' ? actual !== undefined && values.includes(actual)
        : e.operator === 'NotIn' ? actual === undefined || !values.includes(actual)
          : e.operator === 'Exists' ? actual !== undefined
            : e.operator === 'DoesNotExist' ? actual === undefined : true;
      if (!matches) {
        problems.add(`the Rollout's selector expression ${e.key} ${e.operator} ${JSON.stringify(values)} does not match its pod template, which has ${actual !== undefined ? `${e.key}=${actual}` : `no label ${e.key}`}`,
          e, 'add the label to the pods (podMetadata.addLabel) or change the selector');
      }
    }
  }
  for (const service of x.rules.switchedServices) {
    const owner = SERVICE_OWNERS.get(service);
    if (owner && owner !== x.rollout.node.path) {
      problems.add(`Service "${service.name}" is also used by the Rollout at ${owner} (the controller points a Service at one Rollout only)`, service.name, 'give each Rollout its own Services');
    }
    SERVICE_OWNERS.set(service, x.rollout.node.path);
    const selector = selectorOf(service);
    if (HASH_LABEL in selector) {
      problems.add(`Service "${service.name}" selects ${HASH_LABEL}, which the controller sets at runtime`, selector, 'remove it from the selector');
    }
    if (knowsPodLabels) {
      for (const [key, value] of Object.entries(selector)) {
        const actual = podLabel(key);
        if (key !== HASH_LABEL && actual !== value) {
          problems.add(`Service "${service.name}" selects ${key}=${value}, but the Rollout's pods have ${actual !== undefined ? `${key}=${actual}` : `no label ${key}`}`,
            selector, 'select the Rollout\'s pods (e.g. new kplus.Service(..., { selector: rollout }))');
        }
      }
    }
    if (Object.keys(selector).length === 0) problems.add(`Service "${service.name}" has no selector`, selector, 'select the Rollout\'s pods');
    const managedBy = service.metadata.toJson().annotations?.[MANAGED_BY];
    if (managedBy !== undefined && managedBy !== x.rollout.name) {
      problems.add(`Service "${service.name}" is annotated ${MANAGED_BY}, so the controller treats it as managed by another Rollout (this Rollout is "${x.rollout.name}")`, managedBy,
        'remove the annotation (the controller writes it) or use another Service');
    }
    const byBlueGreen = service === x.blueGreen?.activeService;
    for (const router of x.rules.routers) problems.addAll(router._serviceProblems(x.rules.routerContext, service, byBlueGreen));
  }
  // the controller looks every referenced object up by name in the Rollout's namespace
  const referenced = [
    ...x.rules.switchedServices.map(s => ({ kind: 'Service', name: s.name, construct: s as Construct })),
    ...x.rules.routers.flatMap(r => r._references()),
  ];
  for (const { kind, name, construct } of referenced) {
    if (Chart.of(construct).namespace !== Chart.of(x.rollout).namespace) {
      problems.add(`${kind} "${name}" is in another namespace than the Rollout ("${Chart.of(x.rollout).namespace ?? '<none>'}"); the controller looks it up in the Rollout's namespace`,
        shown(`"${Chart.of(construct).namespace ?? '<none>'}"`), 'put it in the Rollout\'s chart namespace');
    }
  }
  const canary = x.canary;
  const bg = x.blueGreen;
  for (const [where, options] of [['blueGreen prePromotionAnalysis', bg?.prePromotionAnalysis], ['blueGreen postPromotionAnalysis', bg?.postPromotionAnalysis]] as const) {
    if (options) problems.addAll(validateAnalysisRun(x.rollout, where, where.includes('pre') ? AnalysisUsage.PRE_PROMOTION : AnalysisUsage.POST_PROMOTION, options));
  }
  if ((canary || bg) && !x.rollout.workloadRef && x.rollout.containers.length === 0) {
    problems.add('the Rollout has no containers', 'add one with containers or addContainer(), or use workloadRef');
  }
  return problems.messages;
}

/**
 * The labels a kplus Service selects (cdk8s-plus keeps them private). JSON patches on the
 * Service's L1 are not seen, which is why the Rollout never rewrites selectors itself.
 */
export function selectorOf(service: kplus.Service): { [key: string]: string } {
  return (service as any)._selector ?? {};
}
