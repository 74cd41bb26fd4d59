import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { DatadogApiVersion, Metric, WebMethod } from '../../src/analysis/metric';
import { MetricAuthentication } from '../../src/analysis/metric-authentication';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { findManifest, synthValidated } from '../helpers/synth';

const ADDRESS = 'http://prometheus.monitoring:9090';

/** Synthesizes one template holding the metric and returns its rendered metric. */
function render(metric: Metric, args: TemplateArgument[] = []): any {
  const chart = Testing.chart();
  new AnalysisTemplate(chart, 'Check', { metrics: [metric], args });
  const manifests = synthValidated(chart);
  return findManifest(manifests, 'AnalysisTemplate', 'check').spec.metrics[0];
}

function build(metric: Metric, args: TemplateArgument[] = []): () => void {
  return () => new AnalysisTemplate(Testing.chart(), 'Check', { metrics: [metric], args });
}

describe('Metric.prometheus', () => {
  test('renders durations in s/m/h and the timeout in whole seconds', () => {
    const m = render(Metric.prometheus({
      name: 'p',
      address: ADDRESS,
      query: 'up',
      interval: Duration.seconds(90),
      initialDelay: Duration.hours(1),
      count: 3,
      timeout: Duration.seconds(40),
      headers: { 'X-Scope-OrgID': 'tenant-a' },
      insecure: true,
      consecutiveErrorLimit: 2,
      inconclusiveLimit: 1,
      consecutiveSuccessLimit: 2,
      failureLimit: 1,
      successCondition: 'result[0] > 0',
      failureCondition: 'result[0] < 0',
    }));
    expect(m).toEqual({
      name: 'p',
      interval: '90s',
      initialDelay: '1h',
      count: 3,
      consecutiveErrorLimit: 2,
      inconclusiveLimit: 1,
      consecutiveSuccessLimit: 2,
      failureLimit: 1,
      successCondition: 'result[0] > 0',
      failureCondition: 'result[0] < 0',
      provider: { prometheus: { address: ADDRESS, query: 'up', timeout: 40, insecure: true, headers: [{ key: 'X-Scope-OrgID', value: 'tenant-a' }] } },
    });
  });

  test('renders sigv4 and oauth2 authentication', () => {
    const sigv4 = render(Metric.prometheus({
      name: 'amp',
      address: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1',
      query: 'up',
      authentication: MetricAuthentication.sigv4({ region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/amp' }),
    }));
    expect(sigv4.provider.prometheus.authentication).toEqual({ sigv4: { region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/amp' } });

    const secret = TemplateArgument.fromSecret('oauth-secret', 'oauth', 'secret');
    const oauth = render(Metric.prometheus({
      name: 'o',
      address: ADDRESS,
      query: 'up',
      authentication: MetricAuthentication.oauth2({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: secret.placeholder, scopes: ['read'] }),
    }), [secret]);
    expect(oauth.provider.prometheus.authentication).toEqual({
      oauth2: { tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: '{{args.oauth-secret}}', scopes: ['read'] },
    });

  });

  test('fails on Prometheus basic authentication, which the targeted controller release does not have', () => {
    const password = TemplateArgument.fromSecret('password', 'grafana', 'password');
    expect(build(Metric.prometheus({
      name: 'b', address: ADDRESS, query: 'up', authentication: MetricAuthentication.basic('user', password.placeholder),
    }), [password])).toThrow(/prometheus basic authentication is not in the Argo Rollouts release this library targets \(v1\.9\.0/);
  });

  test('renders a range query', () => {
    const m = render(Metric.prometheus({
      name: 'r',
      address: ADDRESS,
      query: 'latency',
      successCondition: 'all(result, # < 1000)',
      rangeQuery: { start: 'now() - duration("10m")', step: Duration.minutes(1) },
    }));
    expect(m.provider.prometheus.rangeQuery).toEqual({ start: 'now() - duration("10m")', end: 'now()', step: '1m' });
  });

  test('fails when the address is not an http URL', () => {
    expect(build(Metric.prometheus({ name: 'p', address: 'prometheus:9090', query: 'up' })))
      .toThrow('[test/Check] AnalysisTemplate "check": metric "p": prometheus address must be an http(s) URL; got "prometheus:9090"');
  });

  test('fails when the timeout has a fraction of a second', () => {
    expect(build(Metric.prometheus({ name: 'p', address: ADDRESS, query: 'up', timeout: Duration.millis(1500) })))
      .toThrow('metric "p": prometheus timeout must be a whole number of seconds; got 1500ms; the controller truncates it to seconds, use Duration.seconds(2)');
  });

  test('fails when oauth2 has no client secret', () => {
    expect(build(Metric.prometheus({
      name: 'p',
      address: ADDRESS,
      query: 'up',
      authentication: MetricAuthentication.oauth2({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: '' }),
    }))).toThrow('metric "p": oauth2 clientSecret must not be empty');
  });
});

describe('metric rules (upstream ValidateMetric)', () => {
  const base = { address: ADDRESS, query: 'up' };

  test('fails when count > 1 has no interval', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', count: 3 })))
      .toThrow('[test/Check] AnalysisTemplate "check": metric "p": interval must be specified when count > 1; got count 3 and no interval');
  });

  test('fails when failureLimit and consecutiveSuccessLimit are both disabled', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', failureLimit: -1 })))
      .toThrow('metric "p": failureLimit and consecutiveSuccessLimit cannot both be disabled; got failureLimit -1');
  });

  test('fails when count is below failureLimit + consecutiveSuccessLimit', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', count: 3, interval: Duration.minutes(1), failureLimit: 2, consecutiveSuccessLimit: 2 })))
      .toThrow('metric "p": count must be >= failureLimit + consecutiveSuccessLimit (2 + 2); got 3; raise count or lower the limits');
  });

  test('fails when count is below consecutiveSuccessLimit with failureLimit disabled', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', count: 2, interval: Duration.minutes(1), failureLimit: -1, consecutiveSuccessLimit: 3 })))
      .toThrow('metric "p": count must be >= consecutiveSuccessLimit (3); got 2; raise count or lower consecutiveSuccessLimit');
  });

  test('fails when count is below inconclusiveLimit', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', count: 2, interval: Duration.minutes(1), inconclusiveLimit: 3 })))
      .toThrow('metric "p": count must be >= inconclusiveLimit (3); got 2; raise count or lower inconclusiveLimit');
  });

  test('fails when failureLimit is below -1', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', failureLimit: -2 })))
      .toThrow('metric "p": failureLimit must be a whole number >= 0, or -1 to disable it; got -2');
  });

  test('fails when a limit is not a whole number', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', consecutiveErrorLimit: 1.5 })))
      .toThrow('metric "p": consecutiveErrorLimit must be a whole number >= 0; got 1.5');
  });

  test('fails when the interval is zero', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', interval: Duration.seconds(0), count: 2 })))
      .toThrow('metric "p": interval must be at least 1s; got 0s');
  });

  test('fails when a metric uses a template tag other than args', () => {
    expect(build(Metric.prometheus({ ...base, name: 'p', query: 'up{pod="{{ workload.name }}"}' })))
      .toThrow('metric "p": uses a tag which the controller cannot resolve (a metric may only use {{args.<name>}}); got "{{workload.name}}"; remove the braces');
  });

  test('accepts failureLimit -1 with a consecutiveSuccessLimit', () => {
    const m = render(Metric.prometheus({ ...base, name: 'p', count: 3, interval: Duration.minutes(1), failureLimit: -1, consecutiveSuccessLimit: 3 }));
    expect(m.failureLimit).toBe(-1);
  });

  test('reports an interval without count as indefinite', () => {
    expect(Metric.prometheus({ ...base, name: 'p', interval: Duration.minutes(1) }).indefinite).toBe(true);
    expect(Metric.prometheus({ ...base, name: 'p', interval: Duration.minutes(1), count: 2 }).indefinite).toBe(false);
    expect(Metric.prometheus({ ...base, name: 'p' }).indefinite).toBe(false);
  });
});

