import { Testing } from 'cdk8s';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { findManifest, synthValidated } from '../helpers/synth';

const metric = (query: string) => Metric.prometheus({ name: 'm', address: 'http://prometheus.monitoring:9090', query, successCondition: 'result[0] == 1' });

function template(args: TemplateArgument[]) {
  const chart = Testing.chart();
  new AnalysisTemplate(chart, 'Check', { name: 'check', args, metrics: [metric('vector(1)')] });
  return chart;
}

describe('TemplateArgument', () => {
  test('placeholder is the {{args.<name>}} text a metric reads', () => {
    expect(TemplateArgument.required('service').placeholder).toBe('{{args.service}}');
    expect(TemplateArgument.withDefault('canary-hash', 'abc').placeholder).toBe('{{args.canary-hash}}');
  });

  test('only required() makes an argument required', () => {
    expect(TemplateArgument.required('a').isRequired).toBe(true);
    expect(TemplateArgument.withDefault('a', '1').isRequired).toBe(false);
    expect(TemplateArgument.fromSecret('a', 's', 'k').isRequired).toBe(false);
  });

  test('a metric may read an argument through its placeholder', () => {
    const chart = Testing.chart();
    const service = TemplateArgument.required('service');
    new AnalysisTemplate(chart, 'Check', { name: 'check', args: [service], metrics: [metric(`up{service="${service.placeholder}"}`)] });
    const spec = findManifest(synthValidated(chart), 'AnalysisTemplate', 'check').spec;
    expect(spec.args).toEqual([{ name: 'service' }]);
    expect(spec.metrics[0].provider.prometheus.query).toBe('up{service="{{args.service}}"}');
  });

  test('an empty default value is rendered, not dropped', () => {
    const spec = findManifest(synthValidated(template([TemplateArgument.withDefault('suffix', '')])), 'AnalysisTemplate', 'check').spec;
    expect(spec.args).toEqual([{ name: 'suffix', value: '' }]);
  });

  test.each(['has space', 'a/b', 'x{y}', ''])('a name like %j fails, naming the template and the allowed characters', name => {
    expect(() => template([TemplateArgument.withDefault(name, '1')]))
      .toThrow(`[test/Check] AnalysisTemplate "check": argument name is invalid; got ${JSON.stringify(name)}; use letters, digits, '-', '_' or '.'`);
  });

  test('names with letters, digits, -, _ and . are accepted', () => {
    expect(() => template([TemplateArgument.withDefault('Canary_hash-2.x', '1')])).not.toThrow();
  });

  test('a Secret argument without a Secret name fails', () => {
    expect(() => template([TemplateArgument.fromSecret('token', '', 'token')]))
      .toThrow('[test/Check] AnalysisTemplate "check": argument "token" reads a Secret without a name or a key; got {"name":"","key":"token"}; give both a Secret name and a key');
  });

  test('a Secret argument without a key fails', () => {
    expect(() => template([TemplateArgument.fromSecret('token', 'prom-token', '')]))
      .toThrow('[test/Check] AnalysisTemplate "check": argument "token" reads a Secret without a name or a key; got {"name":"prom-token","key":""}; give both a Secret name and a key');
  });
});
