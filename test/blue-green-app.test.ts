import { Chart, Duration, Testing } from 'cdk8s';
import { findManifest, synthValidated } from './helpers/synth';
import { AnalysisArgument } from '../src/analysis/analysis-run';
import { AnalysisTemplate } from '../src/analysis/analysis-template';
import { Metric } from '../src/analysis/metric';
import { BlueGreenApp } from '../src/blue-green-app';
import { RolloutNotification, RolloutNotificationTrigger } from '../src/rollout/notifications';
import { WorkloadRef } from '../src/rollout/workload-ref';

const IMAGE = 'ghcr.io/acme/checkout:1.4.2';
const chart = () => new Chart(Testing.app(), 'checkout', { namespace: 'shop' });

describe('BlueGreenApp', () => {
  test('creates the Rollout with active and preview Services and promotion analysis', () => {
    // GIVEN
    const c = chart();
    const smoke = new AnalysisTemplate(c, 'Smoke', {
      metrics: [Metric.web({ name: 'smoke', url: 'http://checkout-preview.shop/healthz', successCondition: 'result == "ok"', count: 3, interval: Duration.seconds(10) })],
    });
    // WHEN
    const app = new BlueGreenApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 4,
      prePromotionAnalysis: { templates: [smoke] },
      postPromotionAnalysis: { templates: [AnalysisTemplate.fromTemplateName(c, 'Slo', 'slo-burn')], args: [AnalysisArgument.value('service', 'checkout')] },
      strategy: { autoPromotionEnabled: false, scaleDownDelay: Duration.seconds(60), previewReplicaCount: 1 },
    });
    // THEN
    const manifests = synthValidated(c);
    expect(manifests.filter(m => m.kind === 'Service').map(m => m.metadata.name)).toEqual(['checkout-active', 'checkout-preview']);
    const r = findManifest(manifests, 'Rollout', 'checkout');
    expect(r.spec.replicas).toBe(4);
    expect(r.spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(r.spec.strategy.blueGreen).toEqual({
      activeService: 'checkout-active',
      previewService: 'checkout-preview',
      autoPromotionEnabled: false,
      previewReplicaCount: 1,
      scaleDownDelaySeconds: 60,
      prePromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
      postPromotionAnalysis: { templates: [{ templateName: 'slo-burn' }], args: [{ name: 'service', value: 'checkout' }] },
    });
    expect(findManifest(manifests, 'Service', 'checkout-active').spec.selector).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    expect(app.activeService.name).toBe('checkout-active');
  });

  test('passes pod settings, ReplicaSet metadata and notifications to the Rollout', () => {
    const c = chart();
    new BlueGreenApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      pod: { podMetadata: { labels: { team: 'shop' } }, nodeLabels: { pool: 'apps' } },
      strategy: { previewMetadata: { labels: { role: 'preview' } } },
      notifications: [RolloutNotification.slack(RolloutNotificationTrigger.ROLLOUT_ABORTED, ['checkout-alerts'])],
    });
    const r = findManifest(synthValidated(c), 'Rollout');
    expect(r.metadata.annotations).toEqual({ 'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'checkout-alerts' });
    expect(r.spec.template.metadata.labels).toEqual({ 'team': 'shop', 'app.kubernetes.io/name': 'checkout' });
    expect(r.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['apps'] }] }]);
    expect(r.spec.strategy.blueGreen.previewMetadata).toEqual({ labels: { role: 'preview' } });
  });

  test('migrates a Deployment with workloadRef', () => {
    const c = chart();
    new BlueGreenApp(c, 'checkout', { containerPort: 8080, workloadRef: WorkloadRef.deploymentName('checkout', { matchLabels: { app: 'checkout' } }) });
    const r = findManifest(synthValidated(c), 'Rollout');
    expect(r.spec.workloadRef).toMatchObject({ kind: 'Deployment', name: 'checkout' });
    expect(r.spec.template).toBeUndefined();
  });

  test('fails when the name is too long for "<name>-preview"', () => {
    expect(() => new BlueGreenApp(chart(), 'checkout', { name: 'a'.repeat(56), image: IMAGE, containerPort: 8080 }))
      .toThrow('[checkout/checkout] name must be a DNS-1035 label (lower-case letters, digits and \'-\', starting with a letter) of at most 55 characters');
  });

  test('fails without an image or workloadRef', () => {
    expect(() => new BlueGreenApp(chart(), 'checkout', { containerPort: 8080 }))
      .toThrow('[checkout/checkout] image must not be empty; got undefined');
  });

  test('fails when a port is out of range', () => {
    expect(() => new BlueGreenApp(chart(), 'checkout', { image: IMAGE, containerPort: 0 }))
      .toThrow('[checkout/checkout] containerPort must be a port number 1-65535; got 0');
  });
});
