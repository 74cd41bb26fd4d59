import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisTemplate, ClusterAnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { Rollout } from '../../src/rollout/rollout';
import { Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
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

describe('AnalysisTemplate validation', () => {
  test('fails when two metrics share a name', () => {
    const chart = Testing.chart();
    expect(() => new AnalysisTemplate(chart, 'Checks', { metrics: [prom('rate'), prom('rate')] }))
      .toThrow('[test/Checks] AnalysisTemplate "checks": two metrics share a name; got "rate"; give each metric of a template a unique name');
  });

  test('fails when addMetric repeats a name', () => {
    const t = new AnalysisTemplate(Testing.chart(), 'Checks', { metrics: [prom('rate')] });
    expect(() => t.addMetric(prom('rate'))).toThrow('two metrics share a name; got "rate"');
  });

  test('fails when a template has zero metrics', () => {
    const chart = Testing.chart();
    new AnalysisTemplate(chart, 'Empty', { metrics: [] });
    expect(() => Testing.synth(chart))
      .toThrow('[test/Empty] AnalysisTemplate "empty" has no metrics; got 0; pass metrics in its props or call addMetric()');
  });

  test('accepts metrics added after construction', () => {
    const chart = Testing.chart();
    const t = new AnalysisTemplate(chart, 'Later', { metrics: [] });
    t.addMetric(prom('a'));
    t.addMetric(prom('b', { interval: Duration.minutes(1) }));
    expect(t.metricNames).toEqual(['a', 'b']);
    expect(t.indefiniteMetrics).toEqual(['b']);
    expect(findManifest(synthValidated(chart), 'AnalysisTemplate').spec.metrics.map((m: any) => m.name)).toEqual(['a', 'b']);
  });

  test('fails when a metric uses an argument the template does not declare', () => {
    expect(() => new AnalysisTemplate(Testing.chart(), 'Rate', { metrics: [prom('rate', { query: 'x{svc="{{args.service}}"}' })] }))
      .toThrow('[test/Rate] AnalysisTemplate "rate": metric "rate" uses {{args.service}} but the AnalysisTemplate "rate" declares no argument "service"; got []; add TemplateArgument.required(\'service\')');
  });

  test('fails when an argument is declared twice', () => {
    expect(() => new AnalysisTemplate(Testing.chart(), 'Rate', {
      metrics: [prom('rate')], args: [TemplateArgument.required('a'), TemplateArgument.withDefault('a', '1')],
    })).toThrow('an argument is declared twice; got "a"; declare each argument once');
  });

  test('fails when a measurementRetention limit is below 1', () => {
    expect(() => new AnalysisTemplate(Testing.chart(), 'Rate', { metrics: [prom('rate')], measurementRetention: [{ metricName: 'rate', limit: 0 }] }))
      .toThrow('measurementRetention for "rate" has a limit below 1 or not whole; got 0; give a whole number >= 1');
  });

  test('fails when the name is not a valid object name', () => {
    expect(() => new AnalysisTemplate(Testing.chart(), 'Rate', { name: 'Success_Rate', metrics: [prom('rate')] }))
      .toThrow('[test/Rate] analysis template name is not a valid object name; got "Success_Rate"; use lower-case letters');
  });

  test('derives its name from the id as every construct does (readableName)', () => {
    const chart = Testing.chart();
    expect(new AnalysisTemplate(chart, 'HTTPSuccessRate', { metrics: [prom('a')] }).templateName).toBe('http-success-rate');
    expect(new AnalysisTemplate(chart, 'checkout_latency', { metrics: [prom('a')] }).templateName).toBe('checkout-latency');
  });
});

describe('ClusterAnalysisTemplate', () => {
  test('renders without a namespace even in a namespaced chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform', { namespace: 'shop' });
    const t = new ClusterAnalysisTemplate(chart, 'SmokeTest', {
      args: [TemplateArgument.required('url')],
      metrics: [Metric.web({ name: 'smoke', url: '{{args.url}}', jsonPath: '{$.ok}', successCondition: 'result == true' })],
    });
    const manifests = synthValidated(chart);
    const obj = findManifest(manifests, 'ClusterAnalysisTemplate', 'smoke-test');
    expect(obj.metadata).toEqual({ name: 'smoke-test' });
    expect(t.clusterScope).toBe(true);
    expect(t.requiredArgs).toEqual(['url']);
    expect(t.apiObject.node.id).toBe('Resource');
    expect(manifests).toMatchSnapshot();
  });

  test('references a template defined elsewhere by name', () => {
    const t = ClusterAnalysisTemplate.fromTemplateName('platform-smoke', ['url']);
    expect(t.templateName).toBe('platform-smoke');
    expect(t.clusterScope).toBe(true);
    expect(t.requiredArgs).toEqual(['url']);
    expect(t.indefiniteMetrics).toEqual([]);
    expect(t.definedBy).toBeUndefined();
  });

  test('fails when a referenced name is not a valid object name', () => {
    expect(() => ClusterAnalysisTemplate.fromTemplateName('Platform Smoke'))
      .toThrow('[ClusterAnalysisTemplate.fromTemplateName] templateName is not a valid object name; got "Platform Smoke"; use lower-case letters');
  });

  test('keeps a job metric pod as Kubernetes JSON (quantities, probe ports)', () => {
    const chart = Testing.chart();
    new ClusterAnalysisTemplate(chart, 'Load', {
      metrics: [Metric.job({
        name: 'load',
        containers: [{
          name: 'k6',
          image: 'grafana/k6:0.50.0',
          portNumber: 8080,
          readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
          resources: { cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(500) } },
        }],
      })],
    });
    const pod = findManifest(synthValidated(chart), 'ClusterAnalysisTemplate').spec.metrics[0].provider.job.spec.template.spec;
    expect(pod.containers[0].readinessProbe.httpGet.port).toBe(8080);
    expect(pod.containers[0].resources.requests.cpu).toBe('250m');
    expect(pod.containers[0].resources.limits.cpu).toBe('500m');
  });
});

