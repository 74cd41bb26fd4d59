import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RolloutNotification } from './notifications';
import { HASH_LABEL, RolloutInternals, selectorOf, validateRolloutReferences, validateRolloutSpec } from './rollout-rules';
import { Step, StepKind } from './step';
import { RolloutRulesContext } from './step-rules';
import { BlueGreenStrategyOptions, CanaryStrategyOptions, RolloutStrategy } from './strategy';
import { renderBlueGreen, renderCanary } from './strategy-render';
import { WorkloadRef, WorkloadRefScaleDown } from './workload-ref';
import { AnalysisArgument } from '../analysis/analysis-run';
import { IRuntimeOwner, RuntimeOwnedFields } from '../gitops/runtime-ownership';
import type { Rollout as RolloutL1, RolloutSpecTemplateMetadata } from '../imports/rollout-argoproj.io';
import { isDns1123Subdomain, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { fail, Problems } from '../private/problems';
import { withCanonicalQuantities } from '../private/quantity';
import { cachedValidation } from '../private/synthesis-cache';
import type { RolloutSpecJson, Wire } from '../private/wire';
import { TrafficRouterContext } from '../routing/router-context';
import { trafficRoutersOf } from '../routing/routers';
import { TrafficRouter } from '../routing/traffic-router';

/** The label every Rollout's pods carry and its Services select. */
const NAME_LABEL = 'app.kubernetes.io/name';

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


/** The `apiVersion` and `kind` of the generated L1 (`Rollout.GVK`). */
const ROLLOUT_GVK: typeof RolloutL1.GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };

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
  private readonly routers: TrafficRouter[];
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
    this.routers = trafficRoutersOf(this.strategy.canaryOptions?.trafficRouting);

    const name = props.metadata?.name ?? readableName(this);
    // the name is also the value of the pods' app.kubernetes.io/name label: at most 63 characters
    if (!isDns1123Subdomain(name) || name.length > 63) {
      fail(this, `Rollout name must be a lower-case DNS-1123 name of at most 63 characters (it is also the value of the pods' ${NAME_LABEL} label)`, name, "use lower-case letters, digits and '-'");
    }
    // A plain ApiObject, not the L1: the spec is in wire format (the pod template from
    // cdk8s-plus' own converter), which the L1's toJson_RolloutSpec would re-convert and lose.
    this.apiObject = new ApiObject(this, 'Resource', {
      ...ROLLOUT_GVK,
      metadata: { ...props.metadata, name },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    RolloutNotification._apply(this, this.apiObject, props.notifications);

    if (workloadRef) {
      if ((props.containers ?? []).length > 0 || (props.initContainers ?? []).length > 0 || (props.volumes ?? []).length > 0 || props.podMetadata) {
        fail(this, `a Rollout with workloadRef (${workloadRef.kind} ${workloadRef.name}) takes its pod template from that workload`,
          'remove containers, volumes and podMetadata');
      }
      if (workloadRef.matchLabels) this.select(kplus.LabelSelector.of({ labels: workloadRef.matchLabels }));
    } else {
      this.select(kplus.LabelSelector.of({ labels: { [NAME_LABEL]: name } }));
      this.podMetadata.addLabel(NAME_LABEL, name);
    }

    new Problems(this).addAll(validateRolloutSpec(this.internals)).throwIfAny();
    for (const service of this.switchedServices) {
      if (Object.keys(selectorOf(service)).length === 0) service.select(this);
      registerObject(service, ApiObject.of(service));
    }
    for (const router of this.routers) router._bind(this.routerContext);
    this.node.addValidation(cachedValidation(() => this.validateReferences()));
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
   * The traffic routers of the canary, in rendering order.
   * @internal
   */
  public get _trafficRouters(): TrafficRouter[] {
    return [...this.routers];
  }

  /**
   * Names of the traffic-router plugins the Rollout uses.
   * @internal
   */
  public get _trafficRouterPluginNames(): string[] {
    return this.routers.flatMap(r => r._pluginNames);
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

  /** The objects the Rollout references, at synth (they may be configured after it). */
  private validateReferences(): string[] {
    return validateRolloutReferences(this.internals);
  }

  /** What the Rollout's own rules read from it. */
  private get internals(): RolloutInternals {
    return {
      rollout: this,
      props: this.props,
      canary: this.canary,
      blueGreen: this.blueGreen,
      minReady: this.minReady,
      progressDeadline: this.progressDeadline,
      rules: this.rulesContext,
    };
  }

  /** What the strategy and step rules read from this Rollout. */
  private get rulesContext(): RolloutRulesContext {
    return {
      owner: this,
      canarySteps: this.canarySteps,
      replicas: this.replicas,
      revisionHistoryLimit: this.props.revisionHistoryLimit,
      routers: this.routers,
      routerContext: this.routerContext,
      switchedServices: this.switchedServices,
      managedRoutes: this.managedRoutes,
    };
  }

  /** What the routers learn about this Rollout (canary only). */
  private get routerContext(): TrafficRouterContext {
    const headerRoutes = this.managedRoutes.filter(r => this.canarySteps.some(s => s.kind === StepKind.SET_HEADER_ROUTE && s.routeName === r));
    return {
      rollout: this,
      rolloutName: this.name,
      canary: this.canary!,
      podLabels: this.matchLabels,
      managedRoutes: this.managedRoutes,
      headerRoutes,
      servicePort: this.routers.map(r => r._servicePort).find(p => p !== undefined),
    };
  }

  /** The Services the controller points at ReplicaSets. */
  private get switchedServices(): kplus.Service[] {
    const c = this.canary;
    const bg = this.blueGreen;
    return [c?.stableService, c?.canaryService, c?.pingPong?.pingService, c?.pingPong?.pongService,
      bg?.activeService, bg?.previewService].filter((s): s is kplus.Service => s !== undefined);
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
    for (const router of this.routers) records.push(...router._runtimeOwnedFields(this.routerContext));
    return records;
  }

  // ---------------------------------------------------------------------------------------
  // rendering

  /** @internal */
  public _toKube(): RolloutSpecJson {
    const p = this.props;
    return {
      replicas: this.hasAutoscaler ? undefined : this.replicas,
      selector: Object.keys(this.matchLabels).length > 0 || this.matchExpressions.length > 0 ? this._toLabelSelector() : undefined,
      workloadRef: this.workloadRef?._toKube(),
      // quantities as Argo CD's normaliser writes them (src/private/quantity.ts)
      template: this.workloadRef ? undefined
        : { metadata: this.renderPodMetadata(), spec: withCanonicalQuantities(kplus.k8s.toJson_PodSpec(this._toPodSpec())) },
      minReadySeconds: p.minReady ? this.minReady.toSeconds() : undefined,
      progressDeadlineSeconds: this.progressDeadline.toSeconds(),
      progressDeadlineAbort: p.progressDeadlineAbort,
      revisionHistoryLimit: p.revisionHistoryLimit,
      rollbackWindow: p.rollbackWindow ? { revisions: p.rollbackWindow.revisions } : undefined,
      paused: p.paused,
      restartAt: p.restartAt ? p.restartAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
      strategy: this.canary
        ? { canary: renderCanary(this.canary, this.routers, this.routerContext) }
        : { blueGreen: renderBlueGreen(this.blueGreen!) },
    };
  }

  /**
   * The pod template's metadata without cdk8s-plus' address label: it is derived from the
   * construct path, so moving the construct would change the template and start an update.
   * The Rollout selects its pods by `app.kubernetes.io/name` instead.
   */
  private renderPodMetadata(): Wire<RolloutSpecTemplateMetadata> {
    const metadata = this.podMetadata.toJson();
    const { [kplus.Pod.ADDRESS_LABEL]: _address, ...labels } = metadata.labels ?? {};
    return { ...metadata, labels: Object.keys(labels).length > 0 ? labels : undefined };
  }
}


function namespaceOf(construct: Construct): string | undefined {
  return Chart.of(construct).namespace;
}
