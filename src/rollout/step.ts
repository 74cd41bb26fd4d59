import { Duration } from 'cdk8s';
import { ExperimentStepOptions } from './experiment';
import { AnalysisRunOptions } from '../analysis/analysis-run';
import { renderAnalysisRun } from '../analysis/analysis-run-render';
import type { RolloutSpecStrategyCanarySteps, RolloutSpecStrategyCanaryStepsExperiment, RolloutSpecStrategyCanaryStepsSetHeaderRouteMatch, RolloutSpecStrategyCanaryStepsSetHeaderRouteMatchHeaderValue } from '../imports/rollout-argoproj.io';
import { describeDuration } from '../private/duration';
import { renderDuration, sortedMap } from '../private/render';
import type { Wire } from '../private/wire';

/** How a `StringMatch` compares a value. */
export enum StringMatchType {
  /** The whole value equals. */
  EXACT = 'exact',
  /** The value starts with. */
  PREFIX = 'prefix',
  /** The value matches an RE2 regular expression. */
  REGEX = 'regex',
}

/**
 * A match on a string value (a header, HTTP method or path) in a header or mirror route.
 */
export class StringMatch {
  /** The value equals `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch(StringMatchType.EXACT, value);
  }

  /** The value starts with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch(StringMatchType.PREFIX, value);
  }

  /** The value matches the RE2 regular expression `value`. */
  public static regex(value: string): StringMatch {
    return new StringMatch(StringMatchType.REGEX, value);
  }

  private constructor(public readonly type: StringMatchType, public readonly value: string) {}

  /** A readable form for error messages, e.g. `prefix "v2"`. */
  public toString(): string {
    return `${this.type} ${JSON.stringify(this.value)}`;
  }

  /** @internal */
  public _toKube(): Wire<RolloutSpecStrategyCanaryStepsSetHeaderRouteMatchHeaderValue> {
    return { [this.type]: this.value };
  }
}

/**
 * A match on one request header, for `Step.setHeaderRoute`.
 *
 * Istio ORs the matches of a header route; the ALB ANDs matches on different header names and
 * ORs the values given for the same header name. The ALB compares exact values only.
 */
export class HeaderMatch {
  /** The header equals `value`. */
  public static exact(header: string, value: string): HeaderMatch {
    return new HeaderMatch(header, StringMatch.exact(value));
  }

  /** The header starts with `value` (Istio only). */
  public static prefix(header: string, value: string): HeaderMatch {
    return new HeaderMatch(header, StringMatch.prefix(value));
  }

  /** The header matches the RE2 regular expression `value` (Istio only). */
  public static regex(header: string, value: string): HeaderMatch {
    return new HeaderMatch(header, StringMatch.regex(value));
  }

  private constructor(public readonly header: string, public readonly match: StringMatch) {}

  /** @internal */
  public _toKube(): Wire<RolloutSpecStrategyCanaryStepsSetHeaderRouteMatch> {
    return { headerName: this.header, headerValue: this.match._toKube() };
  }
}

/**
 * One block of conditions for `Step.setMirrorRoute`: the conditions in a block are ANDed,
 * the blocks of a route are ORed.
 */
export interface MirrorMatch {
  /**
   * The HTTP method.
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * The request path (Istio `uri`).
   * @default - any path
   */
  readonly path?: StringMatch;

  /**
   * Request headers by name.
   * @default - any headers
   */
  readonly headers?: { [name: string]: StringMatch };
}

/** Options of `Step.setCanaryScale`: set exactly one. */
export interface SetCanaryScaleOptions {
  /**
   * Canary pods as a percentage (0-100) of `spec.replicas`.
   * @default - not set
   */
  readonly weight?: number;

  /**
   * An absolute number of canary pods.
   * @default - not set
   */
  readonly replicas?: number;

  /**
   * Go back to scaling the canary with its traffic weight (must be `true` when given).
   * @default - not set
   */
  readonly matchTrafficWeight?: boolean;
}

/** Options of `Step.setMirrorRoute`. */
export interface SetMirrorRouteOptions {
  /** Name of the route; it becomes a managed route of the Rollout. */
  readonly name: string;

  /**
   * Percentage (0-100) of the matching traffic to mirror to the canary.
   * @default 100
   */
  readonly percentage?: number;

  /** Which requests to mirror: blocks are ORed, conditions inside a block ANDed. */
  readonly matches: MirrorMatch[];
}

/** The kind of a canary step. */
export enum StepKind {
  /** `setWeight` */
  SET_WEIGHT = 'setWeight',
  /** `pause` */
  PAUSE = 'pause',
  /** `setCanaryScale` */
  SET_CANARY_SCALE = 'setCanaryScale',
  /** `setHeaderRoute` */
  SET_HEADER_ROUTE = 'setHeaderRoute',
  /** `setMirrorRoute` */
  SET_MIRROR_ROUTE = 'setMirrorRoute',
  /** `analysis` */
  ANALYSIS = 'analysis',
  /** `experiment` */
  EXPERIMENT = 'experiment',
  /** `plugin` */
  PLUGIN = 'plugin',
}

