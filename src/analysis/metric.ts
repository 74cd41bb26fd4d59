import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MetricAuthentication } from './metric-authentication';
import type * as l1 from '../imports/analysistemplate-argoproj.io';
import { goDuration, secondsProblem, wholeSeconds } from '../private/duration';
import { analysisTemplateL1 } from '../private/l1-modules';
import { isDns1123Subdomain } from '../private/names';
import { Problems, shown } from '../private/problems';
import type { MetricJson, MetricProviderJson, Wire } from '../private/wire';

/**
 * What every metric has, whatever its provider.
 */
export interface MetricOptions {
  /** Metric name, unique within a template. */
  readonly name: string;

  /**
   * Expression that marks a measurement successful, e.g. `result[0] >= 0.99`.
   * @default - a measurement is successful unless `failureCondition` matches
   */
  readonly successCondition?: string;

  /**
   * Expression that marks a measurement failed, e.g. `result[0] > 0.01`.
   * @default - a measurement fails when `successCondition` does not match
   */
  readonly failureCondition?: string;

  /**
   * Time between measurements. Rendered as a Go duration (`30s`, `5m`, `1h`); whole seconds only.
   * Required when `count` is more than 1. With an interval and no `count` the metric runs until
   * the analysis is stopped, which only background analysis does.
   * @default - a single measurement
   */
  readonly interval?: Duration;

  /**
   * How long to wait before the first measurement; whole seconds only.
   * @default - measure at once
   */
  readonly initialDelay?: Duration;

  /**
   * Number of measurements.
   * @default - 1 without an interval; runs indefinitely with an interval
   */
  readonly count?: number;

  /**
   * Failed measurements allowed before the metric fails; -1 disables the limit (then
   * `consecutiveSuccessLimit` must be set).
   * @default 0 - the first failed measurement fails the metric
   */
  readonly failureLimit?: number;

  /**
   * Inconclusive measurements allowed before the metric is inconclusive.
   * @default 0
   */
  readonly inconclusiveLimit?: number;

  /**
   * Consecutive measurement errors (provider unreachable, query error) allowed before the metric
   * errors.
   * @default 4 - the controller's default
   */
  readonly consecutiveErrorLimit?: number;

  /**
   * Consecutive successful measurements after which the metric succeeds early; 0 disables it.
   * @default 0 - disabled
   */
  readonly consecutiveSuccessLimit?: number;
}

/** A Prometheus range query: the controller evaluates `query` over a time range. */
export interface PrometheusRangeQuery {
  /** Start of the range, an expr-lang expression, e.g. `now() - duration("10m")`. */
  readonly start: string;

  /**
   * End of the range, an expr-lang expression.
   * @default 'now()'
   */
  readonly end?: string;

  /** Query resolution step; whole seconds, rendered as a Go duration. */
  readonly step: Duration;
}

/** A metric measured with a Prometheus query. */
export interface PrometheusMetricProps extends MetricOptions {
  /** Prometheus server URL, e.g. `http://prometheus.monitoring:9090`. */
  readonly address: string;

  /** The PromQL query; it may read template arguments as `{{args.<name>}}`. */
  readonly query: string;

  /**
   * Query timeout; whole seconds (the provider field is an integer number of seconds).
   * @default - the provider's default
   */
  readonly timeout?: Duration;

  /**
   * HTTP headers sent with the query, e.g. `X-Scope-OrgID` for Mimir or Cortex.
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * Skip TLS verification of the server.
   * @default false
   */
  readonly insecure?: boolean;

  /**
   * How to authenticate to the server.
   * @default - no authentication
   */
  readonly authentication?: MetricAuthentication;

  /**
   * Evaluate the query over a range; the result is then a list, so conditions should use
   * `all(result, # < 1000)` rather than `result[0]`.
   * @default - an instant query
   */
  readonly rangeQuery?: PrometheusRangeQuery;
}

/** HTTP method of a web metric. */
export enum WebMethod {
  /** GET (no body). */
  GET = 'GET',
  /** POST. */
  POST = 'POST',
  /** PUT. */
  PUT = 'PUT',
}

