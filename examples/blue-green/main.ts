// Blue-green with active and preview Services: the preview is smoke-tested by a Job before the
// switch, and the switch waits for promotion.
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArgument, AnalysisTemplate, ArgoCdApplication, Metric, Rollout, RolloutStrategy, TemplateArgument } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const chart = new Chart(app, 'search', { namespace: 'search' });
const port = [{ name: 'http', port: 80, targetPort: 8080 }];
const active = new kplus.Service(chart, 'active', { metadata: { name: 'search-active' }, ports: port });
const preview = new kplus.Service(chart, 'preview', { metadata: { name: 'search-preview' }, ports: port });

const smokeTest = new AnalysisTemplate(chart, 'smoke-test', {
  args: [TemplateArgument.required('url')],
  metrics: [Metric.job({
    name: 'smoke-test',
    containers: [{ image: 'curlimages/curl:8.10.1', command: ['curl', '-fsS', '{{args.url}}/healthz'] }],
    backoffLimit: 1,
  })],
});

new Rollout(chart, 'search', {
  replicas: 3,
  containers: [{ image: 'ghcr.io/acme/search:2.0.0', portNumber: 8080 }],
  strategy: RolloutStrategy.blueGreen({
    activeService: active,
    previewService: preview,
    autoPromotionEnabled: false,
    prePromotionAnalysis: {
      templates: [smokeTest],
      args: [AnalysisArgument.value('url', 'http://search-preview.search.svc.cluster.local')],
    },
  }),
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'search', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/blue-green/dist/search',
  destinationNamespace: 'search',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