describe('Metric.web', () => {
  test('renders method, headers, body, jsonPath and timeout', () => {
    const m = render(Metric.web({
      name: 'w',
      url: 'https://status.example.com/api/{{args.service}}',
      method: WebMethod.POST,
      headers: { Authorization: 'Bearer {{args.token}}' },
      body: '{"q":1}',
      jsonPath: '{$.data.ok}',
      timeout: Duration.seconds(20),
      insecure: false,
      successCondition: 'result == true',
    }), [TemplateArgument.required('service'), TemplateArgument.fromSecret('token', 'status-token', 'token')]);
    expect(m.provider).toEqual({
      web: {
        url: 'https://status.example.com/api/{{args.service}}',
        method: 'POST',
        headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
        body: '{"q":1}',
        jsonPath: '{$.data.ok}',
        timeoutSeconds: 20,
        insecure: false,
      },
    });
  });

  test('fails when a GET request has a body', () => {
    expect(build(Metric.web({ name: 'w', url: 'https://x', body: 'hello' })))
      .toThrow('metric "w": web body is set but method is GET; the controller sends a body only with POST or PUT');
  });

  test('fails when jsonPath has no braces', () => {
    expect(build(Metric.web({ name: 'w', url: 'https://x', jsonPath: '$.data.ok' })))
      .toThrow('metric "w": web jsonPath must be a Kubernetes JSONPath in braces; got "$.data.ok"; write it in braces, e.g. "{$.data.ok}"');
  });
});