/** A metric measured with an HTTP request whose JSON response is evaluated. */
export interface WebMetricProps extends MetricOptions {
  /** URL to call; it may read template arguments as `{{args.<name>}}`. */
  readonly url: string;

  /**
   * HTTP method.
   * @default WebMethod.GET
   */
  readonly method?: WebMethod;

  /**
   * HTTP headers.
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * Request body; only with POST or PUT.
   * @default - no body
   */
  readonly body?: string;

  /**
   * Kubernetes JSONPath selecting the result from the response, e.g. `{$.data.ok}`.
   * @default '{$}' - the whole response
   */
  readonly jsonPath?: string;

  /**
   * Request timeout; whole seconds.
   * @default - 10 seconds (the provider's default)
   */
  readonly timeout?: Duration;

  /**
   * Skip TLS verification.
   * @default false
   */
  readonly insecure?: boolean;

  /**
   * How to authenticate to the endpoint. The web provider supports only
   * `MetricAuthentication.oauth2()`; sigv4 and basic are rejected (the controller would ignore them).
   * @default - no authentication
   */
  readonly authentication?: MetricAuthentication;
}

/**
 * A metric measured by running a Kubernetes Job: the measurement succeeds when the Job completes
 * and fails when it fails. The pod is built with the cdk8s-plus-28 container model, so it gets
 * the same secure defaults as a cdk8s-plus workload (non-root, read-only root filesystem, no
 * privilege escalation, resource requests and limits, no service-account token).
 */
export interface JobMetricProps extends MetricOptions {
  /** The Job's containers (cdk8s-plus-28 container props). */
  readonly containers: kplus.ContainerProps[];

  /**
   * Retries of a failed pod before the Job fails. Analysis counts failures through
   * `failureLimit`, so the Job itself does not retry by default.
   * @default 0
   */
  readonly backoffLimit?: number;

  /**
   * Maximum run time of the Job; whole seconds.
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;

  /**
   * Time after which a finished Job is deleted; whole seconds.
   * @default - kept until the AnalysisRun is deleted
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * ServiceAccount the pod runs as.
   * @default - the namespace's default ServiceAccount
   */
  readonly serviceAccountName?: string;

  /**
   * Mount the ServiceAccount token into the pod.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Pod security context (cdk8s-plus-28 props).
   * @default - cdk8s-plus-28 defaults: runAsNonRoot, fsGroupChangePolicy Always
   */
  readonly securityContext?: kplus.PodSecurityContextProps;

  /**
   * Labels copied to the Job object.
   * @default - none
   */
  readonly jobLabels?: { [key: string]: string };

  /**
   * Annotations copied to the Job object.
   * @default - none
   */
  readonly jobAnnotations?: { [key: string]: string };

  /**
   * Labels on the Job's pods.
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Annotations on the Job's pods, e.g. `{ 'sidecar.istio.io/inject': 'false' }` in an Istio mesh,
   * where an injected sidecar keeps running after the check and the Job never completes.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
}

/** A CloudWatch metric to read in a `CloudWatchMetricDataQuery`. */
/** The Datadog API a metric queries. */
export enum DatadogApiVersion {
  /** `/api/v1/query`: one `query`, evaluated over `interval`. */
  V1 = 'v1',
  /** `/api/v2/query/scalar`: `query`, or several `queries` combined by a `formula`, reduced by an aggregator. */
  V2 = 'v2',
}

/** Props of a Datadog metric. The controller reads the API and application keys from a Secret. */
export interface DatadogMetricProps extends MetricOptions {
  /**
   * One query, e.g. `sum:requests.error.count{service:checkout}.as_count()`. Give `query` or
   * `queries`, not both.
   * @default - none; `queries` must be given
   */
  readonly query?: string;

  /**
   * Named queries combined by `formula` (v2 only), e.g. `{ errors: '...', total: '...' }`.
   * @default - none; `query` must be given
   */
  readonly queries?: { [name: string]: string };

  /**
   * How the named queries combine, e.g. `errors / total` (v2 only; needed with more than one query).
   * @default - none
   */
  readonly formula?: string;

  /**
   * The API version.
   * @default DatadogApiVersion.V2 when `queries` are given, else DatadogApiVersion.V1 (the controller's default)
   */
  readonly apiVersion?: DatadogApiVersion;

