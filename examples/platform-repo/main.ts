// A platform repo: several canary apps, one folder of YAML per app, an Argo CD Application per
// app in a chart for the Argo CD namespace, and a root Application over them (app of apps).
// Run `npx cdk8s synth` here (cdk8s.yaml), or `npx projen synth:examples` at the top.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, HeaderMatch, Step, TrafficRouting } from '../../src';

const REPO = 'https://github.com/acme/platform.git';
const DIST = 'examples/platform-repo/dist';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const apps = new Chart(app, 'apps', { namespace: 'argocd' });

function deploy(chart: Chart, namespace: string) {
  new ArgoCdApplication(apps, chart.node.id, {
    repoUrl: REPO,
    path: `${DIST}/${chart.node.id}`,
    destinationNamespace: namespace,
    automatedSync: { prune: true, selfHeal: true },
    deploys: [chart],
  });
}

const checkout = new Chart(app, 'checkout', { namespace: 'shop' });
new CanaryApp(checkout, 'checkout', {
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  replicas: 6,
  routing: TrafficRouting.alb({ host: 'shop.example.com', path: '/checkout' }),
  steps: [
    Step.setCanaryScale({ replicas: 1 }),
    Step.setHeaderRoute('checkout-preview', [HeaderMatch.exact('x-preview', 'checkout')]),
    Step.pause(),
    Step.setWeight(10),
    Step.pause(Duration.minutes(5)),
    Step.setCanaryScale({ matchTrafficWeight: true }),
    Step.setWeight(50),
    Step.pause(Duration.minutes(5)),
  ],
});
deploy(checkout, 'shop');

const catalog = new Chart(app, 'catalog', { namespace: 'shop' });
new CanaryApp(catalog, 'catalog', {
  image: 'ghcr.io/acme/catalog:3.1.0',
  containerPort: 8080,
  replicas: 4,
  routing: TrafficRouting.istio({ hosts: ['catalog'], gateways: ['mesh'] }),
  steps: [Step.setWeight(25), Step.pause(Duration.minutes(2)), Step.setWeight(75), Step.pause(Duration.minutes(2))],
});
deploy(catalog, 'shop');

// the root Application syncs the folder of Applications
const root = new Chart(app, 'root', { namespace: 'argocd' });
new ArgoCdApplication(root, 'platform', {
  repoUrl: REPO,
  path: `${DIST}/apps`,
  destinationNamespace: 'argocd',
  automatedSync: { prune: true, selfHeal: true },
});

app.synth();