describe('Metric.job', () => {
  test('renders the pod with the cdk8s-plus-28 secure defaults', () => {
    const m = render(Metric.job({
      name: 'smoke',
      containers: [{ name: 'smoke', image: 'ghcr.io/acme/smoke:1.0', args: ['--target', 'http://checkout-canary'] }],
      activeDeadline: Duration.minutes(5),
      jobLabels: { purpose: 'analysis' },
    }));
    // the same container rendered by a cdk8s-plus-28 Job
    const chart = Testing.chart();
    new kplus.Job(chart, 'Reference', { containers: [{ name: 'smoke', image: 'ghcr.io/acme/smoke:1.0', args: ['--target', 'http://checkout-canary'] }] });
    const reference = Testing.synth(chart)[0].spec.template.spec;

    const pod = m.provider.job.spec.template.spec;
    expect(pod.containers).toEqual(reference.containers);
    expect(pod.securityContext).toEqual(reference.securityContext);
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
    });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(m.provider.job.spec.backoffLimit).toBe(0);
    expect(m.provider.job.spec.activeDeadlineSeconds).toBe(300);
    expect(m.provider.job.metadata).toEqual({ labels: { purpose: 'analysis' } });
    expect(m).toMatchSnapshot();
  });

  test('adds the volumes of the container mounts', () => {
    const chart = Testing.chart();
    const volume = kplus.Volume.fromEmptyDir(chart, 'Tmp', 'tmp');
    const m = new AnalysisTemplate(chart, 'Check', {
      metrics: [Metric.job({ name: 'smoke', containers: [{ name: 'smoke', image: 'busybox:1.36', volumeMounts: [{ path: '/tmp', volume }] }] })],
    });
    void m;
    const spec = findManifest(synthValidated(chart), 'AnalysisTemplate', 'check').spec.metrics[0].provider.job.spec.template.spec;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
  });

  test('fails when the job has no containers', () => {
    expect(build(Metric.job({ name: 'smoke', containers: [] })))
      .toThrow('metric "smoke": job needs at least one container; got none');
  });

  test('fails when two containers share a name', () => {
    expect(build(Metric.job({ name: 'smoke', containers: [{ name: 'a', image: 'x:1' }, { name: 'a', image: 'y:1' }] })))
      .toThrow('metric "smoke": job has two containers with the same name; got "a"; give each container a unique name');
  });

  test('fails when two different volumes share a name, when the template is built', () => {
    const chart = Testing.chart();
    const volumeMounts = (id: string) => [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, id, 'tmp') }];
    expect(() => new AnalysisTemplate(chart, 'Check', {
      metrics: [Metric.job({ name: 'smoke', containers: [{ name: 'a', image: 'x:1', volumeMounts: volumeMounts('A') }, { name: 'b', image: 'y:1', volumeMounts: volumeMounts('B') }] })],
    })).toThrow('[test/Check] AnalysisTemplate "check": metric "smoke": job has two different volumes with the same name; got "tmp"; give each volume a unique name');
  });
});

describe('Metric.cloudWatch', () => {
  test('renders metric-data queries with periods in seconds and the lookback as a Go duration', () => {
    const m = render(Metric.cloudWatch({
      name: 'cw',
      interval: Duration.minutes(1),
      count: 3,
      lookback: Duration.minutes(30),
      successCondition: 'all(result[0].Values, {# <= 0.01})',
      metricDataQueries: [
        { id: 'rate', expression: 'errors / requests' },
        { id: 'errors', metricStat: { namespace: 'app', metricName: 'errors', period: Duration.minutes(5), stat: 'Sum', unit: 'Count', dimensions: { Service: 'checkout' } }, returnData: false },
        { id: 'requests', metricStat: { namespace: 'app', metricName: 'requests', period: Duration.minutes(5), stat: 'Sum' }, returnData: false },
      ],
    }));
    expect(m.provider.cloudWatch).toEqual({
      interval: '30m',
      metricDataQueries: [
        { id: 'rate', expression: 'errors / requests' },
        { id: 'errors', metricStat: { metric: { namespace: 'app', metricName: 'errors', dimensions: [{ name: 'Service', value: 'checkout' }] }, period: 300, stat: 'Sum', unit: 'Count' }, returnData: false },
        { id: 'requests', metricStat: { metric: { namespace: 'app', metricName: 'requests' }, period: 300, stat: 'Sum' }, returnData: false },
      ],
    });
  });

  test('fails when a query has both an expression and a metricStat', () => {
    expect(build(Metric.cloudWatch({
      name: 'cw', metricDataQueries: [{ id: 'q', expression: 'a', metricStat: { namespace: 'n', metricName: 'm', period: Duration.minutes(1), stat: 'Sum' } }],
    }))).toThrow('metric "cw": cloudWatch query "q" must have exactly one of expression or metricStat; got both');
  });

  test('fails when a period is not 1, 5, 10, 30 seconds or a multiple of 60', () => {
    expect(build(Metric.cloudWatch({
      name: 'cw', metricDataQueries: [{ id: 'q', metricStat: { namespace: 'n', metricName: 'm', period: Duration.seconds(45), stat: 'Sum' } }],
    }))).toThrow('metric "cw": cloudWatch query "q" metricStat period must be 1, 5, 10, 30 seconds or a multiple of 60 seconds; got 45s');
  });

  test('fails when a query id starts with an upper-case letter', () => {
    expect(build(Metric.cloudWatch({ name: 'cw', metricDataQueries: [{ id: 'Rate', expression: '1' }] })))
      .toThrow('metric "cw": cloudWatch query id is invalid; got "Rate"; start it with a lowercase letter');
  });
});