  /**
   * The time window each measurement covers (Datadog's `interval`).
   * @default Duration.minutes(5) (the controller's default)
   */
  readonly window?: Duration;

  /**
   * How v2 reduces the series to one value: avg, min, max, sum, last, percentile, mean, l2norm or area.
   * @default - the controller's default (last)
   */
  readonly aggregator?: string;

  /**
   * The Secret with `api-key` and `app-key` (and optionally `address`).
   * @default - the `datadog` Secret in the controller's namespace, or the controller's environment
   */
  readonly secretName?: string;

  /**
   * Whether `secretName` is in the Rollout's namespace rather than the controller's.
   * @default false
   */
  readonly secretInRolloutNamespace?: boolean;
}

/** Props of a New Relic metric (NRQL). The controller reads the account from a Secret. */
export interface NewRelicMetricProps extends MetricOptions {
  /** The NRQL query, e.g. `FROM Transaction SELECT percentage(count(*), WHERE error IS true) SINCE 5 minutes ago`. */
  readonly query: string;

  /**
   * The Secret with `personal-api-key` and `account-id` (and optionally `region`), in the
   * controller's namespace.
   * @default - the `newrelic` Secret
   */
  readonly profile?: string;

  /**
   * How long the NRQL query may run.
   * @default - New Relic's default (5 seconds)
   */
  readonly timeout?: Duration;
}

export interface CloudWatchMetricStat {
  /** Metric namespace, e.g. `AWS/ApplicationELB`. */
  readonly namespace: string;

  /** Metric name, e.g. `HTTPCode_Target_5XX_Count`. */
  readonly metricName: string;

  /**
   * Dimensions, e.g. `{ LoadBalancer: 'app/my-alb/0123', TargetGroup: 'targetgroup/tg/4567' }`.
   * @default - none
   */
  readonly dimensions?: { [name: string]: string };

  /** Aggregation period: 1, 5, 10, 30 seconds or a multiple of 60 seconds. */
  readonly period: Duration;

  /** Statistic, e.g. `Sum`, `Average`, `p99`. */
  readonly stat: string;

  /**
   * Unit filter, e.g. `Count`.
   * @default - any unit
   */
  readonly unit?: string;
}

/**
 * One query of a CloudWatch `GetMetricData` call: either a metric (`metricStat`) or a metric-math
 * `expression` over other queries' ids.
 */
export interface CloudWatchMetricDataQuery {
  /** Query id, starting with a lowercase letter; expressions refer to queries by it. */
  readonly id: string;

  /**
   * Metric-math expression, e.g. `errors / requests`.
   * @default - none; then `metricStat` is required
   */
  readonly expression?: string;

  /**
   * The metric to read.
   * @default - none; then `expression` is required
   */
  readonly metricStat?: CloudWatchMetricStat;

  /**
   * Label of the result.
   * @default - CloudWatch's default label
   */
  readonly label?: string;

  /**
   * Period of an expression's result.
   * @default - derived from the metrics it uses
   */
  readonly period?: Duration;

  /**
   * Whether the query's values are part of the result (`result[i]`). Set false for inputs of
   * an expression.
   * @default true
   */
  readonly returnData?: boolean;
}

/** A metric measured with CloudWatch `GetMetricData`. */
export interface CloudWatchMetricProps extends MetricOptions {
  /** The queries; the result is the list of queries with `returnData` true. */
  readonly metricDataQueries: CloudWatchMetricDataQuery[];

  /**
   * How far back each measurement reads (the provider's `interval` field); whole seconds.
   * @default - 5 minutes (the provider's default)
   */
  readonly lookback?: Duration;
}

const CLOUDWATCH_ID = /^[a-z][a-zA-Z0-9_]*$/;
const TAG = /\{\{([^}]*)\}\}/g;

/**
 * One metric of an analysis template. Create it with a static factory, one per provider, so a
 * metric always has exactly one provider.
 */
