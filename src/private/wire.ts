// Internal: the generated L1 types as the YAML carries them, for objects rendered without the
// L1's `toJson_*` converter.
import type * as kplus from 'cdk8s-plus-28';
import type {
  AnalysisTemplateSpec, AnalysisTemplateSpecMetrics, AnalysisTemplateSpecMetricsProvider, AnalysisTemplateSpecMetricsProviderJob,
  AnalysisTemplateSpecMetricsProviderJobSpec, AnalysisTemplateSpecMetricsProviderJobSpecTemplate,
} from '../imports/analysistemplate-argoproj.io';
import type { RolloutSpec, RolloutSpecTemplateMetadata } from '../imports/rollout-argoproj.io';

/**
 * A generated L1 type as written to the YAML. The generated types hold an int-or-string or a
 * quantity in a class (`RolloutSpecStrategyCanaryMaxSurge.fromNumber(1)`, a `value` holder) and
 * a time as a `Date`, which their `toJson_*` converters unwrap; JSON rendered without the
 * converter carries the value itself. Every other field keeps the L1's type, so the compiler
 * checks the names and shapes we emit against the CRD schema.
 */
export type Wire<T> =
  0 extends (1 & T) ? T // `any` (free-form fields such as plugin configuration) stays as it is
    : T extends Date ? string
      : T extends string ? `${T}` // a generated enum: its values
        : T extends number | boolean ? T
          : T extends ReadonlyArray<infer E> ? Wire<E>[]
            : T extends { readonly value: infer V } & object
              ? ([Exclude<keyof T, 'value'>] extends [never] ? V : { [K in keyof T]: Wire<T[K]> })
              : T extends object ? { [K in keyof T]: Wire<T[K]> }
                : T;

/**
 * The Rollout spec as written: the pod template's spec is the Kubernetes JSON cdk8s-plus renders
 * from its typed `k8s.PodSpec` (the L1's own pod types spell some fields differently).
 */
export type RolloutSpecJson = Omit<Wire<RolloutSpec>, 'template'> & {
  readonly template?: {
    readonly metadata?: Wire<RolloutSpecTemplateMetadata>;
    readonly spec?: PodSpecJson;
  };
};

/** A pod spec as Kubernetes JSON, rendered by cdk8s-plus' `k8s.toJson_PodSpec`. */
export type PodSpecJson = NonNullable<ReturnType<typeof kplus.k8s.toJson_PodSpec>>;

/** `T` with its field `K` of type `V` instead. */
type With<T, K extends keyof T, V> = Omit<T, K> & { readonly [P in K]?: V };

/** An analysis template's spec as written (both template kinds share the schema). */
export type AnalysisTemplateSpecJson = With<Wire<AnalysisTemplateSpec>, 'metrics', MetricJson[]>;

/** A metric as written: a Job metric's pod spec is Kubernetes JSON from cdk8s-plus, as in a Rollout. */
export type MetricJson = With<Wire<AnalysisTemplateSpecMetrics>, 'provider', MetricProviderJson>;

/** A metric provider as written. */
export type MetricProviderJson = With<Wire<AnalysisTemplateSpecMetricsProvider>, 'job', JobJson>;

type JobJson = With<Wire<AnalysisTemplateSpecMetricsProviderJob>, 'spec',
  With<Wire<AnalysisTemplateSpecMetricsProviderJobSpec>, 'template',
    With<Wire<AnalysisTemplateSpecMetricsProviderJobSpecTemplate>, 'spec', PodSpecJson>>>;
