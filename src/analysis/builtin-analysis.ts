import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AnalysisArgument, PodTemplateHash } from './analysis-run';
import { AnalysisTemplate, AnalysisTemplateProps } from './analysis-template';
import { CloudWatchMetricStat, Metric, MetricOptions } from './metric';
import { SloRecordingRules } from './slo-recording-rules';
import { TemplateArgument } from './template-argument';
import { goDuration, secondsProblem } from '../private/duration';
import { fail, shown } from '../private/problems';

/** Measurement settings shared by the built-in templates. */
export interface BuiltinAnalysisOptions {
  /**
   * `metadata.name` of the template.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * Time between measurements.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Number of measurements in an analysis step or blue-green promotion analysis. The count is
   * rendered as the template argument `measurement-count` (default this value); a canary's
   * background analysis passes `0`, so there the metric measures every `interval` until the
   * update ends.
   * @default 5
   */
  readonly count?: number;

  /**
   * Failed measurements tolerated before the analysis fails.
   * @default 1
   */
  readonly failureLimit?: number;

  /**
   * Wait before the first measurement, e.g. to let the canary receive traffic.
   * @default - measure at once
   */
  readonly initialDelay?: Duration;
}

/** Where the Istio standard metrics are and which workload to measure. */
export interface IstioAnalysisProps extends BuiltinAnalysisOptions {
  /** Prometheus server URL that scrapes the Istio sidecars. */
  readonly prometheusAddress: string;

  /**
   * The Rollout's name: Istio reports pods of a Rollout's ReplicaSets as `destination_workload`
   * `<rollout>`. Becomes the template argument `workload` (default value; overridable).
   */
  readonly workload: string;

  /**
   * The Rollout's namespace (template argument `namespace`).
   * @default - the namespace of the chart
   */
  readonly namespace?: string;

  /**
   * Range of the `rate()` in the queries; at least four scrape intervals.
   * @default Duration.minutes(2)
   */
  readonly window?: Duration;

  /**
   * Prometheus label holding the pod name of the scraped sidecar (the Istio sample scrape
   * config and Prometheus Operator PodMonitors use `pod`).
   * @default 'pod'
   */
  readonly podLabel?: string;
}

/** Props of `BuiltinAnalysis.istioSuccessRate()`. */
export interface IstioSuccessRateProps extends IstioAnalysisProps {
  /**
   * Lowest acceptable share of non-5xx responses, between 0 and 1.
   * @default 0.99
   */
  readonly minSuccessRate?: number;
}

/** Props of `BuiltinAnalysis.istioLatency()`; give `p95`, `p99` or both. */
export interface IstioLatencyProps extends IstioAnalysisProps {
  /**
   * Highest acceptable 95th-percentile request duration (metric `latency-p95`).
   * @default - no p95 metric
   */
  readonly p95?: Duration;

  /**
   * Highest acceptable 99th-percentile request duration (metric `latency-p99`).
   * @default - no p99 metric
   */
  readonly p99?: Duration;
}

/** CloudWatch settings of the ALB templates. */
export interface AlbAnalysisProps extends BuiltinAnalysisOptions {
  /**
   * How far back each measurement reads CloudWatch.
   * @default Duration.minutes(5)
   */
  readonly lookback?: Duration;

  /**
   * CloudWatch aggregation period.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/** Props of `BuiltinAnalysis.albErrorRate()`. */
export interface AlbErrorRateProps extends AlbAnalysisProps {
  /**
   * Highest acceptable share of target 5xx responses per period, between 0 and 1.
   * @default 0.01
   */
  readonly maxErrorRate?: number;
}

/** Props of `BuiltinAnalysis.albResponseTime()`. */
export interface AlbResponseTimeProps extends AlbAnalysisProps {
  /** Highest acceptable target response time per period (whole milliseconds). */
  readonly maxResponseTime: Duration;

  /**
   * CloudWatch statistic of `TargetResponseTime`, e.g. `p95`, `p99`, `Average`.
   * @default 'p95'
   */
  readonly statistic?: string;
}

/** Props of `BuiltinAnalysis.sloBurnRate()`. */
export interface SloBurnRateProps extends BuiltinAnalysisOptions {
  /** Prometheus server URL that evaluates the recording rules. */
  readonly prometheusAddress: string;

  /** The recording rules holding the SLO's error ratio per window. */
  readonly rules: SloRecordingRules;

  /**
   * The SLO objective, between 0 and 1; the error budget is `1 - objective`.
   * @default 0.999
   */
  readonly objective?: number;

  /**
   * Burn rate that fails the check when both the 1h and the 5m window exceed it (2% of a 30-day
   * budget in one hour).
   * @default 14.4
   */
  readonly fastBurnRate?: number;