/**
 * One step of a canary strategy.
 *
 * @example
 * const steps = [
 *   Step.scaleCanary({ weight: 10 }),
 *   Step.setHeaderRoute('canary-header-route', [HeaderMatch.exact('version', '2')]),
 *   Step.pause(Duration.seconds(60)),
 *   Step.shiftTraffic(1),
 *   Step.pause(),
 *   Step.scaleCanary({ matchTrafficWeight: true }),
 *   Step.shiftTraffic(80),
 * ];
 */
export class Step {
  /**
   * Sends `weight` percent (0-100) of the traffic to the canary (`setWeight`). Without traffic
   * routing, scales the canary to that share of the pods. TypeScript also has `Step.setWeight`.
   */
  public static shiftTraffic(weight: number): Step {
    return new Step(StepKind.SET_WEIGHT, { weight });
  }

  /**
   * `setWeight`: same as `shiftTraffic`. TypeScript only (jsii reserves one-argument setXxx
   * names for Java setters).
   * @jsii ignore
   */
  public static setWeight(weight: number): Step {
    return Step.shiftTraffic(weight);
  }

  /**
   * Pauses the update: for `duration`, or until it is promoted when no duration is given.
   * Durations render in whole seconds, minutes or hours, which the controller parses.
   */
  public static pause(duration?: Duration): Step {
    return new Step(StepKind.PAUSE, { duration });
  }

  /**
   * Scales the canary independently of its traffic weight (`setCanaryScale`, needs traffic
   * routing). TypeScript also has `Step.setCanaryScale`.
   */
  public static scaleCanary(options: SetCanaryScaleOptions): Step {
    return new Step(StepKind.SET_CANARY_SCALE, { scale: options });
  }

  /**
   * `setCanaryScale`: same as `scaleCanary`. TypeScript only (jsii reserves one-argument
   * setXxx names for Java setters).
   * @jsii ignore
   */
  public static setCanaryScale(options: SetCanaryScaleOptions): Step {
    return Step.scaleCanary(options);
  }

  /**
   * Routes requests whose headers match to the canary, whatever the weight (ALB or Istio).
   * The route stays until `removeHeaderRoute(name)` or the end of the update.
   */
  public static setHeaderRoute(name: string, matches: HeaderMatch[]): Step {
    return new Step(StepKind.SET_HEADER_ROUTE, { routeName: name, headerMatches: matches });
  }

  /** Removes the header route `name`. */
  public static removeHeaderRoute(name: string): Step {
    return new Step(StepKind.SET_HEADER_ROUTE, { routeName: name });
  }

  /**
   * Mirrors (copies) matching requests to the canary (`setMirrorRoute`, Istio only).
   * TypeScript also has `Step.setMirrorRoute`.
   */
  public static mirrorTraffic(options: SetMirrorRouteOptions): Step {
    return new Step(StepKind.SET_MIRROR_ROUTE, {
      routeName: options.name, mirrorMatches: options.matches, percentage: options.percentage,
    });
  }

  /**
   * `setMirrorRoute`: same as `mirrorTraffic`. TypeScript only (jsii reserves one-argument
   * setXxx names for Java setters).
   * @jsii ignore
   */
  public static setMirrorRoute(options: SetMirrorRouteOptions): Step {
    return Step.mirrorTraffic(options);
  }

  /** Removes the mirror route `name`. */
  public static removeMirrorRoute(name: string): Step {
    return new Step(StepKind.SET_MIRROR_ROUTE, { routeName: name });
  }

  /**
   * Runs an analysis and waits for its result: success continues, failure aborts the update.
   */
  public static analysis(options: AnalysisRunOptions): Step {
    return new Step(StepKind.ANALYSIS, { analysis: options });
  }

  /** Runs an experiment (ReplicaSets of the canary and/or stable template, with analyses). */
  public static experiment(options: ExperimentStepOptions): Step {
    return new Step(StepKind.EXPERIMENT, { experiment: options });
  }

  /** Runs a step plugin installed in the controller with its configuration. */
  public static plugin(name: string, config: { [key: string]: any }): Step {
    return new Step(StepKind.PLUGIN, { pluginName: name, pluginConfig: config });
  }

  private constructor(public readonly kind: StepKind, private readonly config: StepConfig) {}

  /** Percentage of traffic, for `setWeight` steps. */
  public get weight(): number | undefined {
    return this.config.weight;
  }

  /** Pause duration, for timed `pause` steps. */
  public get duration(): Duration | undefined {
    return this.config.duration;
  }

  /** Scale options, for `setCanaryScale` steps. */
  public get canaryScale(): SetCanaryScaleOptions | undefined {
    return this.config.scale;
  }

  /** Route name, for header and mirror route steps. */
  public get routeName(): string | undefined {
    return this.config.routeName;
  }