export class Metric {
  /** A Prometheus query. */
  public static prometheus(props: PrometheusMetricProps): Metric {
    const problems = new Problems();
    if (!props.address) {problems.add('prometheus address must not be empty', props.address, 'give the server URL, e.g. http://prometheus.monitoring:9090');} else if (!/^https?:\/\//.test(props.address) && !props.address.startsWith('{{')) {
      problems.add('prometheus address must be an http(s) URL', props.address, 'give the server URL, e.g. http://prometheus.monitoring:9090');
    }
    if (!props.query || props.query.trim() === '') problems.add('prometheus query must not be empty', props.query, 'give a PromQL query');
    const timeout = props.timeout ? seconds(props.timeout, 'prometheus timeout', 1, problems) : undefined;
    let rangeQuery: Wire<l1.AnalysisTemplateSpecMetricsProviderPrometheusRangeQuery> | undefined;
    if (props.rangeQuery) {
      const step = seconds(props.rangeQuery.step, 'prometheus rangeQuery step', 1, problems);
      if (!props.rangeQuery.start) problems.add('prometheus rangeQuery start must not be empty', props.rangeQuery.start, 'give the start of the range, e.g. "now() - duration(\'5m\')"');
      rangeQuery = { start: props.rangeQuery.start, end: props.rangeQuery.end ?? 'now()', step: step === undefined ? undefined : goDuration(step) };
    }
    if (props.authentication) props.authentication._addProblemsTo(problems);
    if (props.authentication?.method === 'sigv4' && props.address && !props.address.includes('aps-workspaces') && !props.address.includes('{{')) {
      problems.add('prometheus sigv4 authentication with an address which is not an Amazon Managed Service for Prometheus workspace: the v1.9.0 controller signs only addresses containing "aps-workspaces" and sends every other query unsigned',
        props.address, 'use the workspace URL (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/), or MetricAuthentication.oauth2() / an Authorization header for other servers');
    }
    if (props.authentication?.method === 'basic') {
      problems.add('prometheus basic authentication is not in the Argo Rollouts release this library targets (v1.9.0: its Prometheus provider has no basicAuth field, so the credentials would be dropped)',
        shown('MetricAuthentication.basic(...)'), 'use MetricAuthentication.oauth2() or sigv4(), or pass an Authorization header through headers');
    }
    const provider: MetricProviderJson = {
      prometheus: {
        address: props.address,
        query: props.query,
        timeout,
        headers: headerList(props.headers),
        insecure: props.insecure,
        authentication: props.authentication?._toKube(),
        rangeQuery,
      },
    };
    return new Metric(props, 'prometheus', () => provider, problems);
  }

  /** An HTTP request whose JSON response is evaluated. */
  public static web(props: WebMetricProps): Metric {
    const problems = new Problems();
    if (!props.url) {problems.add('web url must not be empty', props.url, 'give the http(s) URL to request');} else if (!/^https?:\/\//.test(props.url) && !props.url.startsWith('{{')) {
      problems.add('web url must be an http(s) URL', props.url, 'give a URL starting with http:// or https://');
    }
    const method = props.method ?? WebMethod.GET;
    if (props.body !== undefined && method === WebMethod.GET) {
      problems.add('web body is set but method is GET; the controller sends a body only with POST or PUT', shown('method GET'), 'set method: WebMethod.POST or WebMethod.PUT');
    }
    if (props.jsonPath !== undefined && !/^\{.+\}$/s.test(props.jsonPath)) {
      problems.add('web jsonPath must be a Kubernetes JSONPath in braces', props.jsonPath, 'write it in braces, e.g. "{$.data.ok}"');
    }
    const timeout = props.timeout ? seconds(props.timeout, 'web timeout', 1, problems) : undefined;
    if (props.authentication) props.authentication._addProblemsTo(problems);
    if (props.authentication && props.authentication.method !== 'oauth2') {
      problems.add(`web ${props.authentication.method} authentication is ignored by the controller: the v1.9.0 web provider reads only authentication.oauth2${props.authentication.method === 'basic' ? ' (and has no basicAuth field at all)' : ' (it never signs requests)'}, so the request would go out without credentials`,
        props.authentication.method, 'use MetricAuthentication.oauth2(), or pass an Authorization header through headers (with the secret from a template argument)');
    }
    const provider: MetricProviderJson = {
      web: {
        url: props.url,
        method: props.method,
        headers: headerList(props.headers),
        body: props.body,
        jsonPath: props.jsonPath,
        timeoutSeconds: timeout,
        insecure: props.insecure,
        authentication: props.authentication?._toKube(),
      },
    };
    return new Metric(props, 'web', () => provider, problems);
  }