  /**
   * Burn rate that fails the check when both the 6h and the 30m window exceed it (5% of a 30-day
   * budget in six hours).
   * @default 6
   */
  readonly slowBurnRate?: number;
}

/** Name of the argument the Istio templates take the canary's pod-template hash from. */
const CANARY_HASH = 'canary-hash';
const ALB_LOAD_BALANCER = 'alb-load-balancer';
const ALB_TARGET_GROUP = 'alb-canary-target-group';

/**
 * Ready-made analysis templates, one line each. Every one is a normal `AnalysisTemplate` whose
 * count is the argument `measurement-count` (default `count`, 5): analysis steps and blue-green
 * analysis take that many measurements, and a canary's background analysis passes `0`, so it keeps
 * measuring until the update ends.
 */
export class BuiltinAnalysis {
  /**
   * The argument the Istio templates need: the pod-template hash of the newest ReplicaSet.
   */
  public static canaryHashArgument(): AnalysisArgument {
    return AnalysisArgument.podTemplateHash(CANARY_HASH, PodTemplateHash.LATEST);
  }

  /**
   * The arguments the ALB templates need, read from the Rollout's status: the load balancer
   * and the canary target group. The controller fills `status.alb` only when target-group
   * verification is on (`--aws-verify-target-group`).
   */
  public static albCanaryArguments(): AnalysisArgument[] {
    return [
      AnalysisArgument.fieldRef(ALB_LOAD_BALANCER, 'status.alb.loadBalancer.fullName'),
      AnalysisArgument.fieldRef(ALB_TARGET_GROUP, 'status.alb.canaryTargetGroup.fullName'),
    ];
  }

  /**
   * HTTP success rate of the canary pods from Istio's `istio_requests_total`, as reported by the
   * receiving sidecar. Metric `success-rate`:
   *
   * ```promql
   * sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",
   *   destination_workload="{{args.workload}}",pod=~"{{args.workload}}-{{args.canary-hash}}-.*",response_code!~"5.."}[2m]))
   * /
   * sum(rate(istio_requests_total{...same selector without response_code...}[2m]))
   * ```
   *
   * succeeds when `result[0] >= 0.99` (`minSuccessRate`). Canary pods are selected by the pod-name
   * prefix `<rollout>-<pod-template-hash>-`. Without traffic the query is empty and measurements
   * error (they do not pass). Supply `BuiltinAnalysis.canaryHashArgument()` in the analysis args.
   */
  public static istioSuccessRate(scope: Construct, id: string, props: IstioSuccessRateProps): AnalysisTemplate {
    const min = props.minSuccessRate ?? 0.99;
    checkRatio(scope, id, 'minSuccessRate', min);
    const sel = istioSelector(props);
    const window = promDuration(scope, id, 'window', props.window ?? Duration.minutes(2));
    const query = `sum(rate(istio_requests_total{${sel},response_code!~"5.."}[${window}]))\n/\nsum(rate(istio_requests_total{${sel}}[${window}]))`;
    return builtinTemplate(scope, id, props, {
      name: props.name,
      args: istioArgs(scope, props),
      metrics: [Metric.prometheus({
        ...measurement(props),
        name: 'success-rate',
        address: props.prometheusAddress,
        query,
        successCondition: `result[0] >= ${min}`,
      })],
    });
  }

  /**
   * Request-duration percentiles of the canary pods from Istio's
   * `istio_request_duration_milliseconds_bucket`. Metrics `latency-p95` and/or `latency-p99`:
   *
   * ```promql
   * histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",
   *   destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",
   *   pod=~"{{args.workload}}-{{args.canary-hash}}-.*"}[2m])))
   * ```
   *
   * succeeds when `result[0] <= <p95 in milliseconds>`. Supply `BuiltinAnalysis.canaryHashArgument()`.
   */
  public static istioLatency(scope: Construct, id: string, props: IstioLatencyProps): AnalysisTemplate {
    if (props.p95 === undefined && props.p99 === undefined) {
      fail(pathOf(scope, id), 'istioLatency needs a p95 or p99 threshold', shown('neither'), 'set p95: Duration.millis(300), for example');
    }
    const sel = istioSelector(props);
    const window = promDuration(scope, id, 'window', props.window ?? Duration.minutes(2));
    const metrics: Metric[] = [];
    const percentiles: Array<[string, number, Duration | undefined]> = [['p95', 0.95, props.p95], ['p99', 0.99, props.p99]];
    for (const [label, quantile, max] of percentiles) {
      if (max === undefined) continue;
      const ms = max.toMilliseconds({ integral: false });
      if (!Number.isInteger(ms) || ms <= 0) {
        fail(pathOf(scope, id), `istioLatency ${label} must be a whole number of milliseconds > 0`, shown(`${ms}ms`), `give e.g. ${label}: Duration.millis(300)`);
      }
      metrics.push(Metric.prometheus({
        ...measurement(props),
        name: `latency-${label}`,
        address: props.prometheusAddress,
        query: `histogram_quantile(${quantile}, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}[${window}])))`,
        successCondition: `result[0] <= ${ms}`,
      }));
    }
    return builtinTemplate(scope, id, props, { name: props.name, args: istioArgs(scope, props), metrics });
  }

