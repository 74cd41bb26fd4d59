import { Chart, Duration, Testing } from 'cdk8s';
import { BuiltinAnalysis } from '../../src/analysis/builtin-analysis';
import { SloRecordingRules } from '../../src/analysis/slo-recording-rules';
import { findManifest, synthValidated } from '../helpers/synth';

const PROM = 'http://prometheus.monitoring:9090';

function shopChart(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

describe('BuiltinAnalysis.istioSuccessRate', () => {
  test('queries istio_requests_total for the canary pods', () => {
    const chart = shopChart();
    const t = BuiltinAnalysis.istioSuccessRate(chart, 'SuccessRate', { prometheusAddress: PROM, workload: 'checkout' });
    const manifests = synthValidated(chart);
    const spec = findManifest(manifests, 'AnalysisTemplate', 'success-rate').spec;
    expect(spec.args).toEqual([
      { name: 'workload', value: 'checkout' },
      { name: 'namespace', value: 'shop' },
      { name: 'canary-hash' },
      { name: 'measurement-count', value: '5' },
    ]);
    const m = spec.metrics[0];
    expect(m).toMatchObject({ name: 'success-rate', interval: '1m', count: '{{args.measurement-count}}', failureLimit: 1, successCondition: 'result[0] >= 0.99' });
    expect(m.provider.prometheus.query).toBe(
      'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",pod=~"{{args.workload}}-{{args.canary-hash}}-.*",response_code!~"5.."}[2m]))'
      + '\n/\n'
      + 'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",pod=~"{{args.workload}}-{{args.canary-hash}}-.*"}[2m]))');
    expect(t.requiredArgs).toEqual(['canary-hash']);
    expect(BuiltinAnalysis.canaryHashArgument()._toKube()).toEqual({ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } });
    expect(manifests).toMatchSnapshot();
  });

  test('fails when minSuccessRate is not a ratio', () => {
    expect(() => BuiltinAnalysis.istioSuccessRate(shopChart(), 'SuccessRate', { prometheusAddress: PROM, workload: 'checkout', minSuccessRate: 99 }))
      .toThrow('[shop/SuccessRate] minSuccessRate must be between 0 and 1, e.g. 0.99; got 99');
  });

  test('fails when neither the props nor the chart give a namespace', () => {
    expect(() => BuiltinAnalysis.istioSuccessRate(Testing.chart(), 'SuccessRate', { prometheusAddress: PROM, workload: 'checkout' }))
      .toThrow('the Istio templates need the Rollout\'s namespace; the chart has none; pass namespace');
  });
});

describe('BuiltinAnalysis.istioLatency', () => {
  test('renders p95 and p99 metrics in milliseconds', () => {
    const chart = shopChart();
    BuiltinAnalysis.istioLatency(chart, 'Latency', {
      prometheusAddress: PROM, workload: 'checkout', p95: Duration.millis(300), p99: Duration.seconds(1), window: Duration.minutes(5), count: 3,
    });
    const manifests = synthValidated(chart);
    const metrics = findManifest(manifests, 'AnalysisTemplate', 'latency').spec.metrics;
    expect(metrics.map((m: any) => [m.name, m.successCondition, m.count])).toEqual([
      ['latency-p95', 'result[0] <= 300', '{{args.measurement-count}}'],
      ['latency-p99', 'result[0] <= 1000', '{{args.measurement-count}}'],
    ]);
    expect(findManifest(manifests, 'AnalysisTemplate', 'latency').spec.args).toContainEqual({ name: 'measurement-count', value: '3' });
    expect(metrics[0].provider.prometheus.query).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",pod=~"{{args.workload}}-{{args.canary-hash}}-.*"}[5m])))');
    expect(manifests).toMatchSnapshot();
  });

  test('fails when no percentile is given', () => {
    expect(() => BuiltinAnalysis.istioLatency(shopChart(), 'Latency', { prometheusAddress: PROM, workload: 'checkout' }))
      .toThrow('[shop/Latency] istioLatency needs a p95 or p99 threshold; got neither');
  });
});

