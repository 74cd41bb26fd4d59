// A custom strategy (field report 001): scale the canary up for testing while it still gets no
// traffic, let testers in by header, gate promotion on a smoke-test Job, promote gradually, and
// roll back automatically when the SLO's error budget burns. The old version stays warm for ten
// minutes after promotion, so a rollback is instant.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import {
  AnalysisArgument, AnalysisTemplate, ArgoCdApplication, BuiltinAnalysis, CanaryApp, HeaderMatch, Metric,
  SloRecordingRules, Step, TemplateArgument, TrafficRouting,
} from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const chart = new Chart(app, 'orders', { namespace: 'orders' });

const smokeTest = new AnalysisTemplate(chart, 'smoke-test', {
  args: [TemplateArgument.required('base-url')],
  metrics: [Metric.job({
    name: 'smoke-test',
    containers: [{ image: 'ghcr.io/acme/orders-smoke-tests:1.0.0', args: ['--base-url', '{{args.base-url}}'] }],
    backoffLimit: 0,
  })],
});

const sloBurn = BuiltinAnalysis.sloBurnRate(chart, 'slo-burn-rate', {
  prometheusAddress: 'http://prometheus.monitoring.svc.cluster.local:9090',
  rules: SloRecordingRules.sloth('orders', 'requests-availability'),
  objective: 0.999,
});

new CanaryApp(chart, 'orders', {
  image: 'ghcr.io/acme/orders:5.2.0',
  containerPort: 8080,
  replicas: 8,
  routing: TrafficRouting.istio({ hosts: ['orders'], gateways: ['mesh'] }),
  strategy: {
    scaleDownDelay: Duration.minutes(10),
    analysis: { templates: [sloBurn], startingStep: 4 },
  },
  steps: [
    Step.setCanaryScale({ replicas: 2 }),
    Step.setHeaderRoute('orders-testers', [HeaderMatch.exact('x-canary', 'true')]),
    Step.analysis({
      templates: [smokeTest],
      args: [AnalysisArgument.value('base-url', 'http://orders-canary.orders.svc.cluster.local')],
    }),
    Step.setWeight(10),
    // the canary keeps pods at weight 10, so the testers' header route survives
    Step.setCanaryScale({ matchTrafficWeight: true }),
    Step.pause(Duration.minutes(10)),
    Step.setWeight(25),
    Step.pause(Duration.minutes(10)),
    Step.setWeight(50),
    Step.pause(Duration.minutes(10)),
    Step.removeHeaderRoute('orders-testers'),
  ],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'orders', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/custom-strategy-slo/dist/orders',
  destinationNamespace: 'orders',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
