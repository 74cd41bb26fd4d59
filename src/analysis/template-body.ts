// Internal: the spec shared by AnalysisTemplate and ClusterAnalysisTemplate (metrics, args,
// dry-run, measurement retention), with its validation. Not part of the public API.
import { IConstruct } from 'constructs';
import { AnalysisArgument, MeasurementRetention } from './analysis-run';
import { Metric } from './metric';
import { TemplateArgument } from './template-argument';
import { Problems } from '../private/problems';
import { cachedValidation } from '../private/synthesis-cache';
import type { AnalysisTemplateSpecJson } from '../private/wire';

export interface TemplateBodyProps {
  readonly metrics: Metric[];
  readonly args?: TemplateArgument[];
  readonly dryRunMetrics?: string[];
  readonly measurementRetention?: MeasurementRetention[];
}

const BODIES = new WeakMap<object, TemplateBody>();

export class TemplateBody {
  /** The body of a template defined in this program (undefined for imported templates). */
  public static of(template: object): TemplateBody | undefined {
    return BODIES.get(template);
  }

  private readonly metrics: Metric[] = [];
  private readonly args: TemplateArgument[];
  private readonly dryRunMetrics: string[];
  private readonly retention: MeasurementRetention[];

  constructor(private readonly owner: IConstruct, private readonly kind: string, props: TemplateBodyProps) {
    this.args = [...(props.args ?? [])];
    this.dryRunMetrics = [...(props.dryRunMetrics ?? [])];
    this.retention = [...(props.measurementRetention ?? [])];
    BODIES.set(owner, this);
    const all = new Problems(owner);
    const problems = all.within(kind);
    const seen = new Set<string>();
    for (const arg of this.args) {
      arg._addProblemsTo(problems);
      if (seen.has(arg.name)) problems.add('an argument is declared twice', arg.name, 'declare each argument once');
      seen.add(arg.name);
    }
    for (const name of this.dryRunMetrics) {
      if (!name) problems.add('dryRunMetrics has an empty metric name', name, 'give a metric name or a regular expression such as ".*"');
    }
    for (const name of duplicates(this.dryRunMetrics)) {
      problems.add(`dryRunMetrics names "${name}" twice (the controller fails the AnalysisRun: two Dry-Run metric rules have the same name)`, this.dryRunMetrics, 'give each metric once');
    }
    for (const name of duplicates(this.retention.map(r => r.metricName))) {
      problems.add(`measurementRetention is given twice for metric "${name}" (the controller fails the AnalysisRun: two Measurement Retention metric rules have the same name)`, this.retention,
        'give each metric\'s retention once');
    }
    for (const r of this.retention) {
      if (!r.metricName) problems.add('measurementRetention has an empty metricName', r.metricName, 'give a metric name or ".*"');
      if (!Number.isInteger(r.limit) || r.limit < 1) {
        problems.add(`measurementRetention for "${r.metricName}" has a limit below 1 or not whole`, r.limit, 'give a whole number >= 1');
      }
    }
    // every problem of every metric at once: one bad metric must not hide the others
    for (const metric of props.metrics ?? []) {
      const metricProblems = new Problems(owner);
      this.addMetricProblems(metric, metricProblems);
      problems.addAll(metricProblems.messages);
      if (metricProblems.isEmpty) this.metrics.push(metric);
    }
    all.throwIfAny();
    owner.node.addValidation(cachedValidation(() => this.validate()));
  }

  public addMetric(metric: Metric): void {
    const all = new Problems(this.owner);
    this.addMetricProblems(metric, all.within(this.kind));
    all.throwIfAny();
    this.metrics.push(metric);
  }

  private addMetricProblems(metric: Metric, problems: Problems): void {
    metric._addProblemsTo(problems.within(`metric "${metric.name}"`));
    if (this.metrics.some(m => m.name === metric.name)) {
      problems.add('two metrics share a name', metric.name, 'give each metric of a template a unique name');
    }
    const declared = new Set(this.args.map(a => a.name));
    for (const ref of metric.argumentReferences) {
      if (!declared.has(ref)) {
        problems.add(`metric "${metric.name}" uses {{args.${ref}}} but the ${this.kind} declares no argument "${ref}"`, [...declared],
          `add TemplateArgument.required('${ref}') (or withDefault/fromSecret) to its args`);
      }
    }
  }

  public get requiredArgs(): string[] {
    return this.args.filter(a => a.isRequired).map(a => a.name);
  }

  public get indefiniteMetrics(): string[] {
    return this.metrics.filter(m => m.indefinite).map(m => m.name);
  }

  /** Argument values a canary's background analysis passes: `0` for every count argument. */
  public get backgroundArguments(): AnalysisArgument[] {
    const names = [...new Set(this.metrics.map(m => m._countArgument).filter((a): a is string => a !== undefined))];
    return names.map(name => AnalysisArgument.value(name, '0'));
  }

  public get metricNames(): string[] {
    return this.metrics.map(m => m.name);
  }

  /** Names of the dry-run metric rules. */
  public get dryRunNames(): string[] {
    return [...this.dryRunMetrics];
  }

  /** Metric names of the measurement-retention rules. */
  public get retentionNames(): string[] {
    return this.retention.map(r => r.metricName);
  }

  /** Literal values (defaults) of the declared arguments. */
  public get argumentValues(): Map<string, string> {
    const values = new Map<string, string>();
    for (const arg of this.args) if (arg._value !== undefined) values.set(arg.name, arg._value);
    return values;
  }

  public toKube(): AnalysisTemplateSpecJson {
    return {
      args: this.args.length > 0 ? this.args.map(a => a._toKube()) : undefined,
      metrics: this.metrics.map(m => m._toKube()),
      dryRun: this.dryRunMetrics.length > 0 ? this.dryRunMetrics.map(metricName => ({ metricName })) : undefined,
      measurementRetention: this.retention.length > 0
        ? this.retention.map(r => ({ metricName: r.metricName, limit: r.limit }))
        : undefined,
    };
  }

  private validate(): string[] {
    if (this.metrics.length === 0) {
      return [`${this.kind} has no metrics; got 0; pass metrics in its props or call addMetric()`];
    }
    return [];
  }

}

/** The values that occur more than once, in order of their second occurrence. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const v of values) {
    if (seen.has(v) && !twice.includes(v)) twice.push(v);
    seen.add(v);
  }
  return twice;
}