  /**
   * Share of 5xx responses from the canary target group of an ALB, from CloudWatch
   * (`AWS/ApplicationELB`, no exporter needed). Metric `alb-5xx-rate` reads
   * `HTTPCode_Target_5XX_Count` and `RequestCount` (Sum per period, dimensions
   * `LoadBalancer=app/{{args.alb-load-balancer}}` and
   * `TargetGroup=targetgroup/{{args.alb-canary-target-group}}`) and computes
   * `FILL(errors, 0) / requests`; it succeeds when every period of the lookback has data and is
   * at most `maxErrorRate`:
   * `len(result[0].Values) > 0 and all(result[0].Values, {# <= 0.01})`.
   * Supply `BuiltinAnalysis.albCanaryArguments()` (needs target-group verification on) and give the
   * controller `cloudwatch:GetMetricData`.
   */
  public static albErrorRate(scope: Construct, id: string, props: AlbErrorRateProps = {}): AnalysisTemplate {
    const max = props.maxErrorRate ?? 0.01;
    checkRatio(scope, id, 'maxErrorRate', max);
    const period = props.period ?? Duration.minutes(1);
    return builtinTemplate(scope, id, props, {
      name: props.name,
      args: albArgs(),
      metrics: [Metric.cloudWatch({
        ...measurement(props),
        name: 'alb-5xx-rate',
        lookback: props.lookback ?? Duration.minutes(5),
        successCondition: `len(result[0].Values) > 0 and all(result[0].Values, {# <= ${max}})`,
        metricDataQueries: [
          { id: 'rate', expression: 'FILL(errors, 0) / requests', label: '5xx rate' },
          { id: 'errors', metricStat: albStat('HTTPCode_Target_5XX_Count', 'Sum', period), returnData: false },
          { id: 'requests', metricStat: albStat('RequestCount', 'Sum', period), returnData: false },
        ],
      })],
    });
  }

  /**
   * Target response time of the canary target group of an ALB, from CloudWatch
   * `AWS/ApplicationELB` `TargetResponseTime` (seconds; statistic `p95` by default, same
   * dimensions as `albErrorRate`). Metric `alb-response-time` succeeds when
   * `len(result[0].Values) > 0 and all(result[0].Values, {# <= <maxResponseTime in seconds>})`.
   * Supply `BuiltinAnalysis.albCanaryArguments()`.
   */
  public static albResponseTime(scope: Construct, id: string, props: AlbResponseTimeProps): AnalysisTemplate {
    const ms = props.maxResponseTime.toMilliseconds({ integral: false });
    if (!Number.isInteger(ms) || ms <= 0) {
      fail(pathOf(scope, id), 'albResponseTime maxResponseTime must be a whole number of milliseconds > 0', shown(`${ms}ms`), 'give e.g. maxResponseTime: Duration.millis(500)');
    }
    const period = props.period ?? Duration.minutes(1);
    return builtinTemplate(scope, id, props, {
      name: props.name,
      args: albArgs(),
      metrics: [Metric.cloudWatch({
        ...measurement(props),
        name: 'alb-response-time',
        lookback: props.lookback ?? Duration.minutes(5),
        successCondition: `len(result[0].Values) > 0 and all(result[0].Values, {# <= ${ms / 1000}})`,
        metricDataQueries: [
          { id: 'latency', metricStat: albStat('TargetResponseTime', props.statistic ?? 'p95', period) },
        ],
      })],
    });
  }

