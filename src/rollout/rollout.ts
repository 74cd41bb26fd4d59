import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RolloutNotification } from './notifications';
import { Step, StepKind, StringMatch, StringMatchType } from './step';
import { BlueGreenStrategyOptions, CanaryStrategyOptions, ReplicaSetMetadata, RolloutStrategy } from './strategy';
import { WorkloadRef, WorkloadRefScaleDown } from './workload-ref';
import { AnalysisArgument, AnalysisUsage } from '../analysis/analysis-run';
import { renderAnalysisRun, validateAnalysisRun } from '../analysis/analysis-run-render';
import { JsonPointer } from '../gitops/ignore-differences';
import { IRuntimeOwner, RuntimeOwnedFields } from '../gitops/runtime-ownership';
import { Rollout as RolloutL1 } from '../imports/rollout-argoproj.io';
import { INT32_MAX, int32Problem, isHttpToken, re2Problem } from '../private/checks';
import { describeDuration } from '../private/duration';
import { isDns1123Subdomain, isDnsLabel, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { renderDuration } from '../private/render';
import { cachedValidation } from '../private/synthesis-cache';
import { AlbIngress, AlbTargetType } from '../routing/alb';

const HASH_LABEL = 'rollouts-pod-template-hash';
const MAX_STICKINESS_SECONDS = 604800;
/** The label every Rollout's pods carry and its Services select. */
const NAME_LABEL = 'app.kubernetes.io/name';
/** The annotation the controller puts on every Service it switches, naming the Rollout. */
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
/** Options of one strategy that make no sense on the other (a JS caller may pass any object). */
const BLUE_GREEN_ONLY = ['activeService', 'previewService', 'autoPromotionEnabled', 'autoPromotionDelay', 'previewReplicaCount',
  'prePromotionAnalysis', 'postPromotionAnalysis', 'activeMetadata', 'previewMetadata'];
const CANARY_ONLY = ['steps', 'stableService', 'canaryService', 'pingPong', 'trafficRouting', 'maxSurge', 'maxUnavailable',
  'dynamicStableScale', 'minPodsPerReplicaSet', 'canaryMetadata', 'stableMetadata', 'analysis'];

/** Properties of a `Rollout`. */
export interface RolloutProps extends kplus.WorkloadProps {
  /** How the Rollout releases a new version. */
  readonly strategy: RolloutStrategy;

  /**
   * Number of pods. Always rendered (the controller would otherwise write its default of 1,
   * which Argo CD reports as drift), unless an autoscaler owns it.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Use the pod template of an existing workload instead of containers of its own.
   * @default - the Rollout's own pod template
   */
  readonly workloadRef?: WorkloadRef;

  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;

  /**
   * How long an update may make no progress before it is marked as failed.
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;

  /**
   * Abort the update when the progress deadline passes.
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;

  /**
   * Old ReplicaSets to keep for rollback.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;

  /**
   * Roll back fast: a change back to one of the last `revisions` releases (a Git revert) skips
   * the steps and analysis when that release's ReplicaSet still has pods (see the strategy's
   * `scaleDownDelay` and `scaleDownDelayRevisionLimit`).
   * @default - no window: going back to an older release walks through every step
   */
  readonly rollbackWindow?: RollbackWindow;

  /**
   * Pause the Rollout where it is (`spec.paused`). Under Argo CD auto-sync, resume by committing
   * `false`: the kubectl plugin's promote clears it, and self-heal would put `true` back.
   * @default false
   */
  readonly paused?: boolean;

  /**
   * Restart every pod of the Rollout at this time (`spec.restartAt`), the GitOps way to do what
   * `kubectl argo rollouts restart` does. A time in the past restarts at the next sync.
   * @default - no restart
   */
  readonly restartAt?: Date;

  /**
   * Notification subscriptions (Slack, e-mail, webhooks on triggers such as
   * `on-rollout-aborted`), rendered as `notifications.argoproj.io/subscribe.*` annotations.
   * @default - none
   */
  readonly notifications?: RolloutNotification[];
}

/** How far back a rollback may skip the canary steps. */
export interface RollbackWindow {
  /** Releases back, counted in ReplicaSets, within which a rollback skips the steps. */
  readonly revisions: number;
}

const SERVICE_OWNERS = new WeakMap<kplus.Service, string>();

/**
 * The generated L1, rendering the spec as given: it is already in wire format (from
 * cdk8s-plus' own converters), which the L1's int-or-string and quantity converters would drop.
 */
class RolloutObject extends RolloutL1 {
  public toJson(): any {
    return ApiObject.prototype.toJson.call(this);
  }
}

/**
 * An Argo Rollouts `Rollout`: a Deployment replacement that releases new versions as a canary
 * or blue-green, described with the cdk8s-plus container model.
 *
 * Every mistake the Rollouts controller would reject (or accept and mis-serve) fails at synth
 * time with the construct path, the step and the fix. The Rollout also records every field the
 * controller writes at runtime (`runtimeOwnedFields()`), from which `ArgoCdApplication`
 * derives its `ignoreDifferences`.
 *
 * @example
 * const rollout = new Rollout(chart, 'checkout', {
 *   containers: [{ image: 'ghcr.io/acme/checkout:1.4.2', portNumber: 8080 }],
 *   replicas: 4,
 *   strategy: RolloutStrategy.canary({
 *     steps: [Step.shiftTraffic(25), Step.pause(), Step.shiftTraffic(50), Step.pause(Duration.minutes(5))],
 *   }),
 * });
 */
export class Rollout extends kplus.Workload implements IRuntimeOwner, kplus.IScalable {
  /** @see base.Resource.apiObject */
  protected readonly apiObject: ApiObject;

  /** @see base.Resource.resourceType */
  public readonly resourceType = 'rollouts';

  /** How the Rollout releases a new version. */
  public readonly strategy: RolloutStrategy;

  /** Number of pods (undefined when an autoscaler owns it). */
  public readonly replicas?: number;

  /** The workload whose pod template the Rollout uses, if any. */
  public readonly workloadRef?: WorkloadRef;

  /** Whether an autoscaler owns `spec.replicas`. */
  public hasAutoscaler = false;

  private readonly props: RolloutProps;
  private readonly minReady: Duration;
  private readonly progressDeadline: Duration;

  constructor(scope: Construct, id: string, props: RolloutProps) {
    const workloadRef = props.workloadRef;
    super(scope, id, { ...props, select: false });
    this.props = props;
    this.strategy = props.strategy;
    this.workloadRef = workloadRef;
    this.replicas = props.replicas ?? 1;
    this.minReady = props.minReady ?? Duration.seconds(0);
    this.progressDeadline = props.progressDeadline ?? Duration.seconds(600);

    const name = props.metadata?.name ?? readableName(this);
    // the name is also the value of the pods' app.kubernetes.io/name label: at most 63 characters
    if (!isDns1123Subdomain(name) || name.length > 63) {
      throw new Error(`[${this.node.path}] Rollout name must be a lower-case DNS-1123 name of at most 63 characters (it is also the value of the pods' ${NAME_LABEL} label); got "${name}"; use lower-case letters, digits and '-'`);
    }
    this.apiObject = new RolloutObject(this, 'Resource', {
      metadata: { ...props.metadata, name },
      spec: Lazy.any({ produce: () => this._toKube() }) as any,
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    RolloutNotification._apply(this, this.apiObject, props.notifications);

    if (workloadRef) {
      if ((props.containers ?? []).length > 0 || (props.initContainers ?? []).length > 0 || (props.volumes ?? []).length > 0 || props.podMetadata) {
        throw new Error(`[${this.node.path}] a Rollout with workloadRef (${workloadRef.kind} ${workloadRef.name}) takes its pod template from that workload; remove containers, volumes and podMetadata`);
      }
      if (workloadRef.matchLabels) this.select(kplus.LabelSelector.of({ labels: workloadRef.matchLabels }));
    } else {
      this.select(kplus.LabelSelector.of({ labels: { [NAME_LABEL]: name } }));
      this.podMetadata.addLabel(NAME_LABEL, name);
    }

    const errors = this.validateSpec();
    if (errors.length > 0) {
      throw new Error(`[${this.node.path}] invalid Rollout:\n  ${errors.join('\n  ')}`);
    }
    for (const service of this.switchedServices) {
      if (Object.keys(selectorOf(service)).length === 0) service.select(this);
      registerObject(service, ApiObject.of(service));
    }
    this.bindRouting();
    this.node.addValidation(cachedValidation(() => this.validateReferences()));
  }

  /** The labels that select this Rollout's pods (what its Services select). */
  public get podSelectorLabels(): { [key: string]: string } {
    return this.matchLabels;
  }

  /** Names of the header and mirror routes the steps use, in order of first use. */
  public get managedRoutes(): string[] {
    const names: string[] = [];
    for (const step of this.canarySteps) {
      if ((step.kind === StepKind.SET_HEADER_ROUTE || step.kind === StepKind.SET_MIRROR_ROUTE) && !names.includes(step.routeName!)) {
        names.push(step.routeName!);
      }
    }
    return names;
  }

  /**
   * Selects the Rollout's pods by their readable labels (not cdk8s' address label), so that
   * `new kplus.Service(scope, id, { selector: rollout })` gives the selector the controller expects.
   */
  public toPodSelectorConfig(): kplus.PodSelectorConfig {
    return { labelSelector: kplus.LabelSelector.of({ labels: this.matchLabels }) };
  }

  /** @see kplus.IScalable.markHasAutoscaler() */
  public markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }

  /** @see kplus.IScalable.toScalingTarget() */
  public toScalingTarget(): kplus.ScalingTarget {
    return {
      kind: this.apiObject.kind,
      apiVersion: this.apiObject.apiVersion,
      name: this.name,
      containers: this.containers,
      // only replicas the user fixed: the defaulted 1 would make every HorizontalPodAutoscaler fail
      replicas: this.props.replicas,
    };
  }

  /**
   * Whether this Rollout relies on ALB target-group verification (`alb.verifyTargetGroups`).
   * @internal
   */
  public get _verifiesTargetGroups(): boolean {
    return this.canary?.trafficRouting?.alb?.verifyTargetGroups ?? false;
  }

  /**
   * The Ingresses of the ALB traffic routing.
   * @internal
   */
  public get _albIngresses(): AlbIngress[] {
    return [...(this.canary?.trafficRouting?.alb?.ingresses ?? [])];
  }

  /**
   * Names of the traffic-router plugins the Rollout uses.
   * @internal
   */
  public get _trafficRouterPluginNames(): string[] {
    return Object.keys(this.canary?.trafficRouting?.plugins ?? {});
  }

  /**
   * Names of the step plugins the steps run, in order of first use.
   * @internal
   */
  public get _stepPluginNames(): string[] {
    const names = this.canarySteps.filter(s => s.kind === StepKind.PLUGIN).map(s => s.pluginName!);
    return [...new Set(names)];
  }

  /**
   * Every analysis argument of the Rollout (background, steps, experiments, blue-green
   * promotion analyses).
   * @internal
   */
  public get _analysisArguments(): AnalysisArgument[] {
    const args: AnalysisArgument[] = [];
    args.push(...this.canary?.analysis?.args ?? []);
    for (const step of this.canarySteps) {
      args.push(...step.analysisOptions?.args ?? []);
      for (const analysis of step.experimentOptions?.analyses ?? []) args.push(...analysis.args ?? []);
    }
    args.push(...this.blueGreen?.prePromotionAnalysis?.args ?? [], ...this.blueGreen?.postPromotionAnalysis?.args ?? []);
    return args;
  }

  private get canary(): CanaryStrategyOptions | undefined {
    return this.strategy.canaryOptions;
  }

  private get blueGreen(): BlueGreenStrategyOptions | undefined {
    return this.strategy.blueGreenOptions;
  }

  private get canarySteps(): Step[] {
    return this.canary?.steps ?? [];
  }

  /** The Services the controller points at ReplicaSets. */
  private get switchedServices(): kplus.Service[] {
    const c = this.canary;
    const bg = this.blueGreen;
    return [c?.stableService, c?.canaryService, c?.pingPong?.pingService, c?.pingPong?.pongService,
      bg?.activeService, bg?.previewService].filter((s): s is kplus.Service => s !== undefined);
  }

  // ---------------------------------------------------------------------------------------
  // validation of the spec itself (upstream rules a.1 to a.5), at construction

  private validateSpec(): string[] {
    const errors: string[] = [];
    const p = this.props;
    for (const [field, value] of [['replicas', p.replicas], ['revisionHistoryLimit', p.revisionHistoryLimit]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) errors.push(`${field} must be a whole number >= 0; got ${value}`);
      else if (value !== undefined && value > INT32_MAX) errors.push(`${field} must be at most ${INT32_MAX} (an int32 field); got ${value}; lower it`);
    }
    const strategyOptions = [this.strategy.canaryOptions, this.strategy.blueGreenOptions];
    const foreign = this.canary ? Object.keys(this.canary).filter(k => BLUE_GREEN_ONLY.includes(k) && (this.canary as any)[k] !== undefined)
      : Object.keys(this.blueGreen ?? {}).filter(k => CANARY_ONLY.includes(k) && (this.blueGreen as any)[k] !== undefined);
    if ((strategyOptions[0] && strategyOptions[1]) || foreign.length > 0) {
      errors.push(`the strategy carries both canary and blue-green options, and the controller would silently use one; got ${this.canary ? 'canary' : 'blueGreen'} options with ${foreign.length > 0 ? JSON.stringify(foreign) : 'blueGreen options too'}; use either RolloutStrategy.canary(...) or RolloutStrategy.blueGreen(...)`);
    }
    for (const service of this.switchedServices) {
      if (!isDnsLabel(service.name)) {
        errors.push(`Service name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, at most 63 characters); got "${service.name}"; rename the Service`);
      }
    }
    if (!this.workloadRef) {
      for (const container of [...this.initContainers, ...this.containers]) {
        if (typeof container.image !== 'string' || container.image.trim() === '') {
          errors.push(`container "${container.name}" has an empty image; got ${JSON.stringify(container.image)}; give an image reference such as "ghcr.io/acme/app:1.0"`);
        }
      }
    }
    if (p.rollbackWindow !== undefined) {
      const problem = int32Problem(p.rollbackWindow.revisions, 1);
      if (problem) {errors.push(`rollbackWindow revisions ${problem}; got ${p.rollbackWindow.revisions}; give the number of past releases a rollback may skip the steps to, e.g. 2`);} else if (p.rollbackWindow.revisions > (p.revisionHistoryLimit ?? 10)) {
        errors.push(`rollbackWindow revisions ${p.rollbackWindow.revisions} is greater than revisionHistoryLimit ${p.revisionHistoryLimit ?? 10}, so the oldest releases of the window are deleted; lower it or raise revisionHistoryLimit`);
      }
    }
    if (p.restartAt !== undefined && !(p.restartAt instanceof Date && Number.isFinite(p.restartAt.getTime()))) {
      errors.push(`restartAt must be a valid Date; got ${String(p.restartAt)}`);
    }
    const wholeDurations = [...wholeSeconds('minReady', this.minReady), ...wholeSeconds('progressDeadline', this.progressDeadline)];
    errors.push(...wholeDurations);
    if (wholeDurations.length === 0 && this.progressDeadline.toSeconds() <= this.minReady.toSeconds()) {
      errors.push(`progressDeadline (${this.progressDeadline.toSeconds()}s) must be greater than minReady (${this.minReady.toSeconds()}s)`);
    }
    // upstream validates the template as a ReplicaSet's (#5), which only allows restartPolicy Always
    if (this.restartPolicy !== undefined && this.restartPolicy !== kplus.RestartPolicy.ALWAYS) {
      errors.push(`restartPolicy must be Always for a Rollout's pods (the controller validates the template as a ReplicaSet's); got ${this.restartPolicy}`);
    }
    if (this.canary) errors.push(...this.validateCanary(this.canary));
    if (this.blueGreen) errors.push(...this.validateBlueGreen(this.blueGreen));
    return errors;
  }

  private validateBlueGreen(bg: BlueGreenStrategyOptions): string[] {
    const errors: string[] = [];
    if (bg.previewService && (bg.previewService === bg.activeService || bg.previewService.name === bg.activeService.name)) {
      errors.push(`blueGreen activeService and previewService are both "${bg.activeService.name}"; the controller needs two different Services`);
    }
    const historyLimit = this.props.revisionHistoryLimit ?? 10;
    if (bg.scaleDownDelayRevisionLimit !== undefined && bg.scaleDownDelayRevisionLimit > historyLimit) {
      errors.push(`blueGreen scaleDownDelayRevisionLimit ${bg.scaleDownDelayRevisionLimit} is greater than revisionHistoryLimit ${historyLimit}; lower it or raise revisionHistoryLimit`);
    }
    if (bg.previewReplicaCount !== undefined && (!Number.isInteger(bg.previewReplicaCount) || bg.previewReplicaCount < 0)) {
      errors.push(`blueGreen previewReplicaCount must be a whole number >= 0; got ${bg.previewReplicaCount}`);
    } else if (bg.previewReplicaCount !== undefined && bg.previewReplicaCount > INT32_MAX) {
      errors.push(`blueGreen previewReplicaCount must be at most ${INT32_MAX} (an int32 field); got ${bg.previewReplicaCount}; lower it`);
    }
    const revisionLimitProblem = bg.scaleDownDelayRevisionLimit === undefined ? undefined : int32Problem(bg.scaleDownDelayRevisionLimit, 0);
    if (revisionLimitProblem) errors.push(`blueGreen scaleDownDelayRevisionLimit ${revisionLimitProblem}; got ${bg.scaleDownDelayRevisionLimit}`);
    errors.push(...validateAntiAffinity(bg.antiAffinity?.weight, 'blueGreen'));
    if (bg.autoPromotionEnabled === false && bg.autoPromotionDelay !== undefined) {
      errors.push(`blueGreen autoPromotionDelay ${describeDuration(bg.autoPromotionDelay)} with autoPromotionEnabled false: the controller never promotes on its own when auto-promotion is off and ignores autoPromotionSeconds; remove autoPromotionDelay (manual promotion), or remove autoPromotionEnabled: false (promotion after the delay)`);
    }
    for (const [field, d] of [['scaleDownDelay', bg.scaleDownDelay], ['abortScaleDownDelay', bg.abortScaleDownDelay], ['autoPromotionDelay', bg.autoPromotionDelay]] as const) {
      if (d) errors.push(...wholeSeconds(`blueGreen ${field}`, d));
    }
    return errors;
  }

  private validateCanary(c: CanaryStrategyOptions): string[] {
    const errors: string[] = [];
    const tr = c.trafficRouting;
    const alb = tr?.alb;
    const istio = tr?.istio;
    const plugins = Object.keys(tr?.plugins ?? {});
    if (tr && !alb && !istio && plugins.length === 0) {
      errors.push('canary trafficRouting has no router; set alb, istio or plugins');
    }
    const instanceIngress = alb?.verifyTargetGroups ? alb.ingresses.find(i => i.targetType !== AlbTargetType.IP) : undefined;
    if (instanceIngress) {
      errors.push(`ALB verifyTargetGroups checks that the ALB registered the pod IPs, which needs targetType ip; got ${instanceIngress.targetType} on Ingress "${instanceIngress.name}"; use AlbTargetType.IP on the Ingress, or remove verifyTargetGroups`);
    }
    if ((c.maxSurge?.isZero() ?? false) && (c.maxUnavailable?.isZero() ?? false)) {
      errors.push('canary maxSurge and maxUnavailable are both zero, so the update can never progress; raise one of them');
    }
    if (c.stableService && c.canaryService && (c.stableService === c.canaryService || c.stableService.name === c.canaryService.name)) {
      errors.push(`canary stableService and canaryService are both "${c.stableService.name}"; the controller needs two different Services`);
    }
    if (c.pingPong) {
      if (c.pingPong.pingService === c.pingPong.pongService || c.pingPong.pingService.name === c.pingPong.pongService.name) {
        errors.push(`canary pingService and pongService are both "${c.pingPong.pingService.name}"; the controller needs two different Services`);
      }
      if (!tr) errors.push('canary pingPong needs trafficRouting with alb or istio; without it the ping and pong Services are never switched');
      if (alb && !alb.rootServiceName) {
        errors.push('canary pingPong with ALB needs alb.rootServiceName, the action name the Ingress backends use (e.g. "<app>-root")');
      }
    }
    const needsStableCanary = (alb && !c.pingPong) || (istio && !istio.destinationRule && !c.pingPong);
    if (needsStableCanary && (!c.stableService || !c.canaryService)) {
      errors.push(`canary trafficRouting with ${alb && !c.pingPong ? 'ALB' : 'Istio host-level routing'} needs both stableService and canaryService (got ${c.stableService ? 'only stableService' : c.canaryService ? 'only canaryService' : 'neither'}); set both, or use pingPong${istio ? ' or an Istio destinationRule' : ''}`);
    }
    if (!tr) {
      for (const [field, set] of [['scaleDownDelay', c.scaleDownDelay], ['abortScaleDownDelay', c.abortScaleDownDelay], ['dynamicStableScale', c.dynamicStableScale], ['minPodsPerReplicaSet', c.minPodsPerReplicaSet]] as const) {
        if (set !== undefined && set !== false) errors.push(`canary ${field} only works with trafficRouting (the controller ignores or rejects it otherwise); add trafficRouting or remove ${field}`);
      }
    } else if (c.dynamicStableScale && c.scaleDownDelay) {
      errors.push('canary dynamicStableScale cannot be combined with scaleDownDelay; the stable pods are already scaled down as the canary grows');
    }
    if (c.minPodsPerReplicaSet !== undefined && (!Number.isInteger(c.minPodsPerReplicaSet) || c.minPodsPerReplicaSet < 1)) {
      errors.push(`canary minPodsPerReplicaSet must be a whole number >= 1; got ${c.minPodsPerReplicaSet}`);
    } else if (c.minPodsPerReplicaSet !== undefined && c.minPodsPerReplicaSet > INT32_MAX) {
      errors.push(`canary minPodsPerReplicaSet must be at most ${INT32_MAX} (an int32 field); got ${c.minPodsPerReplicaSet}; lower it`);
    }
    for (const [field, d] of [['scaleDownDelay', c.scaleDownDelay], ['abortScaleDownDelay', c.abortScaleDownDelay]] as const) {
      if (d) errors.push(...wholeSeconds(`canary ${field}`, d));
    }
    if (c.scaleDownDelayRevisionLimit !== undefined) {
      const problem = int32Problem(c.scaleDownDelayRevisionLimit, 0);
      if (problem) errors.push(`canary scaleDownDelayRevisionLimit ${problem}; got ${c.scaleDownDelayRevisionLimit}`);
      else if (!tr) errors.push(`canary scaleDownDelayRevisionLimit only works with trafficRouting (without it old ReplicaSets scale down at once); got ${c.scaleDownDelayRevisionLimit}; add trafficRouting or remove it`);
    }
    errors.push(...validateAntiAffinity(c.antiAffinity?.weight, 'canary'));
    if (alb) {
      if (alb.ingresses.length === 0) errors.push('canary trafficRouting.alb needs at least one Ingress; got ingresses: []');
      const prefixes = new Set(alb.ingresses.map(i => i.annotationPrefix));
      if (prefixes.size > 1) errors.push(`canary trafficRouting.alb Ingresses use different annotation prefixes ${JSON.stringify([...prefixes])}; the Rollout writes one prefix to all of them`);
      // milliseconds: Duration.toSeconds() throws (without the construct path) on fractions
      const stickySeconds = alb.stickiness ? alb.stickiness.toMilliseconds({ integral: false }) / 1000 : undefined;
      if (stickySeconds !== undefined && (stickySeconds < 1 || stickySeconds > MAX_STICKINESS_SECONDS || !Number.isInteger(stickySeconds))) {
        errors.push(`canary ALB stickiness must be 1 to ${MAX_STICKINESS_SECONDS} whole seconds (7 days); got ${stickySeconds}s`);
      }
      const action = alb.rootServiceName ?? c.stableService?.name;
      if (action && !isDnsLabel(action, 55)) {
        errors.push(`canary ALB action name "${action}" becomes the annotation key actions.${action}, so it must be a DNS-1035 label of at most 55 characters`);
      }
      if (!Number.isInteger(alb.servicePort) || alb.servicePort < 1 || alb.servicePort > 65535) {
        errors.push(`canary ALB servicePort must be a port number 1-65535; got ${alb.servicePort}`);
      }
    }
    if (istio && istio.virtualServices.length === 0) errors.push('canary trafficRouting.istio needs at least one VirtualService; got virtualServices: []');
    if (c.analysis) errors.push(...validateAnalysisRun(this, 'canary background analysis', AnalysisUsage.BACKGROUND, c.analysis));
    if (c.analysis?.startingStep !== undefined && (c.analysis.startingStep < 0 || c.analysis.startingStep >= Math.max(1, this.canarySteps.length))) {
      errors.push(`canary background analysis startingStep ${c.analysis.startingStep} is not a step index (0-${Math.max(0, this.canarySteps.length - 1)})`);
    }
    errors.push(...this.validateSteps(c));
    return errors;
  }

  private validateSteps(c: CanaryStrategyOptions): string[] {
    const errors: string[] = [];
    const tr = c.trafficRouting;
    const alb = tr?.alb;
    const istio = tr?.istio;
    const hasPlugins = Object.keys(tr?.plugins ?? {}).length > 0;
    const replicas = this.replicas ?? 1;
    // canary pod count model: an explicit scale (setCanaryScale weight/replicas) or the traffic weight
    let explicitScale: number | undefined;
    let weight = 0;
    const activeRoutes = new Map<string, string>();
    const routeKinds = new Map<string, StepKind>();
    const canaryHasPods = () => (explicitScale !== undefined ? explicitScale > 0 : weight > 0);

    const visit = (step: Step, i: number) => {
      const at = `step ${i} ${step}`;
      switch (step.kind) {
        case StepKind.SET_WEIGHT: {
          const w = step.weight!;
          if (!Number.isInteger(w) || w < 0 || w > 100) errors.push(`${at}: weight must be a whole number from 0 to 100; got ${w}`);
          weight = w;
          break;
        }
        case StepKind.PAUSE:
          if (step.duration) {
            try {
              renderDuration(step.duration);
              errors.push(...secondsInRange(`${at}: duration`, step.duration));
            } catch (e: any) {
              errors.push(`${at}: ${e.message}`);
            }
          }
          break;
        case StepKind.SET_CANARY_SCALE: {
          const s = step.canaryScale!;
          const given = [s.weight !== undefined, s.replicas !== undefined, s.matchTrafficWeight !== undefined].filter(Boolean).length;
          if (given !== 1) {
            errors.push(`${at}: set exactly one of weight, replicas or matchTrafficWeight; got ${given === 0 ? 'none' : JSON.stringify(s)}`);
          } else if (s.matchTrafficWeight === false) {
            errors.push(`${at}: matchTrafficWeight must be true when given (false has no meaning); use weight or replicas to scale independently`);
          } else if (s.weight !== undefined && (!Number.isInteger(s.weight) || s.weight < 0 || s.weight > 100)) {
            errors.push(`${at}: weight must be a whole number from 0 to 100; got ${s.weight}`);
          } else if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || s.replicas < 0)) {
            errors.push(`${at}: replicas must be a whole number >= 0; got ${s.replicas}`);
          } else if (s.replicas !== undefined && s.replicas > INT32_MAX) {
            errors.push(`${at}: replicas must be at most ${INT32_MAX} (an int32 field); got ${s.replicas}; lower it`);
          }
          if (!tr) errors.push(`${at}: setCanaryScale needs trafficRouting (without it pod counts follow setWeight); add trafficRouting`);
          explicitScale = s.matchTrafficWeight ? undefined
            : s.replicas !== undefined ? s.replicas : Math.ceil(((s.weight ?? 0) * replicas) / 100);
          break;
        }
        case StepKind.SET_HEADER_ROUTE:
        case StepKind.SET_MIRROR_ROUTE: {
          const header = step.kind === StepKind.SET_HEADER_ROUTE;
          const name = step.routeName!;
          if (!isDnsLabel(name, 52)) {
            errors.push(`${at}: route name "${name}" must be a DNS-1035 label of at most 52 characters (it becomes an Ingress backend and the annotation keys actions.<name> and conditions.<name>)`);
          }
          const previousKind = routeKinds.get(name);
          if (previousKind && previousKind !== step.kind) errors.push(`${at}: "${name}" is already a ${previousKind === StepKind.SET_HEADER_ROUTE ? 'header' : 'mirror'} route; give each route its own name`);
          routeKinds.set(name, step.kind);
          if (header && (!tr || (!alb && !istio && !hasPlugins))) {
            errors.push(`${at}: header routes need ALB, Istio or plugin trafficRouting; add trafficRouting`);
          }
          if (!header && (!tr || !istio)) {
            // Argo Rollouts v1.9.0's ValidateRollout refuses setMirrorRoute without Istio, plugin routers included
            errors.push(`${at}: mirror routes need Istio trafficRouting${alb ? ' (the ALB cannot mirror traffic)' : hasPlugins ? ' (the controller refuses them with plugin routers: "SetMirrorRoute requires TrafficRouting, supports Istio only")' : ''}; use Istio, or a header route instead`);
          }
          if (step.removesRoute) {
            if (!activeRoutes.has(name)) errors.push(`${at}: removes route "${name}", which no earlier step sets`);
            activeRoutes.delete(name);
            break;
          }
          if (!canaryHasPods()) {
            errors.push(`${at}: no earlier step gives the canary pods, and the controller removes managed routes while the canary has no available pods (and does not re-apply them); put Step.setCanaryScale({ weight: ... }) or a setWeight above 0 before it`);
          }
          activeRoutes.set(name, at);
          if (header) {
            const matches = step.headerMatches!;
            if (matches.length === 0) errors.push(`${at}: needs at least one HeaderMatch; use Step.removeHeaderRoute("${name}") to remove the route`);
            for (const m of matches) {
              if (m.header.trim() === '') errors.push(`${at}: a header name is empty`);
              else if (!isHttpToken(m.header)) errors.push(`${at}: header name must be an HTTP token (RFC 7230: letters, digits and !#$%&'*+-.^_\`|~); got "${m.header}"; remove spaces, ':' and other separators`);
              if (m.match.value === '') errors.push(`${at}: header "${m.header}" has an empty ${m.match.type} value`);
              errors.push(...regexProblems(`${at}: header "${m.header}"`, m.match));
              if (alb && m.match.type !== StringMatchType.EXACT) {
                errors.push(`${at}: ALB matches headers by exact value only; got ${m.match} for header "${m.header}"; use HeaderMatch.exact (ALB treats * and ? in it as wildcards)`);
              }
            }
          } else {
            const matches = step.mirrorMatches!;
            if (matches.length === 0) errors.push(`${at}: needs at least one MirrorMatch; use Step.removeMirrorRoute("${name}") to remove the route`);
            const pct = step.mirrorPercentage;
            if (pct !== undefined && (!Number.isInteger(pct) || pct < 0 || pct > 100)) errors.push(`${at}: percentage must be a whole number from 0 to 100; got ${pct}`);
            matches.forEach((m, j) => {
              const values = [m.method, m.path, ...Object.values(m.headers ?? {})].filter(v => v !== undefined);
              if (values.length === 0) errors.push(`${at}: match ${j} has no condition, so it would mirror every request; give a method, path or header`);
              for (const v of values) if (v!.value === '') errors.push(`${at}: match ${j} has an empty ${v!.type} value`);
              for (const headerName of Object.keys(m.headers ?? {})) {
                if (headerName.trim() === '') errors.push(`${at}: match ${j} has an empty header name; got ""; name the header, e.g. "x-canary"`);
                else if (!isHttpToken(headerName)) errors.push(`${at}: match ${j} header name must be an HTTP token (RFC 7230: letters, digits and !#$%&'*+-.^_\`|~); got "${headerName}"; remove spaces, ':' and other separators`);
              }
              const matchValues: [string, StringMatch | undefined][] = [['method', m.method], ['path', m.path],
                ...Object.entries(m.headers ?? {}).map(([h, value]): [string, StringMatch] => [`header "${h}"`, value])];
              for (const [field, value] of matchValues) {
                if (value) errors.push(...regexProblems(`${at}: match ${j} ${field}`, value));
              }
            });
          }
          break;
        }
        case StepKind.ANALYSIS:
          errors.push(...validateAnalysisRun(this, at, AnalysisUsage.STEP, step.analysisOptions!));
          break;
        case StepKind.EXPERIMENT: {
          const e = step.experimentOptions!;
          if (e.templates.length === 0) errors.push(`${at}: needs at least one template`);
          const names = e.templates.map(t => t.name);
          if (new Set(names).size !== names.length) errors.push(`${at}: template names must be unique; got ${JSON.stringify(names)}`);
          for (const t of e.templates) {
            if (t.weight !== undefined) {
              if (!tr) errors.push(`${at}: template "${t.name}" has a weight, which needs trafficRouting`);
              else if (!alb && !istio && !hasPlugins) errors.push(`${at}: template "${t.name}" has a weight, which needs ALB, Istio or plugin trafficRouting`);
            }
          }
          if (e.duration) errors.push(...wholeSeconds(`${at} duration`, e.duration));
          for (const a of e.analyses ?? []) {
            // without a duration the experiment waits for its analyses, like an analysis step
            const usage = e.duration ? AnalysisUsage.TIMED_EXPERIMENT : AnalysisUsage.STEP;
            errors.push(...validateAnalysisRun(this, `${at} analysis "${a.name}"`, usage, { templates: [a.template], args: a.args }));
          }
          break;
        }
        case StepKind.PLUGIN:
          break;
      }
      // a route stays only while the canary has pods: the controller removes managed routes otherwise
      if (!canaryHasPods()) {
        for (const [name, setAt] of activeRoutes) {
          errors.push(`${at}: leaves the canary with no pods while route "${name}" (set at ${setAt}) is active; the controller removes the route and does not re-apply it. Remove the route first, or keep the canary scaled`);
        }
        activeRoutes.clear();
      }
    };
    this.canarySteps.forEach((step, i) => {
      try {
        visit(step, i);
      } catch (e: any) {
        // a step that cannot even be read must not hide the errors of the other steps
        errors.push(`step ${i} ${step.kind}: ${e.message}`);
      }
    });

    // managed route names must not collide with names that live in Git
    const gitNames = new Map<string, string>();
    for (const s of this.switchedServices) gitNames.set(s.name, 'a Service the Rollout uses');
    if (alb) gitNames.set(alb.rootServiceName ?? c.stableService?.name ?? '', 'the ALB action (root Service)');
    for (const vs of istio?.virtualServices ?? []) gitNames.set(vs.routeName, `the route of VirtualService "${vs.name}"`);
    for (const name of this.managedRoutes) {
      const clash = gitNames.get(name);
      if (clash) errors.push(`managed route "${name}" has the same name as ${clash}; the controller deletes every route and Ingress path with a managed route's name at the end of each update. Rename the header or mirror route`);
    }
    return errors;
  }

  // ---------------------------------------------------------------------------------------
  // traffic routing: bind the Rollout's names into the routing objects

  private bindRouting(): void {
    const c = this.canary;
    const tr = c?.trafficRouting;
    if (!c || !tr) return;
    const canaryName = c.pingPong ? c.pingPong.pongService.name : c.canaryService?.name;
    const stableName = c.pingPong ? c.pingPong.pingService.name : c.stableService?.name;
    if (tr.alb) {
      for (const ingress of tr.alb.ingresses) {
        ingress._bindAction({
          actionName: tr.alb.rootServiceName ?? stableName!,
          canaryServiceName: canaryName!,
          stableServiceName: stableName!,
          servicePort: tr.alb.servicePort,
          stickiness: tr.alb.stickiness,
          rolloutPath: this.node.path,
        });
      }
    }
    if (tr.istio) {
      const dr = tr.istio.destinationRule;
      // host-level routing prefers stable/canary; ping/pong only when both are missing
      const useStableCanary = !!(c.stableService && c.canaryService);
      const stableHost = dr ? dr.host : useStableCanary ? c.stableService!.name : c.pingPong?.pingService.name;
      const canaryHost = dr ? dr.host : useStableCanary ? c.canaryService!.name : c.pingPong?.pongService.name;
      for (const vs of tr.istio.virtualServices) {
        vs._bindDestinations({
          stableHost: stableHost!,
          canaryHost: canaryHost!,
          stableSubset: dr?.stableSubsetName,
          canarySubset: dr?.canarySubsetName,
          port: tr.alb?.servicePort ?? firstServicePort(c.stableService ?? c.pingPong?.pingService),
          rolloutPath: this.node.path,
        });
      }
      dr?._bindPodLabels(this.matchLabels);
    }
  }

  // ---------------------------------------------------------------------------------------
  // cross-object validation, at synth (objects may be configured after the Rollout)

  private validateReferences(): string[] {
    const errors: string[] = [];
    // read from the constructs, not rendered: cdk8s runs validations once per chart of the app
    const podLabel = (key: string): string | undefined => this.workloadRef
      ? this.workloadRef.matchLabels?.[key]
      : (key === kplus.Pod.ADDRESS_LABEL ? undefined : this.podMetadata.getLabel(key));
    const knowsPodLabels = !this.workloadRef || this.workloadRef.matchLabels !== undefined;
    if (!this.workloadRef) {
      // the Rollout's own selector (extended with select()) must select its pod template
      for (const [key, value] of Object.entries(this.matchLabels)) {
        const actual = podLabel(key);
        if (actual !== value) {
          errors.push(`the Rollout's selector ${key}=${value} does not match its pod template, which has ${actual !== undefined ? `${key}=${actual}` : `no label ${key}`}; got selector ${JSON.stringify(this.matchLabels)}; add the label to the pods (podMetadata.addLabel) or select a label they have`);
        }
      }
      for (const e of this.matchExpressions) {
        const actual = podLabel(e.key);
        const values = e.values ?? [];
        const matches = e.operator === 'In' ? actual !== undefined && values.includes(actual)
          : e.operator === 'NotIn' ? actual === undefined || !values.includes(actual)
            : e.operator === 'Exists' ? actual !== undefined
              : e.operator === 'DoesNotExist' ? actual === undefined : true;
        if (!matches) {
          errors.push(`the Rollout's selector expression ${e.key} ${e.operator} ${JSON.stringify(values)} does not match its pod template, which has ${actual !== undefined ? `${e.key}=${actual}` : `no label ${e.key}`}; got ${JSON.stringify(e)}; add the label to the pods (podMetadata.addLabel) or change the selector`);
        }
      }
    }
    for (const service of this.switchedServices) {
      const owner = SERVICE_OWNERS.get(service);
      if (owner && owner !== this.node.path) {
        errors.push(`Service "${service.name}" is also used by the Rollout at ${owner}; the controller points a Service at one Rollout only`);
      }
      SERVICE_OWNERS.set(service, this.node.path);
      const selector = selectorOf(service);
      if (HASH_LABEL in selector) {
        errors.push(`Service "${service.name}" selects ${HASH_LABEL}, which the controller sets at runtime; remove it from the selector`);
      }
      if (knowsPodLabels) {
        for (const [key, value] of Object.entries(selector)) {
          const actual = podLabel(key);
          if (key !== HASH_LABEL && actual !== value) {
            errors.push(`Service "${service.name}" selects ${key}=${value}, but the Rollout's pods have ${actual !== undefined ? `${key}=${actual}` : `no label ${key}`}; select the Rollout's pods (e.g. new kplus.Service(..., { selector: rollout }))`);
          }
        }
      }
      if (Object.keys(selector).length === 0) errors.push(`Service "${service.name}" has no selector; select the Rollout's pods`);
      const managedBy = service.metadata.toJson().annotations?.[MANAGED_BY];
      if (managedBy !== undefined && managedBy !== this.name) {
        errors.push(`Service "${service.name}" is annotated ${MANAGED_BY}: "${managedBy}", so the controller treats it as managed by another Rollout; got "${managedBy}", this Rollout is "${this.name}"; remove the annotation (the controller writes it) or use another Service`);
      }
      const alb = this.canary?.trafficRouting?.alb;
      const instanceIngress = alb?.ingresses.find(i => i.targetType !== AlbTargetType.IP);
      const serviceType: string = service.type;
      if (instanceIngress && service !== this.blueGreen?.activeService && !['NodePort', 'LoadBalancer'].includes(serviceType)) {
        errors.push(`Service "${service.name}" is ${serviceType}, but Ingress "${instanceIngress.name}" uses instance targets (targetType ${instanceIngress.targetType}), which reach pods through node ports only; set targetType: AlbTargetType.IP on the Ingress, or make the Service NodePort`);
      }
      if (alb) {
        const ports = service.ports.map(port => port.port);
        if (!ports.includes(alb.servicePort)) {
          errors.push(`ALB servicePort ${alb.servicePort} is not a port of Service "${service.name}" (ports ${JSON.stringify(ports)}); the weighted action would forward to a port the Service does not have`);
        }
      }
    }
    // the controller looks every referenced object up by name in the Rollout's namespace (#46, #49, #51)
    const tr = this.canary?.trafficRouting;
    const referenced: [string, string, Construct][] = [
      ...this.switchedServices.map((s): [string, string, Construct] => ['Service', s.name, s]),
      ...(tr?.alb?.ingresses ?? []).map((i): [string, string, Construct] => ['Ingress', i.name, i]),
      ...(tr?.istio?.virtualServices ?? []).map((v): [string, string, Construct] => ['VirtualService', v.name, v]),
      ...(tr?.istio?.destinationRule ? [['DestinationRule', tr.istio.destinationRule.name, tr.istio.destinationRule] as [string, string, Construct]] : []),
    ];
    for (const [kind, name, construct] of referenced) {
      if (Chart.of(construct).namespace !== Chart.of(this).namespace) {
        errors.push(`${kind} "${name}" is in namespace "${Chart.of(construct).namespace ?? '<none>'}" but the Rollout is in "${Chart.of(this).namespace ?? '<none>'}"; the controller looks it up in the Rollout's namespace`);
      }
    }
    const canary = this.canary;
    const bg = this.blueGreen;
    for (const [where, options] of [['blueGreen prePromotionAnalysis', bg?.prePromotionAnalysis], ['blueGreen postPromotionAnalysis', bg?.postPromotionAnalysis]] as const) {
      if (options) errors.push(...validateAnalysisRun(this, where, where.includes('pre') ? AnalysisUsage.PRE_PROMOTION : AnalysisUsage.POST_PROMOTION, options));
    }
    if ((canary || bg) && !this.workloadRef && this.containers.length === 0) {
      errors.push('the Rollout has no containers; add one with containers or addContainer(), or use workloadRef');
    }
    return errors;
  }

  // ---------------------------------------------------------------------------------------
  // runtime ownership

  /**
   * The fields the Rollouts controller writes at runtime in the objects this Rollout uses, and
   * that Argo CD would otherwise report as drift (or overwrite on sync).
   *
   * Annotations the controller adds and Git never contains (`managed-by-rollouts`,
   * `managed-alb-annotations`, header-route `actions.`/`conditions.`) are left out: Argo CD
   * merges annotations key by key, so keys absent from Git never show as drift in any diff or
   * apply mode, and an ignore rule for them would be dead. The selector hash is kept: a Service
   * selector is an atomic map, which Server-Side Diff and server-side apply compare whole.
   */
  public runtimeOwnedFields(): RuntimeOwnedFields[] {
    const records: RuntimeOwnedFields[] = [];
    const rolloutName = this.name;
    if (this.hasAutoscaler) {
      records.push({ group: 'argoproj.io', kind: 'Rollout', name: rolloutName, namespace: namespaceOf(this), jsonPointers: ['/spec/replicas'], reason: 'an autoscaler sets the Rollout\'s replicas' });
    }
    for (const service of this.switchedServices) {
      records.push({
        group: '',
        kind: 'Service',
        name: service.name,
        namespace: namespaceOf(service),
        jsonPointers: [`/spec/selector/${HASH_LABEL}`],
        reason: `the Rollout ${rolloutName} points the Service at a ReplicaSet by adding the pod-template hash to its selector`,
      });
    }
    const ref = this.workloadRef;
    if (ref?.kind === 'Deployment' && (ref.scaleDown === WorkloadRefScaleDown.ON_SUCCESS || ref.scaleDown === WorkloadRefScaleDown.PROGRESSIVELY)) {
      records.push({
        group: 'apps',
        kind: 'Deployment',
        name: ref.name,
        namespace: namespaceOf(ref.deploymentConstruct ?? this),
        jsonPointers: ['/spec/replicas'],
        reason: `the Rollout ${rolloutName} scales the referenced Deployment down (workloadRef.scaleDown ${ref.scaleDown})`,
        unsafeToReset: 'a sync scales the Deployment back up, and the controller scales it down only once, so capacity stays doubled',
      });
    }
    const tr = this.canary?.trafficRouting;
    const routes = this.managedRoutes;
    // with ping-pong, the Git weights point at ping, which holds the previous release's (scaled
    // down) pods after every second release
    const pingPongReset = this.canary?.pingPong
      ? 'with ping-pong the Git weights send all traffic to ping, which every second release holds the previous, scaled-down pods'
      : undefined;
    const headerRoutes = routes.filter(r => this.canarySteps.some(s => s.kind === StepKind.SET_HEADER_ROUTE && s.routeName === r));
    for (const ingress of tr?.alb?.ingresses ?? []) {
      records.push({
        group: 'networking.k8s.io',
        kind: 'Ingress',
        name: ingress.name,
        namespace: namespaceOf(ingress),
        jsonPointers: [JsonPointer.of(['metadata', 'annotations', ingress.actionAnnotationKey!])],
        jqPathExpressions: headerRoutes.length > 0
          ? headerRoutes.map(r => `.spec.rules[]?.http.paths[]? | select(.backend.service.name == ${JSON.stringify(r)})`)
          : undefined,
        reason: `the Rollout ${rolloutName} rewrites the weighted action${headerRoutes.length > 0 ? ' and inserts header-route paths' : ''}`,
        unsafeToReset: pingPongReset,
      });
    }
    for (const vs of tr?.istio?.virtualServices ?? []) {
      const jq = ['.spec.http[]?.route[]?.weight'];
      if (vs.tlsRoutes.length > 0) jq.push('.spec.tls[]?.route[]?.weight');
      if (vs.tcpRoutes.length > 0) jq.push('.spec.tcp[]?.route[]?.weight');
      for (const r of routes) jq.push(`.spec.http[]? | select(.name == ${JSON.stringify(r)})`);
      records.push({
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: vs.name,
        namespace: namespaceOf(vs),
        jqPathExpressions: jq,
        reason: `the Rollout ${rolloutName} rewrites the route weights${routes.length > 0 ? ' and adds its managed header/mirror routes' : ''}`,
        // Istio splits between ping and pong only when stable and canary Services are not set
        unsafeToReset: this.canary?.stableService && this.canary.canaryService ? undefined : pingPongReset,
      });
    }
    const dr = tr?.istio?.destinationRule;
    if (dr) {
      records.push({
        group: 'networking.istio.io',
        kind: 'DestinationRule',
        name: dr.name,
        namespace: namespaceOf(dr),
        jqPathExpressions: [`.spec.subsets[]?.labels.${JSON.stringify(HASH_LABEL)}`],
        reason: `the Rollout ${rolloutName} adds the pod-template hash to the stable and canary subsets`,
      });
    }
    return records;
  }

  // ---------------------------------------------------------------------------------------
  // rendering

  /** @internal */
  public _toKube(): any {
    const p = this.props;
    const spec: any = {
      replicas: this.hasAutoscaler ? undefined : this.replicas,
      selector: Object.keys(this.matchLabels).length > 0 || this.matchExpressions.length > 0 ? this._toLabelSelector() : undefined,
      workloadRef: this.workloadRef?._toKube(),
      template: this.workloadRef ? undefined : { metadata: this.renderPodMetadata(), spec: kplus.k8s.toJson_PodSpec(this._toPodSpec()) },
      minReadySeconds: p.minReady ? this.minReady.toSeconds() : undefined,
      progressDeadlineSeconds: this.progressDeadline.toSeconds(),
      progressDeadlineAbort: p.progressDeadlineAbort,
      revisionHistoryLimit: p.revisionHistoryLimit,
      rollbackWindow: p.rollbackWindow ? { revisions: p.rollbackWindow.revisions } : undefined,
      paused: p.paused,
      restartAt: p.restartAt ? p.restartAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
      strategy: this.canary ? { canary: this.renderCanary(this.canary) } : { blueGreen: this.renderBlueGreen(this.blueGreen!) },
    };
    return spec;
  }

  /**
   * The pod template's metadata without cdk8s-plus' address label: it is derived from the
   * construct path, so moving the construct would change the template and start an update.
   * The Rollout selects its pods by `app.kubernetes.io/name` instead.
   */
  private renderPodMetadata(): any {
    const metadata = this.podMetadata.toJson();
    const { [kplus.Pod.ADDRESS_LABEL]: _address, ...labels } = metadata.labels ?? {};
    return { ...metadata, labels: Object.keys(labels).length > 0 ? labels : undefined };
  }

  private renderCanary(c: CanaryStrategyOptions): any {
    const tr = c.trafficRouting;
    let trafficRouting: any;
    if (tr) {
      const alb = tr.alb;
      const istio = tr.istio;
      const routes = this.managedRoutes;
      const albSpec = alb && {
        ...(alb.ingresses.length === 1 ? { ingress: alb.ingresses[0].name } : { ingresses: alb.ingresses.map(i => i.name) }),
        servicePort: alb.servicePort,
        rootService: alb.rootServiceName,
        annotationPrefix: alb.ingresses[0].annotationPrefix === AlbIngress.DEFAULT_ANNOTATION_PREFIX ? undefined : alb.ingresses[0].annotationPrefix,
        stickinessConfig: alb.stickiness ? { enabled: true, durationSeconds: alb.stickiness.toSeconds() } : undefined,
      };
      const vsRefs = istio?.virtualServices.map(vs => ({
        name: vs.name,
        routes: [vs.routeName],
        tlsRoutes: vs.tlsRoutes.length > 0 ? vs.tlsRoutes.map(r => ({ port: r.port, sniHosts: r.sniHosts })) : undefined,
        tcpRoutes: vs.tcpRoutes.length > 0 ? vs.tcpRoutes.map(r => ({ port: r.port })) : undefined,
      }));
      const istioSpec = istio && {
        ...(vsRefs!.length === 1 ? { virtualService: vsRefs![0] } : { virtualServices: vsRefs }),
        destinationRule: istio.destinationRule ? {
          name: istio.destinationRule.name,
          stableSubsetName: istio.destinationRule.stableSubsetName,
          canarySubsetName: istio.destinationRule.canarySubsetName,
        } : undefined,
      };
      trafficRouting = {
        alb: albSpec,
        istio: istioSpec,
        plugins: tr.plugins,
        managedRoutes: routes.length > 0 ? routes.map(name => ({ name })) : undefined,
      };
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

  private renderBlueGreen(bg: BlueGreenStrategyOptions): any {
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
}

function validateAntiAffinity(weight: number | undefined, strategy: string): string[] {
  if (weight === undefined) return [];
  return Number.isInteger(weight) && weight >= 1 && weight <= 100 ? [] : [`${strategy} antiAffinity weight must be a whole number from 1 to 100; got ${weight}`];
}

function wholeSeconds(field: string, duration: Duration): string[] {
  const ms = duration.toMilliseconds({ integral: false });
  return Number.isFinite(ms) && ms % 1000 === 0 ? secondsInRange(field, duration) : [`${field} must be a whole number of seconds; got ${ms}ms`];
}

/** A duration rendered as int32 seconds (or parsed as such by the controller) must fit 0..2147483647. */
function secondsInRange(field: string, duration: Duration): string[] {
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  return seconds >= 0 && seconds <= INT32_MAX ? [] : [`${field} must be from 0 to ${INT32_MAX} seconds (an int32 field); got ${seconds}s; use a shorter, non-negative duration`];
}

/** A regex match value must compile in RE2, the engine of Envoy and of the controller. */
function regexProblems(where: string, match: StringMatch): string[] {
  if (match.type !== StringMatchType.REGEX) return [];
  const problem = re2Problem(match.value);
  return problem ? [`${where} regex ${problem} (the regex engine is RE2, as in Envoy and Go); got "${match.value}"; rewrite it without lookaround, backreferences or possessive/atomic constructs`] : [];
}

function renderMetadata(metadata?: ReplicaSetMetadata): any {
  if (!metadata || (!metadata.labels && !metadata.annotations)) return undefined;
  return { labels: metadata.labels, annotations: metadata.annotations };
}

/**
 * The labels a kplus Service selects (cdk8s-plus keeps them private). JSON patches on the
 * Service's L1 are not seen, which is why the Rollout never rewrites selectors itself.
 */
function selectorOf(service: kplus.Service): { [key: string]: string } {
  return (service as any)._selector ?? {};
}

function firstServicePort(service?: kplus.Service): number | undefined {
  return service?.ports[0]?.port;
}

function namespaceOf(construct: Construct): string | undefined {
  return Chart.of(construct).namespace;
}
