import { Duration } from 'cdk8s';
import { AnalysisArgument, IAnalysisTemplate } from '../analysis/analysis-run';

/** Which pod template an experiment ReplicaSet runs. */
export enum ExperimentSpecRef {
  /** The new (canary) pod template. */
  CANARY = 'canary',
  /** The stable pod template (a baseline). */
  STABLE = 'stable',
}

/** A ReplicaSet an experiment step runs. */
export interface ExperimentTemplate {
  /** Name of the template, unique in the step. */
  readonly name: string;

  /** Which pod template it runs. */
  readonly specRef: ExperimentSpecRef;

  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Percentage of traffic routed to this ReplicaSet (needs ALB, Istio or plugin traffic routing).
   * @default - no traffic
   */
  readonly weight?: number;

  /**
   * Name of the Service the controller creates for the ReplicaSet. With a `weight` the controller
   * always creates one (named after the ReplicaSet unless this is given), since ALB and Istio route
   * to a Service.
   * @default - a Service named after the experiment's ReplicaSet when `weight` is set, otherwise none
   */
  readonly serviceName?: string;
}

/** An analysis an experiment runs. */
export interface ExperimentAnalysis {
  /** Name of the analysis, unique in the step. */
  readonly name: string;

  /** The template it runs. */
  readonly template: IAnalysisTemplate;

  /**
   * Values for the template's arguments.
   * @default - none
   */
  readonly args?: AnalysisArgument[];

  /**
   * The experiment waits for this analysis to finish before it completes.
   * @default false
   */
  readonly requiredForCompletion?: boolean;
}

/** Options of `Step.experiment`. */
export interface ExperimentStepOptions {
  /** The ReplicaSets to run. */
  readonly templates: ExperimentTemplate[];

  /**
   * How long the experiment runs.
   * @default - until its analyses complete
   */
  readonly duration?: Duration;

  /**
   * Analyses to run against the experiment's pods.
   * @default - none
   */
  readonly analyses?: ExperimentAnalysis[];
}