  /** A Kubernetes Job; succeeds when the Job completes. */
  public static job(props: JobMetricProps): Metric {
    const problems = new Problems();
    if (!props.containers || props.containers.length === 0) {
      problems.add('job needs at least one container', shown('none'), 'add a container to containers');
    }
    const containers = (props.containers ?? []).map(c => new kplus.Container(c));
    const names = new Set<string>();
    for (const c of containers) {
      if (names.has(c.name)) problems.add('job has two containers with the same name', c.name, 'give each container a unique name');
      names.add(c.name);
    }
    const backoffLimit = props.backoffLimit ?? 0;
    if (!Number.isInteger(backoffLimit) || backoffLimit < 0) {
      problems.add('job backoffLimit must be a whole number >= 0', backoffLimit, 'give a whole number >= 0');
    }
    const activeDeadline = props.activeDeadline ? seconds(props.activeDeadline, 'job activeDeadline', 1, problems) : undefined;
    const ttl = props.ttlAfterFinished ? seconds(props.ttlAfterFinished, 'job ttlAfterFinished', 0, problems) : undefined;
    const volumeByName = new Map<string, kplus.Volume>();
    for (const mount of containers.flatMap(c => c.mounts)) {
      const existing = volumeByName.get(mount.volume.name);
      if (existing && existing !== mount.volume) problems.add('job has two different volumes with the same name', mount.volume.name, 'give each volume a unique name');
      volumeByName.set(mount.volume.name, mount.volume);
    }
    const securityContext = new kplus.PodSecurityContext(props.securityContext);
    const render = (): MetricProviderJson => {
      const volumes = new Map<string, kplus.Volume>();
      for (const c of containers) {
        for (const mount of c.mounts) {
          volumes.set(mount.volume.name, mount.volume);
        }
      }
      const metadata = (props.jobLabels || props.jobAnnotations)
        ? { labels: props.jobLabels, annotations: props.jobAnnotations }
        : undefined;
      // The cdk8s-plus-28 container and pod-security models render the pod; toJson_PodSpec turns
      // it into plain Kubernetes JSON (the generated L1 spells some pod fields differently).
      const podSpec = kplus.k8s.toJson_PodSpec({
        restartPolicy: 'Never',
        serviceAccountName: props.serviceAccountName,
        automountServiceAccountToken: props.automountServiceAccountToken ?? false,
        securityContext: securityContext._toKube(),
        containers: containers.map(c => c._toKube()),
        volumes: volumes.size > 0 ? [...volumes.values()].map(v => v._toKube()) : undefined,
      });
      return {
        job: {
          metadata,
          spec: {
            backoffLimit,
            activeDeadlineSeconds: activeDeadline,
            ttlSecondsAfterFinished: ttl,
            template: {
              metadata: (props.podLabels || props.podAnnotations) ? { labels: props.podLabels, annotations: props.podAnnotations } : undefined,
              spec: podSpec,
            },
          },
        },
      };
    };
    return new Metric(props, 'job', render, problems);
  }