describe('AnalysisTemplate.fromTemplateName (a template that already exists in the namespace)', () => {
  const containers = [{ name: 'main', image: 'ghcr.io/acme/checkout:1.4.2', portNumber: 8080 }];
  const svc = (c: Chart, name: string) => new kplus.Service(c, name, { metadata: { name }, ports: [{ port: 80, targetPort: 8080 }] });

  test('is used by steps, background analysis and blue-green promotion analysis and emits nothing', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'checkout', { namespace: 'shop' });
    const smoke = AnalysisTemplate.fromTemplateName(chart, 'Smoke', 'smoke-test');
    // WHEN
    new Rollout(chart, 'canary', {
      containers,
      strategy: RolloutStrategy.canary({
        steps: [Step.setWeight(20), Step.analysis({ templates: [smoke] })],
        analysis: { templates: [smoke] },
      }),
    });
    new Rollout(chart, 'bg', {
      containers,
      strategy: RolloutStrategy.blueGreen({
        activeService: svc(chart, 'bg-active'),
        previewService: svc(chart, 'bg-preview'),
        prePromotionAnalysis: { templates: [smoke] },
        postPromotionAnalysis: { templates: [smoke] },
      }),
    });
    const manifests = synthValidated(chart);
    // THEN
    expect(manifests.filter(m => m.kind === 'AnalysisTemplate')).toEqual([]);
    const canary = findManifest(manifests, 'Rollout', 'canary').spec.strategy.canary;
    expect(canary.steps[1]).toEqual({ analysis: { templates: [{ templateName: 'smoke-test' }] } });
    expect(canary.analysis.templates).toEqual([{ templateName: 'smoke-test' }]);
    const bg = findManifest(manifests, 'Rollout', 'bg').spec.strategy.blueGreen;
    expect(bg.prePromotionAnalysis.templates).toEqual([{ templateName: 'smoke-test' }]);
    expect(bg.postPromotionAnalysis.templates).toEqual([{ templateName: 'smoke-test' }]);
    expect(smoke.clusterScope).toBe(false);
  });

  test('checks the arguments and metrics it is told about', () => {
    const chart = new Chart(Testing.app(), 'checkout', { namespace: 'shop' });
    const smoke = AnalysisTemplate.fromTemplateName(chart, 'Smoke', 'smoke-test', { requiredArgs: ['url'], indefiniteMetrics: ['probe'] });
    const create = () => new Rollout(chart, 'canary', { containers, strategy: RolloutStrategy.canary({ steps: [Step.analysis({ templates: [smoke] })] }) });
    expect(create).toThrow(/AnalysisTemplate "smoke-test" needs argument "url"[^]*AnalysisTemplate "smoke-test" has metric "probe" with an interval and no count/);
  });

  test('fails when the Rollout is in another namespace than the reference', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform', { namespace: 'platform' });
    const chart = new Chart(app, 'checkout', { namespace: 'shop' });
    const smoke = AnalysisTemplate.fromTemplateName(platform, 'Smoke', 'smoke-test');
    expect(() => new Rollout(chart, 'canary', { containers, strategy: RolloutStrategy.canary({ steps: [Step.analysis({ templates: [smoke] })] }) })).toThrow(/AnalysisTemplate "smoke-test" is in another namespace than the Rollout \("shop"\); got "platform"; a namespaced template must live in the Rollout's namespace/);
  });

  test('fails when the name is not a valid object name', () => {
    const chart = Testing.chart();
    expect(() => AnalysisTemplate.fromTemplateName(chart, 'Smoke', 'Smoke Test'))
      .toThrow('[test/Smoke] AnalysisTemplate.fromTemplateName: templateName is not a valid object name; got "Smoke Test"; use lower-case letters');
  });
});