  /** Header matches, for `setHeaderRoute` steps (undefined when the step removes the route). */
  public get headerMatches(): HeaderMatch[] | undefined {
    return this.config.headerMatches;
  }

  /** Match blocks, for `setMirrorRoute` steps (undefined when the step removes the route). */
  public get mirrorMatches(): MirrorMatch[] | undefined {
    return this.config.mirrorMatches;
  }

  /** Mirrored percentage, for `setMirrorRoute` steps. */
  public get mirrorPercentage(): number | undefined {
    return this.config.percentage;
  }

  /** Analysis options, for `analysis` steps. */
  public get analysisOptions(): AnalysisRunOptions | undefined {
    return this.config.analysis;
  }

  /** Name of the step plugin, for `plugin` steps. */
  public get pluginName(): string | undefined {
    return this.config.pluginName;
  }

  /** Experiment options, for `experiment` steps. */
  public get experimentOptions(): ExperimentStepOptions | undefined {
    return this.config.experiment;
  }

  /** Whether this step removes a header or mirror route. */
  public get removesRoute(): boolean {
    return (this.kind === StepKind.SET_HEADER_ROUTE && this.config.headerMatches === undefined)
      || (this.kind === StepKind.SET_MIRROR_ROUTE && this.config.mirrorMatches === undefined);
  }

  /** A short description for error messages, e.g. `setHeaderRoute "beta"`. */
  public toString(): string {
    switch (this.kind) {
      case StepKind.SET_WEIGHT: return `setWeight ${this.config.weight}`;
      // toString() names the step in validation errors, so it must not throw on a fractional duration
      case StepKind.PAUSE: return this.config.duration ? `pause ${describeDuration(this.config.duration)}` : 'pause';
      case StepKind.SET_HEADER_ROUTE:
      case StepKind.SET_MIRROR_ROUTE: return `${this.removesRoute ? 'remove' : 'set'}${this.kind === StepKind.SET_HEADER_ROUTE ? 'HeaderRoute' : 'MirrorRoute'} "${this.config.routeName}"`;
      case StepKind.PLUGIN: return `plugin "${this.config.pluginName}"`;
      default: return this.kind;
    }
  }

  /** @internal */
  public _toKube(): Wire<RolloutSpecStrategyCanarySteps> {
    const c = this.config;
    switch (this.kind) {
      case StepKind.SET_WEIGHT: return { setWeight: c.weight };
      case StepKind.PAUSE: return { pause: c.duration ? { duration: renderDuration(c.duration) } : {} };
      case StepKind.SET_CANARY_SCALE: return {
        setCanaryScale: {
          weight: c.scale!.weight,
          replicas: c.scale!.replicas,
          matchTrafficWeight: c.scale!.matchTrafficWeight,
        },
      };
      case StepKind.SET_HEADER_ROUTE: return {
        setHeaderRoute: { name: c.routeName!, match: c.headerMatches?.map(m => m._toKube()) },
      };
      case StepKind.SET_MIRROR_ROUTE: return {
        setMirrorRoute: {
          name: c.routeName!,
          percentage: c.percentage,
          match: c.mirrorMatches?.map(m => ({
            method: m.method?._toKube(),
            path: m.path?._toKube(),
            headers: m.headers ? sortedMap(m.headers, v => v._toKube()) : undefined,
          })),
        },
      };
      case StepKind.ANALYSIS: return { analysis: renderAnalysisRun(c.analysis!) };
      case StepKind.EXPERIMENT: return { experiment: renderExperimentStep(c.experiment!) };
      case StepKind.PLUGIN: return { plugin: { name: c.pluginName!, config: c.pluginConfig } };
    }
  }
}

interface StepConfig {
  readonly weight?: number;
  readonly duration?: Duration;
  readonly scale?: SetCanaryScaleOptions;
  readonly routeName?: string;
  readonly headerMatches?: HeaderMatch[];
  readonly mirrorMatches?: MirrorMatch[];
  readonly percentage?: number;
  readonly analysis?: AnalysisRunOptions;
  readonly experiment?: ExperimentStepOptions;
  readonly pluginName?: string;
  readonly pluginConfig?: { [key: string]: any };
}

/** Renders an experiment step. */
function renderExperimentStep(options: ExperimentStepOptions): Wire<RolloutSpecStrategyCanaryStepsExperiment> {
  return {
    duration: options.duration ? renderDuration(options.duration) : undefined,
    templates: options.templates.map(t => ({
      name: t.name,
      specRef: t.specRef,
      replicas: t.replicas,
      weight: t.weight,
      service: t.serviceName ? { name: t.serviceName } : undefined,
    })),
    analyses: options.analyses?.map(a => ({
      name: a.name,
      templateName: a.template.templateName,
      clusterScope: a.template.clusterScope || undefined,
      args: a.args?.map(arg => arg._toKube()),
      requiredForCompletion: a.requiredForCompletion,
    })),
  };
}