  /** A Datadog query (v1) or queries combined by a formula (v2). */
  public static datadog(props: DatadogMetricProps): Metric {
    const problems = new Problems();
    const queries = props.queries ?? {};
    const names = Object.keys(queries);
    const version = props.apiVersion ?? (names.length > 0 ? DatadogApiVersion.V2 : DatadogApiVersion.V1);
    // the provider's own checks (metricproviders/datadog), at synth instead of at the first measurement
    if (!props.query && names.length === 0) problems.add('datadog needs a query or queries', shown('neither'), 'give query (v1) or queries (v2)');
    if (props.query && names.length > 0) problems.add('datadog takes a query or queries, not both', shown('both'), 'remove query or queries');
    if (props.query !== undefined && props.query.trim() === '') problems.add('datadog query must not be empty', props.query, 'give a Datadog query');
    if (version === DatadogApiVersion.V1 && names.length > 0) problems.add('datadog queries need apiVersion v2 (v1 takes one query)', version, 'use DatadogApiVersion.V2');
    if (props.formula !== undefined && names.length === 0) problems.add('datadog formula needs queries to combine', props.formula, 'give queries');
    if (props.formula === undefined && names.length > 1) problems.add(`datadog has ${names.length} queries and no formula, so the result column is ambiguous`, names, `give a formula, e.g. "${names.join(' / ')}"`);
    if (version === DatadogApiVersion.V1 && props.aggregator !== undefined) problems.add(`datadog aggregator "${props.aggregator}" needs apiVersion v2`, version, 'use DatadogApiVersion.V2');
    const aggregators = Object.values(analysisTemplateL1().AnalysisTemplateSpecMetricsProviderDatadogAggregator) as string[];
    if (props.aggregator !== undefined && !aggregators.includes(props.aggregator)) {
      problems.add(`datadog aggregator must be one of ${aggregators.join(', ')}`, props.aggregator, 'use one of them');
    }
    if (props.secretInRolloutNamespace && !props.secretName) problems.add('datadog secretInRolloutNamespace needs secretName', props.secretName, 'name the Secret in the Rollout\'s namespace');
    const window = props.window ? seconds(props.window, 'datadog window', 1, problems) : undefined;
    const provider: MetricProviderJson = {
      datadog: {
        apiVersion: props.apiVersion === undefined && version === DatadogApiVersion.V1 ? undefined : version,
        query: props.query,
        queries: names.length > 0 ? { ...queries } : undefined,
        formula: props.formula,
        interval: window === undefined ? undefined : goDuration(window),
        aggregator: Object.values(analysisTemplateL1().AnalysisTemplateSpecMetricsProviderDatadogAggregator).find(a => a === props.aggregator),
        secretRef: props.secretName ? { name: props.secretName, namespaced: props.secretInRolloutNamespace } : undefined,
      },
    };
    return new Metric(props, 'datadog', () => provider, problems);
  }

  /** A New Relic NRQL query. */
  public static newRelic(props: NewRelicMetricProps): Metric {
    const problems = new Problems();
    if (!props.query || props.query.trim() === '') problems.add('newRelic query must not be empty', props.query, 'give an NRQL query');
    if (props.profile !== undefined && !isDns1123Subdomain(props.profile)) {
      problems.add('newRelic profile must name a Secret (a DNS-1123 subdomain)', props.profile, 'give the name of the Secret, in lower case');
    }
    const timeout = props.timeout ? seconds(props.timeout, 'newRelic timeout', 1, problems) : undefined;
    const provider: MetricProviderJson = {
      newRelic: { query: props.query, profile: props.profile, timeout },
    };
    return new Metric(props, 'newRelic', () => provider, problems);
  }

  /** CloudWatch `GetMetricData` queries. */
  public static cloudWatch(props: CloudWatchMetricProps): Metric {
    const problems = new Problems();
    const queries = props.metricDataQueries ?? [];
    if (queries.length === 0) problems.add('cloudWatch needs at least one metricDataQuery', shown('none'), 'add a query to metricDataQueries');
    const ids = new Set<string>();
    const rendered = queries.map((q) => {
      if (!CLOUDWATCH_ID.test(q.id)) {
        problems.add('cloudWatch query id is invalid', q.id, 'start it with a lowercase letter and use only letters, digits and \'_\'');
      }
      if (ids.has(q.id)) problems.add('cloudWatch has two queries with the same id', q.id, 'give each query a unique id');
      ids.add(q.id);
      if ((q.expression === undefined) === (q.metricStat === undefined)) {
        problems.add(`cloudWatch query "${q.id}" must have exactly one of expression or metricStat`, shown(q.expression === undefined ? 'neither' : 'both'), 'give expression or metricStat');
      }
      let metricStat: Wire<l1.AnalysisTemplateSpecMetricsProviderCloudWatchMetricDataQueriesMetricStat> | undefined;
      if (q.metricStat) {
        const s = q.metricStat;
        const period = cloudWatchPeriod(s.period, `cloudWatch query "${q.id}" metricStat period`, problems);
        metricStat = {
          metric: {
            namespace: s.namespace,
            metricName: s.metricName,
            dimensions: s.dimensions ? Object.entries(s.dimensions).map(([name, value]) => ({ name, value })) : undefined,
          },
          period,
          stat: s.stat,
          unit: s.unit,
        };
      }
      const period = q.period ? cloudWatchPeriod(q.period, `cloudWatch query "${q.id}" period`, problems) : undefined;
      const query: Wire<l1.AnalysisTemplateSpecMetricsProviderCloudWatchMetricDataQueries> = {
        id: q.id,
        expression: q.expression,
        label: q.label,
        metricStat,
        period,
        returnData: q.returnData,
      };
      return query;
    });
    if (queries.length > 0 && queries.every(q => q.returnData === false)) {
      problems.add('cloudWatch has no query with returnData true, so every measurement is empty', shown('returnData false on every query'), 'let at least one query return data');
    }
    const lookback = props.lookback ? seconds(props.lookback, 'cloudWatch lookback', 1, problems) : undefined;
    const provider: MetricProviderJson = {
      cloudWatch: {
        interval: lookback === undefined ? undefined : goDuration(lookback),
        metricDataQueries: rendered,
      },
    };
    return new Metric(props, 'cloudWatch', () => provider, problems);
  }

