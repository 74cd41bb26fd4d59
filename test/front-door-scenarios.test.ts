/**
 * The field reports' scenarios (issue #18 "Done when"), each written with a
 * front door only (CanaryApp or BlueGreenApp): no Rollout, no hand-made Service, no JSON patch.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { AnalysisArgument, PodTemplateHash } from '../src/analysis/analysis-run';
import { AnalysisTemplate } from '../src/analysis/analysis-template';
import { Metric } from '../src/analysis/metric';
import { TemplateArgument } from '../src/analysis/template-argument';
import { BlueGreenApp } from '../src/blue-green-app';
import { CanaryApp } from '../src/canary-app';
import { findManifest, synthValidated } from './helpers/synth';
import { HeaderMatch, Step } from '../src/rollout/step';
import { WorkloadRef, WorkloadRefScaleDown } from '../src/rollout/workload-ref';
import { AlbScheme } from '../src/routing/alb';
import { TrafficRouting } from '../src/routing/traffic-routing';

const IMAGE = 'ghcr.io/acme/checkout:1.4.2';
const chart = () => new Chart(Testing.app(), 'checkout', { namespace: 'shop' });
const prometheus = 'http://prometheus.monitoring:9090';

describe('seed scenarios with the front doors alone', () => {
  test('ALB header routing for pre-traffic testing (report 000)', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 10,
      routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
      steps: [
        Step.setCanaryScale({ weight: 10 }),
        Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
        Step.pause(),
        Step.setWeight(20),
        Step.pause(Duration.minutes(5)),
      ],
    });
    const manifests = synthValidated(c);
    const canary = findManifest(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-header-route-new' }]);
    expect(canary.trafficRouting.alb).toMatchObject({ ingress: 'checkout', rootService: 'checkout-root', servicePort: 80 });
    expect(canary.steps[1]).toEqual({ setHeaderRoute: { name: 'canary-header-route-new', match: [{ headerName: 'version', headerValue: { exact: '2' } }] } });
    expect(manifests.filter(m => m.kind === 'Service').map(m => m.metadata.name)).toEqual(['checkout-stable', 'checkout-canary', 'checkout-root']);
  });

  test('custom strategy: header route at weight 0, SLO rollback and a smoke-test Job in an Istio mesh (report 001)', () => {
    const c = chart();
    const slo = new AnalysisTemplate(c, 'ErrorRate', {
      args: [TemplateArgument.required('canary-hash')],
      metrics: [Metric.prometheus({
        name: 'error-rate',
        address: prometheus,
        interval: Duration.minutes(1),
        failureLimit: 1,
        query: 'sum(rate(istio_requests_total{destination_workload="checkout",response_code=~"5..",pod=~"checkout-{{args.canary-hash}}-.*"}[2m])) / sum(rate(istio_requests_total{destination_workload="checkout",pod=~"checkout-{{args.canary-hash}}-.*"}[2m]))',
        successCondition: 'result[0] < 0.01',
      })],
    });
    const smoke = new AnalysisTemplate(c, 'Smoke', {
      metrics: [Metric.job({
        name: 'smoke',
        podAnnotations: { 'sidecar.istio.io/inject': 'false' },
        containers: [{ image: 'curlimages/curl:8.10.1', command: ['curl', '-fsS', '-H', 'x-canary: true', 'http://checkout.shop/healthz'] }],
      })],
    });
    new CanaryApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 5,
      routing: TrafficRouting.istio({ hosts: ['checkout'] }),
      pod: { podMetadata: { annotations: { 'sidecar.istio.io/inject': 'true' } } },
      steps: [
        Step.setCanaryScale({ replicas: 1 }),
        Step.setHeaderRoute('canary-testers', [HeaderMatch.exact('x-canary', 'true')]),
        Step.analysis({ templates: [smoke] }),
        Step.setWeight(10),
        Step.pause(Duration.minutes(10)),
        Step.setWeight(50),
        Step.pause(Duration.minutes(10)),
      ],
      strategy: { analysis: { templates: [slo], args: [AnalysisArgument.podTemplateHash('canary-hash', PodTemplateHash.LATEST)], startingStep: 3 } },
      progressDeadlineAbort: true,
    });
    const manifests = synthValidated(c);
    const r = findManifest(manifests, 'Rollout');
    expect(r.spec.progressDeadlineAbort).toBe(true);
    expect(r.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(r.spec.strategy.canary.analysis).toMatchObject({ templates: [{ templateName: 'error-rate' }], startingStep: 3 });
    expect(r.spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-testers' }]);
    const job = findManifest(manifests, 'AnalysisTemplate', 'smoke').spec.metrics[0].provider.job;
    expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
  });

  test('workloadRef migration from an existing Deployment (report 001)', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      containerPort: 8080,
      replicas: 5,
      workloadRef: WorkloadRef.deploymentName('checkout', { matchLabels: { app: 'checkout' }, scaleDown: WorkloadRefScaleDown.PROGRESSIVELY }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    const manifests = synthValidated(c);
    const r = findManifest(manifests, 'Rollout');
    expect(r.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', scaleDown: 'progressively' });
    expect(r.spec.selector).toEqual({ matchLabels: { app: 'checkout' } });
    expect(findManifest(manifests, 'Service', 'checkout-canary').spec.selector).toEqual({ app: 'checkout' });
  });

  test('Istio canary with in-cluster and public hosts, gateway and mesh, 20/40/60/80 (report 002)', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 4,
      routing: TrafficRouting.istio({ hosts: ['checkout', 'checkout.acme.example'], gateways: ['istio-system/public', 'mesh'] }),
      steps: [20, 40, 60, 80].flatMap(w => [Step.setWeight(w), Step.pause(Duration.minutes(2))]),
    });
    const manifests = synthValidated(c);
    const vs = findManifest(manifests, 'VirtualService', 'checkout');
    expect(vs.spec.hosts).toEqual(['checkout', 'checkout.acme.example']);
    expect(vs.spec.gateways).toEqual(['istio-system/public', 'mesh']);
    expect(vs.spec.http[0].route.map((d: any) => d.destination.host)).toEqual(['checkout-stable', 'checkout-canary']);
    const steps = findManifest(manifests, 'Rollout').spec.strategy.canary.steps;
    expect(steps.filter((s: any) => s.setWeight).map((s: any) => s.setWeight)).toEqual([20, 40, 60, 80]);
  });

  test('ALB ping-pong with stickiness, verification and two Ingresses (report 003)', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 4,
      pingPong: true,
      routing: TrafficRouting.alb({
        host: 'shop.acme.example', scheme: AlbScheme.INTERNET_FACING, stickiness: Duration.hours(1), verifyTargetGroups: true,
      }),
      additionalIngresses: [{ suffix: 'internal', host: 'shop.internal.acme.example', scheme: AlbScheme.INTERNAL }],
      steps: [Step.setWeight(10), Step.pause(), Step.setWeight(50), Step.pause(Duration.minutes(5))],
    });
    const manifests = synthValidated(c);
    const canary = findManifest(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.pingPong).toEqual({ pingService: 'checkout-ping', pongService: 'checkout-pong' });
    expect(canary.trafficRouting.alb).toMatchObject({ ingresses: ['checkout', 'checkout-internal'], rootService: 'checkout-root' });
    expect(canary.trafficRouting.alb.stickinessConfig).toEqual({ enabled: true, durationSeconds: 3600 });
    const ingresses = manifests.filter(m => m.kind === 'Ingress');
    expect(ingresses.map(i => [i.metadata.name, i.metadata.annotations['alb.ingress.kubernetes.io/scheme'], i.metadata.annotations['alb.ingress.kubernetes.io/target-type']]))
      .toEqual([['checkout', 'internet-facing', 'ip'], ['checkout-internal', 'internal', 'ip']]);
  });

  test('blue-green with pre- and post-promotion analysis', () => {
    const c = chart();
    const smoke = new AnalysisTemplate(c, 'Smoke', {
      metrics: [Metric.web({ name: 'smoke', url: 'http://checkout-preview.shop/healthz', count: 3, interval: Duration.seconds(10), successCondition: 'result == "ok"' })],
    });
    new BlueGreenApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      replicas: 4,
      prePromotionAnalysis: { templates: [smoke] },
      postPromotionAnalysis: { templates: [smoke] },
      strategy: { autoPromotionEnabled: false },
    });
    const manifests = synthValidated(c);
    const bg = findManifest(manifests, 'Rollout').spec.strategy.blueGreen;
    expect(bg).toMatchObject({
      activeService: 'checkout-active',
      previewService: 'checkout-preview',
      autoPromotionEnabled: false,
      prePromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
      postPromotionAnalysis: { templates: [{ templateName: 'smoke' }] },
    });
  });
});