describe('Metric.datadog', () => {
  test('renders a v1 query with the default API version left to the controller', () => {
    const m = render(Metric.datadog({ name: 'errors', query: 'sum:requests.error{service:checkout}.as_count()', window: Duration.minutes(10), successCondition: 'result < 5' }));
    expect(m.provider).toEqual({ datadog: { query: 'sum:requests.error{service:checkout}.as_count()', interval: '10m' } });
  });

  test('renders v2 queries with a formula, an aggregator and a namespaced Secret', () => {
    const m = render(Metric.datadog({
      name: 'error-rate',
      queries: { errors: 'sum:errors{*}', total: 'sum:hits{*}' },
      formula: 'errors / total',
      aggregator: 'last',
      secretName: 'datadog-keys',
      secretInRolloutNamespace: true,
    }));
    expect(m.provider.datadog).toEqual({
      apiVersion: 'v2',
      queries: { errors: 'sum:errors{*}', total: 'sum:hits{*}' },
      formula: 'errors / total',
      aggregator: 'last',
      secretRef: { name: 'datadog-keys', namespaced: true },
    });
  });

  test.each([
    [{}, /datadog needs a query or queries; got neither/],
    [{ query: 'a', queries: { b: 'b' } }, /datadog takes a query or queries, not both/],
    [{ apiVersion: DatadogApiVersion.V1, queries: { a: 'a' } }, /datadog queries need apiVersion v2/],
    [{ query: 'a', formula: 'a * 2' }, /datadog formula needs queries to combine; got "a \* 2"; give queries/],
    [{ queries: { a: 'a', b: 'b' } }, /2 queries and no formula.*give a formula, e.g. "a \/ b"/],
    [{ query: 'a', aggregator: 'avg' }, /aggregator "avg" needs apiVersion v2/],
    [{ query: 'a', apiVersion: DatadogApiVersion.V2, aggregator: 'median' }, /aggregator must be one of .*; got "median"/],
    [{ query: 'a', secretInRolloutNamespace: true }, /secretInRolloutNamespace needs secretName/],
  ])('fails as the provider would at its first measurement (%j)', (props, message) => {
    expect(build(Metric.datadog({ name: 'd', ...props }))).toThrow(message);
  });
});

describe('Metric.newRelic', () => {
  test('renders NRQL with a profile and a timeout in seconds', () => {
    const m = render(Metric.newRelic({ name: 'errors', query: 'FROM Transaction SELECT count(*)', profile: 'newrelic-prod', timeout: Duration.seconds(10) }));
    expect(m.provider).toEqual({ newRelic: { query: 'FROM Transaction SELECT count(*)', profile: 'newrelic-prod', timeout: 10 } });
  });

  test('fails on an empty query and a profile that cannot name a Secret', () => {
    expect(build(Metric.newRelic({ name: 'n', query: ' ' }))).toThrow(/newRelic query must not be empty/);
    expect(build(Metric.newRelic({ name: 'n', query: 'FROM X SELECT 1', profile: 'New Relic' }))).toThrow(/newRelic profile must name a Secret .*; got "New Relic"/);
  });
});

test('a job metric puts pod labels and annotations on the Job\'s pods (an Istio sidecar must not keep a smoke test running)', () => {
  const m = render(Metric.job({
    name: 'smoke',
    containers: [{ image: 'curlimages/curl:8.8.0', args: ['-f', 'http://checkout-canary/healthz'] }],
    podLabels: { app: 'smoke' },
    podAnnotations: { 'sidecar.istio.io/inject': 'false' },
  }));
  expect(m.provider.job.spec.template.metadata).toEqual({ labels: { app: 'smoke' }, annotations: { 'sidecar.istio.io/inject': 'false' } });
});