  /** The metric name. */
  public readonly name: string;

  /** The provider: `prometheus`, `web`, `job`, `cloudWatch`, `datadog` or `newRelic`. */
  public readonly provider: string;

  private readonly options: MetricOptions;
  private countArgument?: string;
  private readonly renderProvider: () => MetricProviderJson;
  private readonly providerProblems: Problems;

  private constructor(options: MetricOptions, provider: string,
    renderProvider: () => MetricProviderJson, problems: Problems) {
    this.name = options.name;
    this.provider = provider;
    this.options = { ...options };
    this.renderProvider = renderProvider;
    this.providerProblems = problems;
  }

  /**
   * Whether the metric runs until the analysis is stopped (an interval and no count).
   */
  public get indefinite(): boolean {
    return this.options.interval !== undefined && this.options.count === undefined;
  }

  /**
   * Renders `count` as `{{args.<argument>}}`, so that the analysis that runs the template decides
   * how many measurements there are: the template declares the argument with `count` as its
   * default, and a Rollout's background analysis passes `0` (which the controller reads as "no
   * count": with an interval the metric measures until the update ends). Used by the built-in
   * templates.
   * @internal
   */
  public _countFromArgument(argument: string): Metric {
    this.countArgument = argument;
    return this;
  }

  /** The argument `count` is read from, if any. @internal */
  public get _countArgument(): string | undefined {
    return this.countArgument;
  }

  /**
   * Names of the template arguments the metric reads (`{{args.<name>}}`), in order of first use.
   */
  public get argumentReferences(): string[] {
    const refs: string[] = [];
    for (const tag of this.tags()) {
      const m = /^args\.(.+)$/.exec(tag);
      if (m && !refs.includes(m[1])) refs.push(m[1]);
    }
    return refs;
  }

