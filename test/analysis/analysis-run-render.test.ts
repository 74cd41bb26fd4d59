import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { AnalysisArgument, AnalysisUsage, PodTemplateHash } from '../../src/analysis/analysis-run';
import { fieldPathProblem, renderAnalysisRun, validateAnalysisRun } from '../../src/analysis/analysis-run-render';
import { AnalysisTemplate, ClusterAnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';

const metric = (extra: any = {}) => Metric.prometheus({
  name: 'rate', address: 'http://prometheus:9090', query: 'x{svc="{{args.service}}"}', ...extra,
});

function setup(namespace = 'shop') {
  const app = Testing.app();
  const chart = new Chart(app, 'checkout', { namespace });
  const rollout = new Construct(chart, 'Rollout');
  const template = new AnalysisTemplate(chart, 'SuccessRate', { args: [TemplateArgument.required('service')], metrics: [metric()] });
  return { app, chart, rollout, template };
}

describe('validateAnalysisRun', () => {
  test('accepts a template with every argument supplied', () => {
    const { rollout, template } = setup();
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, {
      templates: [template], args: [AnalysisArgument.value('service', 'checkout')],
    })).toEqual([]);
  });

  test('fails when a required argument is missing', () => {
    const { rollout, template } = setup();
    expect(validateAnalysisRun(rollout, '[checkout/Rollout] step 2', AnalysisUsage.STEP, { templates: [template] })).toEqual([
      '[checkout/Rollout] step 2: AnalysisTemplate "success-rate" needs argument "service", which an analysis step does not supply; got []; add AnalysisArgument.value(\'service\', ...) (or podTemplateHash/fieldRef) to its args',
    ]);
  });

  test('fails when an argument is given twice', () => {
    const { rollout, template } = setup();
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, {
      templates: [template], args: [AnalysisArgument.value('service', 'a'), AnalysisArgument.value('service', 'b')],
    })).toEqual(['step 1: argument "service" is given more than once; got 2 times; give each argument once']);
  });

  test('fails when a step runs an indefinite metric', () => {
    const { chart, rollout } = setup();
    const t = new AnalysisTemplate(chart, 'Forever', { metrics: [Metric.prometheus({ name: 'up', address: 'http://p:9090', query: 'up', interval: Duration.minutes(1) })] });
    expect(validateAnalysisRun(rollout, 'step 3', AnalysisUsage.STEP, { templates: [t] })).toEqual([
      'step 3: AnalysisTemplate "forever" has metric "up" with an interval and no count, so it runs indefinitely and an analysis step never completes; got no count; set a count on the metric',
    ]);
    expect(validateAnalysisRun(rollout, 'pre-promotion', AnalysisUsage.PRE_PROMOTION, { templates: [t] })).toHaveLength(1);
    expect(validateAnalysisRun(rollout, 'background', AnalysisUsage.BACKGROUND, { templates: [t] })).toEqual([]);
  });

  test('fails when a namespaced template comes from another app', () => {
    const { rollout } = setup();
    const other = setup().template;
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, {
      templates: [other], args: [AnalysisArgument.value('service', 'x')],
    })).toEqual([
      'step 1: AnalysisTemplate is not defined in this app; got "success-rate"; define it with new AnalysisTemplate(...) in this app, reference an existing one with AnalysisTemplate.fromTemplateName(chart, id, name), or use a ClusterAnalysisTemplate',
    ]);
  });

  test('fails when a namespaced template is in another namespace', () => {
    const { app, rollout } = setup();
    const platform = new Chart(app, 'platform', { namespace: 'platform' });
    const t = new AnalysisTemplate(platform, 'Smoke', { metrics: [Metric.web({ name: 'smoke', url: 'https://x' })] });
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, { templates: [t] })).toEqual([
      'step 1: AnalysisTemplate "smoke" is in another namespace than the Rollout ("shop"); got "platform"; a namespaced template must live in the Rollout\'s namespace (or use a ClusterAnalysisTemplate)',
    ]);
  });

  test('accepts a cluster template from anywhere and checks its known arguments', () => {
    const { rollout } = setup();
    const t = ClusterAnalysisTemplate.fromTemplateName('platform-smoke', ['url']);
    expect(validateAnalysisRun(rollout, 'background', AnalysisUsage.BACKGROUND, { templates: [t] })).toEqual([
      'background: ClusterAnalysisTemplate "platform-smoke" needs argument "url", which background analysis does not supply; got []; add AnalysisArgument.value(\'url\', ...) (or podTemplateHash/fieldRef) to its args',
    ]);
  });

  test('fails when there are no templates', () => {
    const { rollout } = setup();
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, { templates: [] }))
      .toEqual(['step 1: an analysis step needs at least one template; got none; add an AnalysisTemplate or ClusterAnalysisTemplate to templates']);
  });

  test('fails when a fieldRef uses the dotted label form', () => {
    const { rollout, template } = setup();
    expect(validateAnalysisRun(rollout, 'step 1', AnalysisUsage.STEP, {
      templates: [template], args: [AnalysisArgument.fieldRef('service', 'metadata.labels.app')],
    })).toEqual([
      'step 1: argument "service" reads a fieldRef which the controller cannot resolve from the Rollout; got "metadata.labels.app"; metadata paths are read like the downward API: use metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'<key>\'] or metadata.annotations[\'<key>\']',
    ]);
  });
});

describe('fieldPathProblem (controller fieldRef rules)', () => {
  test.each([
    'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations',
    'metadata.labels[\'app\']', 'metadata.labels[\'app.kubernetes.io/name\']', 'metadata.annotations[\'Example.com/Owner\']',
    'spec.template.metadata.labels.version', 'status.alb.canaryTargetGroup.fullName', 'spec.template.spec.containers[0].image',
  ])('accepts %s', (path) => {
    expect(fieldPathProblem(path)).toBeUndefined();
  });

  test.each([
    'metadata.labels.app', 'metadata.generation', 'metadata.labels[\'-bad\']', 'metadataX',
    'spec.template.metadata.labels[\'app\']', 'kind.x', 'spec.', 'status..x',
  ])('rejects %s', (path) => {
    expect(fieldPathProblem(path)).toBeDefined();
  });
});

describe('renderAnalysisRun', () => {
  test('renders templates, args, dry-run, retention, metadata and startingStep', () => {
    const { template } = setup();
    expect(renderAnalysisRun({
      templates: [template, ClusterAnalysisTemplate.fromTemplateName('platform-smoke')],
      args: [AnalysisArgument.podTemplateHash('service', PodTemplateHash.STABLE)],
      dryRunMetrics: ['rate'],
      measurementRetention: [{ metricName: 'rate', limit: 5 }],
      analysisRunLabels: { team: 'shop' },
      startingStep: 2,
    } as any)).toEqual({
      templates: [{ templateName: 'success-rate', clusterScope: undefined }, { templateName: 'platform-smoke', clusterScope: true }],
      args: [{ name: 'service', valueFrom: { podTemplateHashValue: 'Stable' } }],
      dryRun: [{ metricName: 'rate' }],
      measurementRetention: [{ metricName: 'rate', limit: 5 }],
      analysisRunMetadata: { labels: { team: 'shop' }, annotations: undefined },
      startingStep: 2,
    });
  });
});
