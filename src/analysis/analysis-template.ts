import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AnalysisArgument, IAnalysisTemplate, MeasurementRetention } from './analysis-run';
import { Metric } from './metric';
import { TemplateArgument } from './template-argument';
import { TemplateBody } from './template-body';
import type { AnalysisTemplate as AnalysisTemplateL1 } from '../imports/analysistemplate-argoproj.io';
import { isDns1123Subdomain, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { fail } from '../private/problems';
import type { AnalysisTemplateSpecJson } from '../private/wire';


/** Props of an `AnalysisTemplate` or `ClusterAnalysisTemplate`. */
export interface AnalysisTemplateProps {
  /**
   * `metadata.name` of the template; analyses refer to it by this name.
   * @default - derived from the construct id: lower case, words joined by '-', no hash
   */
  readonly name?: string;

  /**
   * The metrics. A template needs at least one, here or through `addMetric()`.
   */
  readonly metrics: Metric[];

  /**
   * Arguments the metrics read as `{{args.<name>}}`.
   * @default - none
   */
  readonly args?: TemplateArgument[];

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
   * Labels of the template object.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the template object.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** What is known about a template referenced by name (defined outside this app). */
export interface AnalysisTemplateReferenceOptions {
  /**
   * Its arguments without a value, so every analysis that runs it is checked for them at synth.
   * @default - none known (no check)
   */
  readonly requiredArgs?: string[];

  /**
   * Its metrics with an interval and no count, so a step or promotion analysis that runs it
   * (which would never complete) fails at synth.
   * @default - none known (no check)
   */
  readonly indefiniteMetrics?: string[];
}

/** The `apiVersion` of both generated L1s (`AnalysisTemplate.GVK`, `ClusterAnalysisTemplate.GVK`). */
const API_VERSION: typeof AnalysisTemplateL1.GVK.apiVersion = 'argoproj.io/v1alpha1';

/**
 * What `AnalysisTemplate` and `ClusterAnalysisTemplate` share: the metrics, the arguments and
 * the object. The two kinds have the same spec; only their scope differs.
 */
export abstract class AnalysisTemplateBase extends Construct implements IAnalysisTemplate {
  /** `metadata.name` of the template. */
  public readonly templateName: string;

  /** Whether the template is cluster-scoped (a `ClusterAnalysisTemplate`). */
  public readonly clusterScope: boolean;

  /** The construct that defines the template (this). */
  public readonly definedBy?: IConstruct;

  /** The underlying `argoproj.io/v1alpha1` object. */
  public readonly apiObject: ApiObject;

  private readonly body: TemplateBody;

  /**
   * @param clusterScope true for a `ClusterAnalysisTemplate`, false for an `AnalysisTemplate`
   */
  protected constructor(scope: Construct, id: string, props: AnalysisTemplateProps, clusterScope: boolean) {
    super(scope, id);
    this.clusterScope = clusterScope;
    const kind = this.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    this.templateName = resolveName(this, props.name);
    this.definedBy = this;
    this.body = new TemplateBody(this, `${kind} "${this.templateName}"`, props);
    // A plain ApiObject, not the L1: a Job metric's pod spec is Kubernetes JSON from cdk8s-plus,
    // which the L1's toJson_*Spec would re-convert and lose (as in a Rollout).
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: API_VERSION,
      kind,
      metadata: { name: this.templateName, labels: props.labels, annotations: props.annotations },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    applyPatchesLast(this.apiObject);
    if (this.clusterScope && this.apiObject.metadata.namespace !== undefined) {
      // cdk8s gives every object its chart's namespace; a cluster-scoped object has none.
      this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    registerObject(this, this.apiObject);
  }

  /** Template arguments without a value that every analysis must supply. */
  public get requiredArgs(): string[] {
    return this.body.requiredArgs;
  }

  /** Metrics with an interval and no count (they run until the analysis stops). */
  public get indefiniteMetrics(): string[] {
    return this.body.indefiniteMetrics;
  }

  /** Names of the template's metrics, in order. */
  public get metricNames(): string[] {
    return this.body.metricNames;
  }

  /**
   * Argument values a canary's background analysis passes: `0` for every metric whose count is
   * read from an argument (the built-in templates), so it measures until the update ends.
   */
  public get backgroundArguments(): AnalysisArgument[] | undefined {
    return this.body.backgroundArguments;
  }

  /** Adds a metric; throws if it is invalid or its name is taken. */
  public addMetric(metric: Metric): void {
    this.body.addMetric(metric);
  }

  /** @internal */
  public _toKube(): AnalysisTemplateSpecJson {
    return this.body.toKube();
  }
}

/**
 * A namespaced Argo Rollouts `AnalysisTemplate`: metrics that an analysis step, background
 * analysis or blue-green promotion analysis of a Rollout in the same namespace can run.
 */
export class AnalysisTemplate extends AnalysisTemplateBase {
  /**
   * An `AnalysisTemplate` that already exists in the cluster (another app, a platform chart,
   * Helm), referenced by name. Nothing is emitted; the template is taken to live in the
   * namespace of `scope`'s chart, so a Rollout in another namespace fails at synth.
   * @param scope a construct in the chart (namespace) the template lives in
   * @param id the id of the reference construct
   * @param templateName the template's `metadata.name`
   * @param options its required arguments and indefinite metrics, if known
   */
  public static fromTemplateName(scope: Construct, id: string, templateName: string,
    options: AnalysisTemplateReferenceOptions = {}): IAnalysisTemplate {
    return new ImportedAnalysisTemplate(scope, id, templateName, options);
  }

  public constructor(scope: Construct, id: string, props: AnalysisTemplateProps) {
    super(scope, id, props, false);
  }
}

/**
 * A cluster-scoped Argo Rollouts `ClusterAnalysisTemplate`: metrics that Rollouts in any namespace
 * can run. The object carries no namespace even when its chart has one.
 */
export class ClusterAnalysisTemplate extends AnalysisTemplateBase {
  /**
   * A `ClusterAnalysisTemplate` defined elsewhere (another app, a platform chart, Helm).
   * @param templateName its `metadata.name`
   * @param requiredArgs its arguments without a value, if known, so analyses that run it are
   * checked for them
   */
  public static fromTemplateName(templateName: string, requiredArgs?: string[]): IAnalysisTemplate {
    if (!isDns1123Subdomain(templateName)) {
      fail('ClusterAnalysisTemplate.fromTemplateName', 'templateName is not a valid object name', templateName, OBJECT_NAME_FIX);
    }
    return new ImportedClusterAnalysisTemplate(templateName, [...(requiredArgs ?? [])]);
  }

  public constructor(scope: Construct, id: string, props: AnalysisTemplateProps) {
    super(scope, id, props, true);
  }
}

/**
 * A namespaced AnalysisTemplate defined outside this app: a construct without objects, so the
 * Rollout's checks can read its namespace from its chart.
 */
class ImportedAnalysisTemplate extends Construct implements IAnalysisTemplate {
  public readonly clusterScope = false;
  public readonly definedBy?: IConstruct;
  public readonly requiredArgs: string[];
  public readonly indefiniteMetrics: string[];
  constructor(scope: Construct, id: string, public readonly templateName: string, options: AnalysisTemplateReferenceOptions) {
    super(scope, id);
    if (!isDns1123Subdomain(templateName)) {
      fail(this, 'AnalysisTemplate.fromTemplateName: templateName is not a valid object name', templateName, `${OBJECT_NAME_FIX}, e.g. "smoke-test"`);
    }
    this.definedBy = this;
    this.requiredArgs = [...(options.requiredArgs ?? [])];
    this.indefiniteMetrics = [...(options.indefiniteMetrics ?? [])];
  }
}

/** A ClusterAnalysisTemplate defined outside this app. */
class ImportedClusterAnalysisTemplate implements IAnalysisTemplate {
  public readonly clusterScope = true;
  public readonly indefiniteMetrics: string[] = [];
  public readonly definedBy?: IConstruct = undefined;
  constructor(public readonly templateName: string, public readonly requiredArgs: string[]) {}
}

const OBJECT_NAME_FIX = "use lower-case letters, digits, '-' and '.' (at most 253 characters)";

/** The explicit name, validated, or the readable name of the construct id (`SuccessRate` → `success-rate`). */
function resolveName(scope: Construct, name: string | undefined): string {
  if (name === undefined) return readableName(scope);
  if (!isDns1123Subdomain(name)) fail(scope, 'analysis template name is not a valid object name', name, `${OBJECT_NAME_FIX}, e.g. "success-rate"`);
  return name;
}
