import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisRunOptions } from './analysis/analysis-run';
import { CanaryAppPodOptions } from './canary-app';
import { addPodProblems, addPortProblems, podTemplateProps, releaseRolloutProps } from './front-door-pod';
import { FrontDoorReleaseOptions } from './front-door-release';
import { isDnsLabel, readableName } from './private/names';
import { registerObject } from './private/object-registry';
import { applyPatchesLast } from './private/patches';
import { Problems } from './private/problems';
import { Rollout } from './rollout/rollout';
import { BlueGreenStrategyBaseOptions, RolloutStrategy } from './rollout/strategy';
import { WorkloadRef } from './rollout/workload-ref';

/** Blue-green options a `BlueGreenApp` passes through to its Rollout (it makes the Services itself). */
export interface BlueGreenAppStrategyOptions extends BlueGreenStrategyBaseOptions {}

/** Properties of a `BlueGreenApp`. */
export interface BlueGreenAppProps extends FrontDoorReleaseOptions {
  /**
   * Base name of every object: Rollout `<name>`, Services `<name>-active` and `<name>-preview`.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The container image. Give this or `workloadRef`.
   * @default - none: `workloadRef` must be given
   */
  readonly image?: string;

  /** The port the container listens on. */
  readonly containerPort: number;

  /**
   * The port of the Services.
   * @default 80
   */
  readonly servicePort?: number;

  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * The rest of the main container (env, probes, resources, ...).
   * @default - cdk8s-plus defaults
   */
  readonly container?: kplus.ContainerProps;

  /**
   * Pod-level settings (service account, pod metadata, security context, volumes, scheduling).
   * @default - cdk8s-plus defaults
   */
  readonly pod?: CanaryAppPodOptions;

  /**
   * Migrate an existing Deployment: the Rollout takes its pod template.
   * @default - the Rollout's own pod template from `image`
   */
  readonly workloadRef?: WorkloadRef;

  /**
   * Analysis that must pass before the preview is promoted (it runs against the preview).
   * @default - none
   */
  readonly prePromotionAnalysis?: AnalysisRunOptions;

  /**
   * Analysis that runs after promotion; a failure aborts and switches back.
   * @default - none
   */
  readonly postPromotionAnalysis?: AnalysisRunOptions;

  /**
   * Everything else of the blue-green strategy.
   * @default - none
   */
  readonly strategy?: BlueGreenAppStrategyOptions;
}

/**
 * A whole blue-green app from a few props: the Rollout and its active and preview Services,
 * named `<name>`, `<name>-active`, `<name>-preview`, with pre- and post-promotion analysis.
 *
 * @example
 * new BlueGreenApp(chart, 'checkout', {
 *   image: 'ghcr.io/acme/checkout:1.4.2',
 *   containerPort: 8080,
 *   replicas: 4,
 *   prePromotionAnalysis: { templates: [successRate] },
 *   strategy: { autoPromotionEnabled: false },
 * });
 */
export class BlueGreenApp extends Construct {
  /** The base name of the objects. */
  public readonly name: string;
  /** The Rollout. */
  public readonly rollout: Rollout;
  /** The Service that sends production traffic to the active version. */
  public readonly activeService: kplus.Service;
  /** The Service that reaches the new version before promotion. */
  public readonly previewService: kplus.Service;

  constructor(scope: Construct, id: string, props: BlueGreenAppProps) {
    super(scope, id);
    this.name = props.name ?? readableName(this);
    const servicePort = props.servicePort ?? 80;
    const problems = new Problems(this);
    addPortProblems(problems, props, servicePort);
    const max = 63 - '-preview'.length;
    if (!isDnsLabel(this.name, max)) {
      problems.add(`name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter) of at most ${max} characters, so that "<name>-preview" fits 63`,
        this.name, 'pass a shorter lower-case name');
    }
    addPodProblems(problems, props);
    problems.throwIfAny();

    const service = (suffix: string) => {
      const created = new kplus.Service(this, suffix, {
        metadata: { name: `${this.name}-${suffix}` },
        ports: [{ name: 'http', port: servicePort, targetPort: props.containerPort }],
      });
      applyPatchesLast(ApiObject.of(created));
      registerObject(created, ApiObject.of(created));
      return created;
    };
    this.activeService = service('active');
    this.previewService = service('preview');

    const pod = podTemplateProps(props);
    this.rollout = new Rollout(this, 'rollout', {
      ...pod.rolloutProps,
      metadata: { name: this.name },
      replicas: props.replicas,
      strategy: RolloutStrategy.blueGreen({
        ...props.strategy,
        activeService: this.activeService,
        previewService: this.previewService,
        prePromotionAnalysis: props.prePromotionAnalysis,
        postPromotionAnalysis: props.postPromotionAnalysis,
      }),
      ...releaseRolloutProps(props),
    });
    pod.applyScheduling(this.rollout);
  }
}