  /**
   * Records the problems of the metric (without the construct path), each naming the value
   * received and what is expected. Follows the controller's `ValidateMetric` rules.
   * @internal
   */
  public _addProblemsTo(problems: Problems): void {
    const o = this.options;
    if (!o.name || o.name.trim() === '') problems.add('metric name must not be empty', o.name, 'give the metric a name, e.g. "success-rate"');
    const ints: Array<[string, number | undefined, number]> = [
      ['count', o.count, 1],
      ['failureLimit', o.failureLimit, -1],
      ['inconclusiveLimit', o.inconclusiveLimit, 0],
      ['consecutiveErrorLimit', o.consecutiveErrorLimit, 0],
      ['consecutiveSuccessLimit', o.consecutiveSuccessLimit, 0],
    ];
    for (const [field, value, min] of ints) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        const expected = field === 'failureLimit' ? 'a whole number >= 0, or -1 to disable it' : `a whole number >= ${min}`;
        problems.add(`${field} must be ${expected}`, value, `give ${expected}`);
      }
    }
    const count = o.count ?? 0;
    const failureLimit = o.failureLimit ?? 0;
    const successLimit = o.consecutiveSuccessLimit ?? 0;
    const inconclusiveLimit = o.inconclusiveLimit ?? 0;
    if (failureLimit === -1 && successLimit === 0) {
      problems.add('failureLimit and consecutiveSuccessLimit cannot both be disabled', shown('failureLimit -1 and no consecutiveSuccessLimit'), 'set consecutiveSuccessLimit or a failureLimit >= 0');
    }
    if (count > 0) {
      if (failureLimit >= 0 && count < failureLimit + successLimit) {
        problems.add(`count must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit})`, count, 'raise count or lower the limits');
      } else if (failureLimit < 0 && count < successLimit) {
        problems.add(`count must be >= consecutiveSuccessLimit (${successLimit})`, count, 'raise count or lower consecutiveSuccessLimit');
      }
      if (count < inconclusiveLimit) {
        problems.add(`count must be >= inconclusiveLimit (${inconclusiveLimit})`, count, 'raise count or lower inconclusiveLimit');
      }
    }
    if (count > 1 && o.interval === undefined) {
      problems.add('interval must be specified when count > 1', shown(`count ${count} and no interval`), 'set interval, e.g. Duration.minutes(1)');
    }
    if (o.interval) seconds(o.interval, 'interval', 1, problems);
    if (o.initialDelay) seconds(o.initialDelay, 'initialDelay', 0, problems);
    for (const tag of this.tags()) {
      if (!/^args\.[A-Za-z0-9_.-]+$/.test(tag)) {
        problems.add('uses a tag which the controller cannot resolve (a metric may only use {{args.<name>}})', shown(`"{{${tag}}}"`), 'remove the braces or declare and use an argument');
      }
    }
    problems.addAll(this.providerProblems.messages);
  }

  /** @internal */
  public _toKube(): MetricJson {
    const o = this.options;
    const intervalSeconds = o.interval ? wholeSeconds(o.interval, 'interval', 1) : undefined;
    const delaySeconds = o.initialDelay ? wholeSeconds(o.initialDelay, 'initialDelay', 0) : undefined;
    return {
      name: o.name,
      interval: typeof intervalSeconds === 'number' ? goDuration(intervalSeconds) : undefined,
      initialDelay: typeof delaySeconds === 'number' ? goDuration(delaySeconds) : undefined,
      count: this.countArgument !== undefined ? `{{args.${this.countArgument}}}` : o.count,
      successCondition: o.successCondition,
      failureCondition: o.failureCondition,
      failureLimit: o.failureLimit,
      inconclusiveLimit: o.inconclusiveLimit,
      consecutiveErrorLimit: o.consecutiveErrorLimit,
      consecutiveSuccessLimit: o.consecutiveSuccessLimit,
      provider: this.renderProvider(),
    };
  }

  /** Every `{{...}}` tag in the metric's conditions and provider, trimmed. */
  private tags(): string[] {
    const text = JSON.stringify([this.options.successCondition, this.options.failureCondition, this.renderProvider()]);
    const tags: string[] = [];
    for (const m of text.matchAll(TAG)) tags.push(m[1].trim());
    return tags;
  }
}

function seconds(duration: Duration, what: string, min: number, problems: Problems): number | undefined {
  const problem = secondsProblem(what, duration, min);
  problems.addProblem(problem);
  return problem ? undefined : duration.toMilliseconds({ integral: false }) / 1000;
}

function cloudWatchPeriod(duration: Duration, what: string, problems: Problems): number | undefined {
  const s = seconds(duration, what, 1, problems);
  if (s !== undefined && ![1, 5, 10, 30].includes(s) && s % 60 !== 0) {
    problems.add(`${what} must be 1, 5, 10, 30 seconds or a multiple of 60 seconds`, shown(`${s}s`), 'round it to one of these');
    return undefined;
  }
  return s;
}

function headerList(headers: { [name: string]: string } | undefined): Array<{ key: string; value: string }> | undefined {
  if (!headers) return undefined;
  const list = Object.entries(headers).map(([key, value]) => ({ key, value }));
  return list.length > 0 ? list : undefined;
}
