import { Testing } from 'cdk8s';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { MetricAuthentication } from '../../src/analysis/metric-authentication';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { findManifest, synthValidated } from '../helpers/synth';

const AMP = 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1';
const SECRET = TemplateArgument.fromSecret('oauth-secret', 'oauth', 'secret');

function template(metric: Metric) {
  const chart = Testing.chart();
  new AnalysisTemplate(chart, 'Check', { name: 'check', args: [SECRET], metrics: [metric] });
  return chart;
}

function provider(metric: Metric): any {
  return findManifest(synthValidated(template(metric)), 'AnalysisTemplate', 'check').spec.metrics[0].provider;
}

const oauth2 = (options: Partial<Parameters<typeof MetricAuthentication.oauth2>[0]> = {}) => MetricAuthentication.oauth2({
  tokenUrl: 'https://idp.example.com/token', clientId: 'rollouts', clientSecret: SECRET.placeholder, ...options,
});

describe('MetricAuthentication', () => {
  test('method names the authentication', () => {
    expect(MetricAuthentication.sigv4().method).toBe('sigv4');
    expect(oauth2().method).toBe('oauth2');
    expect(MetricAuthentication.basic('u', 'p').method).toBe('basic');
  });

  test('sigv4() without options renders an empty sigv4 block (the controller region and credential chain)', () => {
    expect(provider(Metric.prometheus({ name: 'amp', address: AMP, query: 'up', authentication: MetricAuthentication.sigv4() })).prometheus.authentication)
      .toEqual({ sigv4: {} });
  });

  test('sigv4() renders a profile', () => {
    const auth = MetricAuthentication.sigv4({ profile: 'monitoring' });
    expect(provider(Metric.prometheus({ name: 'amp', address: AMP, query: 'up', authentication: auth })).prometheus.authentication)
      .toEqual({ sigv4: { profile: 'monitoring' } });
  });

  test('oauth2() omits an empty scope list', () => {
    expect(provider(Metric.web({ name: 'w', url: 'https://api.example.com/health', authentication: oauth2({ scopes: [] }) })).web.authentication)
      .toEqual({ oauth2: { tokenUrl: 'https://idp.example.com/token', clientId: 'rollouts', clientSecret: '{{args.oauth-secret}}' } });
  });

  test('oauth2() keeps the scopes given at creation, even if the array changes later', () => {
    const scopes = ['read'];
    const auth = oauth2({ scopes });
    scopes.push('write');
    expect(provider(Metric.web({ name: 'w', url: 'https://api.example.com/health', authentication: auth })).web.authentication.oauth2.scopes)
      .toEqual(['read']);
  });

  test('oauth2() with an empty tokenUrl and clientId reports both', () => {
    const build = () => template(Metric.web({ name: 'w', url: 'https://api.example.com/health', authentication: oauth2({ tokenUrl: '', clientId: '' }) }));
    expect(build).toThrow('[test/Check] AnalysisTemplate "check": metric "w": oauth2 tokenUrl must not be empty; got ""; give the URL of the token endpoint\n'
      + '[test/Check] AnalysisTemplate "check": metric "w": oauth2 clientId must not be empty; got ""; give the client id');
  });

  test('basic() with an empty username and password reports both', () => {
    const build = () => template(Metric.prometheus({ name: 'p', address: AMP, query: 'up', authentication: MetricAuthentication.basic('', '') }));
    expect(build).toThrow(/metric "p": basic authentication username must not be empty; got ""; give the user name\n.*metric "p": basic authentication password must not be empty; got ""; give the password/);
  });
});