  /**
   * Multi-window, multi-burn-rate error-budget check of an SLO (Google SRE workbook, chapter 5),
   * from Sloth or Pyrra recording rules. With `E = 1 - objective`, the metric `slo-burn-rate`
   * query is
   *
   * ```promql
   *   ((max(<ratio 1h>) > bool (14.4 * E)) * (max(<ratio 5m>) > bool (14.4 * E)))
   * + ((max(<ratio 6h>) > bool (6 * E)) * (max(<ratio 30m>) > bool (6 * E)))
   * ```
   *
   * which is 0 while the budget burns slower than the thresholds; it fails on `result[0] > 0`.
   * Defaults fit a 30-day 99.9% SLO: 14.4 burns 2% of the budget in 1h, 6 burns 5% in 6h. A
   * missing recording rule makes the query empty, so measurements error rather than pass.
   * The SLO covers the whole service (stable and canary), so this suits background analysis.
   */
  public static sloBurnRate(scope: Construct, id: string, props: SloBurnRateProps): AnalysisTemplate {
    const objective = props.objective ?? 0.999;
    if (!(objective > 0 && objective < 1)) {
      fail(pathOf(scope, id), 'sloBurnRate objective must be between 0 and 1 (exclusive), e.g. 0.999', objective, 'give the SLO as a fraction, e.g. 0.999 for 99.9%');
    }
    const fast = props.fastBurnRate ?? 14.4;
    const slow = props.slowBurnRate ?? 6;
    for (const [what, v] of [['fastBurnRate', fast], ['slowBurnRate', slow]] as Array<[string, number]>) {
      if (!(v > 0) || v * (1 - objective) > 1) {
        fail(pathOf(scope, id), `sloBurnRate ${what} must be > 0 and at most 1 / (1 - objective) = ${1 / (1 - objective)}`, v, `lower ${what} or the objective`);
      }
    }
    const budget = `(1 - ${objective})`;
    const over = (window: string, rate: number) => `(max(${props.rules.errorRatio(window)}) > bool (${rate} * ${budget}))`;
    const query = `(${over('1h', fast)} * ${over('5m', fast)})\n+\n(${over('6h', slow)} * ${over('30m', slow)})`;
    return builtinTemplate(scope, id, props, {
      name: props.name,
      metrics: [Metric.prometheus({
        ...measurement(props),
        name: 'slo-burn-rate',
        address: props.prometheusAddress,
        query,
        successCondition: 'result[0] == 0',
        failureCondition: 'result[0] > 0',
      })],
    });
  }

  private constructor() {}
}

/** A built-in template: every metric reads its count from the `measurement-count` argument. */
function builtinTemplate(scope: Construct, id: string, props: BuiltinAnalysisOptions, templateProps: AnalysisTemplateProps): AnalysisTemplate {
  return new AnalysisTemplate(scope, id, {
    ...templateProps,
    args: [...(templateProps.args ?? []), countArgument(props)],
    metrics: templateProps.metrics.map(m => m._countFromArgument(MEASUREMENT_COUNT)),
  });
}

/** The argument the built-in templates read their count from (see `BuiltinAnalysisOptions.count`). */
const MEASUREMENT_COUNT = 'measurement-count';

function countArgument(props: BuiltinAnalysisOptions): TemplateArgument {
  return TemplateArgument.withDefault(MEASUREMENT_COUNT, String(props.count ?? 5));
}

function measurement(props: BuiltinAnalysisOptions): Omit<MetricOptions, 'name'> {
  return {
    interval: props.interval ?? Duration.minutes(1),
    count: props.count ?? 5,
    failureLimit: props.failureLimit ?? 1,
    initialDelay: props.initialDelay,
  };
}

function istioSelector(props: IstioAnalysisProps): string {
  const pod = props.podLabel ?? 'pod';
  return [
    'reporter="destination"',
    'destination_workload_namespace="{{args.namespace}}"',
    'destination_workload="{{args.workload}}"',
    `${pod}=~"{{args.workload}}-{{args.${CANARY_HASH}}}-.*"`,
  ].join(',');
}

function istioArgs(scope: Construct, props: IstioAnalysisProps): TemplateArgument[] {
  const namespace = props.namespace ?? Chart.of(scope).namespace;
  if (!namespace) {
    fail(scope, "the Istio templates need the Rollout's namespace; the chart has none", 'pass namespace');
  }
  return [
    TemplateArgument.withDefault('workload', props.workload),
    TemplateArgument.withDefault('namespace', namespace),
    TemplateArgument.required(CANARY_HASH),
  ];
}

function albArgs(): TemplateArgument[] {
  return [TemplateArgument.required(ALB_LOAD_BALANCER), TemplateArgument.required(ALB_TARGET_GROUP)];
}

function albStat(metricName: string, stat: string, period: Duration): CloudWatchMetricStat {
  return {
    namespace: 'AWS/ApplicationELB',
    metricName,
    // status.alb.loadBalancer.fullName lacks the "app/" and canaryTargetGroup.fullName the
    // "targetgroup/" that CloudWatch dimensions carry.
    dimensions: {
      LoadBalancer: `app/{{args.${ALB_LOAD_BALANCER}}}`,
      TargetGroup: `targetgroup/{{args.${ALB_TARGET_GROUP}}}`,
    },
    period,
    stat,
  };
}

function checkRatio(scope: Construct, id: string, what: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    fail(pathOf(scope, id), `${what} must be between 0 and 1, e.g. 0.99`, value, `give ${what} as a fraction, e.g. 0.99 for 99%`);
  }
}

function promDuration(scope: Construct, id: string, what: string, d: Duration): string {
  const problem = secondsProblem(what, d, 1);
  if (problem) fail(pathOf(scope, id), problem.what, problem.value, problem.fix);
  return goDuration(d.toMilliseconds({ integral: false }) / 1000);
}

function pathOf(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}
