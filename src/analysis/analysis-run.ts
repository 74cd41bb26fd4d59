import { IConstruct } from 'constructs';
import type { RolloutSpecStrategyCanaryAnalysisArgs } from '../imports/rollout-argoproj.io';
import type { Wire } from '../private/wire';

/**
 * A template an analysis can run: an `AnalysisTemplate` or `ClusterAnalysisTemplate` of this
 * app, or a cluster-scoped template referenced by name.
 */
export interface IAnalysisTemplate {
  /** `metadata.name` of the template. */
  readonly templateName: string;

  /** Whether the template is a `ClusterAnalysisTemplate`. */
  readonly clusterScope: boolean;

  /**
   * Names of the template's arguments that have no value or `valueFrom` of their own, so every
   * analysis that runs the template must supply them. Empty when unknown.
   */
  readonly requiredArgs: string[];

  /**
   * Names of the template's metrics that have an `interval` but no `count`: they run until the
   * analysis is stopped, which a step or pre/post-promotion analysis never does.
   * Empty when unknown.
   */
  readonly indefiniteMetrics: string[];

  /**
   * The construct that defines the template; undefined for a template referenced by name.
   */
  readonly definedBy?: IConstruct;

  /**
   * Argument values a canary's background analysis passes to this template unless the analysis
   * gives them itself: the built-in templates read their `count` from an argument, and background
   * analysis passes `0`, so their metrics measure until the update ends instead of stopping after
   * `count` measurements.
   * @default - none
   */
  readonly backgroundArguments?: AnalysisArgument[];
}

/** Which ReplicaSet's pod-template hash an argument receives. */
export enum PodTemplateHash {
  /** The hash of the stable ReplicaSet. */
  STABLE = 'Stable',
  /** The hash of the newest (canary or preview) ReplicaSet. */
  LATEST = 'Latest',
}

/**
 * A value passed to an analysis template argument.
 */
export class AnalysisArgument {
  /** A literal value. */
  public static value(name: string, value: string): AnalysisArgument {
    return new AnalysisArgument(name, { value });
  }

  /** The pod-template hash of the stable or the latest ReplicaSet. */
  public static podTemplateHash(name: string, hash: PodTemplateHash): AnalysisArgument {
    return new AnalysisArgument(name, { valueFrom: { podTemplateHashValue: hash } });
  }

  /**
   * A field of the Rollout itself, e.g. `metadata.name` or `metadata.labels['app']`.
   */
  public static fieldRef(name: string, fieldPath: string): AnalysisArgument {
    return new AnalysisArgument(name, { valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(public readonly name: string, private readonly source: Wire<Omit<RolloutSpecStrategyCanaryAnalysisArgs, 'name'>>) {}

  /** The field path for `fieldRef` arguments. */
  public get fieldPath(): string | undefined {
    return this.source.valueFrom?.fieldRef?.fieldPath;
  }

  /** @internal */
  public _toKube(): Wire<RolloutSpecStrategyCanaryAnalysisArgs> {
    return { name: this.name, ...this.source };
  }
}

/** How many measurements of a metric an analysis run keeps. */
export interface MeasurementRetention {
  /** The metric name, or `.*` for every metric. */
  readonly metricName: string;
  /** How many measurements to keep. */
  readonly limit: number;
}

/**
 * What an analysis runs: used by analysis steps, background analysis and blue-green
 * pre- and post-promotion analysis.
 */
export interface AnalysisRunOptions {
  /** The templates to run; their metrics are merged into one AnalysisRun. */
  readonly templates: IAnalysisTemplate[];

  /**
   * Values for the templates' arguments.
   * @default - none
   */
  readonly args?: AnalysisArgument[];

  /**
   * Metrics whose failures are recorded but do not fail the analysis (name or regular expression).
   * @default - none
   */
  readonly dryRunMetrics?: string[];

  /**
   * How many measurements to keep per metric.
   * @default - the controller's default (10)
   */
  readonly measurementRetention?: MeasurementRetention[];

  /**
   * Labels for the AnalysisRun objects.
   * @default - none
   */
  readonly analysisRunLabels?: { [key: string]: string };

  /**
   * Annotations for the AnalysisRun objects.
   * @default - none
   */
  readonly analysisRunAnnotations?: { [key: string]: string };
}

/**
 * Background analysis of a canary: runs for the whole update and aborts it on failure.
 */
export interface BackgroundAnalysisOptions extends AnalysisRunOptions {
  /**
   * Index of the step at which the analysis starts.
   * @default 0 - from the start of the update
   */
  readonly startingStep?: number;
}

/** Where an analysis runs; decides which rules apply. */
export enum AnalysisUsage {
  /** A canary `analysis` step. */
  STEP = 'step',
  /** Background analysis of a canary. */
  BACKGROUND = 'background',
  /** Blue-green pre-promotion analysis. */
  PRE_PROMOTION = 'prePromotion',
  /** Blue-green post-promotion analysis. */
  POST_PROMOTION = 'postPromotion',
  /** An analysis of an experiment step with a duration, which ends the analysis itself. */
  TIMED_EXPERIMENT = 'timedExperiment',
}