describe('BuiltinAnalysis ALB (CloudWatch)', () => {
  test('albErrorRate reads the canary target group 5xx and request counts', () => {
    const chart = shopChart();
    const t = BuiltinAnalysis.albErrorRate(chart, 'AlbErrors', { maxErrorRate: 0.02 });
    const manifests = synthValidated(chart);
    const m = findManifest(manifests, 'AnalysisTemplate', 'alb-errors').spec.metrics[0];
    expect(m.successCondition).toBe('len(result[0].Values) > 0 and all(result[0].Values, {# <= 0.02})');
    expect(m.provider.cloudWatch.interval).toBe('5m');
    expect(m.provider.cloudWatch.metricDataQueries[1]).toEqual({
      id: 'errors',
      returnData: false,
      metricStat: {
        metric: {
          namespace: 'AWS/ApplicationELB',
          metricName: 'HTTPCode_Target_5XX_Count',
          dimensions: [{ name: 'LoadBalancer', value: 'app/{{args.alb-load-balancer}}' }, { name: 'TargetGroup', value: 'targetgroup/{{args.alb-canary-target-group}}' }],
        },
        period: 60,
        stat: 'Sum',
      },
    });
    expect(t.requiredArgs).toEqual(['alb-load-balancer', 'alb-canary-target-group']);
    expect(BuiltinAnalysis.albCanaryArguments().map(a => a._toKube())).toEqual([
      { name: 'alb-load-balancer', valueFrom: { fieldRef: { fieldPath: 'status.alb.loadBalancer.fullName' } } },
      { name: 'alb-canary-target-group', valueFrom: { fieldRef: { fieldPath: 'status.alb.canaryTargetGroup.fullName' } } },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('albResponseTime compares TargetResponseTime in seconds', () => {
    const chart = shopChart();
    BuiltinAnalysis.albResponseTime(chart, 'AlbLatency', { maxResponseTime: Duration.millis(250), statistic: 'p99' });
    const manifests = synthValidated(chart);
    const m = findManifest(manifests, 'AnalysisTemplate', 'alb-latency').spec.metrics[0];
    expect(m.successCondition).toBe('len(result[0].Values) > 0 and all(result[0].Values, {# <= 0.25})');
    expect(m.provider.cloudWatch.metricDataQueries[0].metricStat.stat).toBe('p99');
    expect(manifests).toMatchSnapshot();
  });
});

describe('BuiltinAnalysis.sloBurnRate', () => {
  test('checks the 1h/5m and 6h/30m windows of Sloth rules', () => {
    const chart = shopChart();
    BuiltinAnalysis.sloBurnRate(chart, 'ErrorBudget', { prometheusAddress: PROM, rules: SloRecordingRules.sloth('checkout', 'requests-availability') });
    const manifests = synthValidated(chart);
    const m = findManifest(manifests, 'AnalysisTemplate', 'error-budget').spec.metrics[0];
    const r = (w: string) => `slo:sli_error:ratio_rate${w}{sloth_service="checkout",sloth_slo="requests-availability"}`;
    expect(m.provider.prometheus.query).toBe(
      `((max(${r('1h')}) > bool (14.4 * (1 - 0.999))) * (max(${r('5m')}) > bool (14.4 * (1 - 0.999))))\n+\n`
      + `((max(${r('6h')}) > bool (6 * (1 - 0.999))) * (max(${r('30m')}) > bool (6 * (1 - 0.999))))`);
    expect(m.successCondition).toBe('result[0] == 0');
    expect(m.failureCondition).toBe('result[0] > 0');
    expect(manifests).toMatchSnapshot();
  });

  test('uses Pyrra rules and custom thresholds', () => {
    const chart = shopChart();
    BuiltinAnalysis.sloBurnRate(chart, 'ErrorBudget', {
      prometheusAddress: PROM, rules: SloRecordingRules.pyrra('http_requests', 'checkout-availability'), objective: 0.99, fastBurnRate: 10, slowBurnRate: 5,
    });
    const q = findManifest(synthValidated(chart), 'AnalysisTemplate').spec.metrics[0].provider.prometheus.query;
    expect(q).toContain('(max(http_requests:burnrate1h{slo="checkout-availability"}) > bool (10 * (1 - 0.99)))');
    expect(q).toContain('(max(http_requests:burnrate30m{slo="checkout-availability"}) > bool (5 * (1 - 0.99)))');
  });

  test('fails when the objective is not between 0 and 1', () => {
    expect(() => BuiltinAnalysis.sloBurnRate(shopChart(), 'ErrorBudget', { prometheusAddress: PROM, rules: SloRecordingRules.sloth('a', 'b'), objective: 99.9 }))
      .toThrow('[shop/ErrorBudget] sloBurnRate objective must be between 0 and 1 (exclusive), e.g. 0.999; got 99.9');
  });

  test('fails when a custom selector has no window placeholder', () => {
    expect(() => SloRecordingRules.custom('slo_errors_ratio5m'))
      .toThrow('[SloRecordingRules.custom] the selector must contain "{window}"; got "slo_errors_ratio5m"; write {window}');
  });
});
