import { Duration, Testing } from 'cdk8s';
import { AnalysisTemplate, ClusterAnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { findManifest, synthValidated } from '../helpers/synth';

const prom = (name: string, extra: any = {}) => Metric.prometheus({
  name, address: 'http://prometheus.monitoring:9090', query: 'vector(1)', successCondition: 'result[0] == 1', ...extra,
});

describe('AnalysisTemplate', () => {
  test('renders a namespaced template with args, dry-run and retention', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const t = new AnalysisTemplate(chart, 'SuccessRate', {
      args: [
        TemplateArgument.required('service'),
        TemplateArgument.withDefault('threshold', '0.99'),
        TemplateArgument.fromSecret('token', 'prom-token', 'token'),
      ],
      metrics: [prom('success-rate', { query: 'sum(x{svc="{{args.service}}"})', interval: Duration.minutes(1), count: 5, failureLimit: 1 })],
      dryRunMetrics: ['success-rate'],
      measurementRetention: [{ metricName: '.*', limit: 20 }],
      labels: { team: 'shop' },
    });
    // THEN
    const manifests = synthValidated(chart);
    const obj = findManifest(manifests, 'AnalysisTemplate', 'success-rate');
    expect(obj.spec).toEqual({
      args: [
        { name: 'service' },
        { name: 'threshold', value: '0.99' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 'prom-token', key: 'token' } } },
      ],
      dryRun: [{ metricName: 'success-rate' }],
      measurementRetention: [{ metricName: '.*', limit: 20 }],
      metrics: [{
        name: 'success-rate',
        interval: '1m',
        count: 5,
        failureLimit: 1,
        successCondition: 'result[0] == 1',
        provider: { prometheus: { address: 'http://prometheus.monitoring:9090', query: 'sum(x{svc="{{args.service}}"})' } },
      }],
    });
    expect(t.templateName).toBe('success-rate');
    expect(t.requiredArgs).toEqual(['service']);
    expect(t.clusterScope).toBe(false);
    expect(t.definedBy).toBe(t);
    expect(t.node.defaultChild).toBe(t.apiObject);
    expect(t.apiObject.node.id).toBe('Resource');
    expect(manifests).toMatchSnapshot();
  });
});
