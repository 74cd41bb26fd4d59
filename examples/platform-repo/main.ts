// A platform repo: several canary apps, one folder of YAML per app, an Argo CD Application per
// app in a chart for the Argo CD namespace, and a root Application over them (app of apps), in a
// bootstrap chart of its own that is applied once by hand (`kubectl apply -f dist/root`).
// Run `npx cdk8s synth` here (cdk8s.yaml), or `npx projen synth:examples` at the top.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { ArgoCdAppOfApps, CanaryApp, HeaderMatch, Step, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const apps = new Chart(app, 'apps', { namespace: 'argocd' });
const root = new Chart(app, 'root', { namespace: 'argocd' });

// the root Application "platform" reads examples/platform-repo/dist/apps; each child reads
// examples/platform-repo/dist/<chart id> and deploys into the chart's namespace
const platform = new ArgoCdAppOfApps(apps, 'platform', {
  repoUrl: 'https://github.com/acme/platform.git',
  chartsPath: 'examples/platform-repo/dist',
  automatedSync: { prune: true, selfHeal: true },
  rootScope: root,
});
const autoSync = { automatedSync: { prune: true, selfHeal: true } };

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
platform.addChart(checkout, autoSync);

const catalog = new Chart(app, 'catalog', { namespace: 'shop' });
new CanaryApp(catalog, 'catalog', {
  image: 'ghcr.io/acme/catalog:3.1.0',
  containerPort: 8080,
  replicas: 4,
  routing: TrafficRouting.istio({ hosts: ['catalog'], gateways: ['mesh'] }),
  steps: [Step.setWeight(25), Step.pause(Duration.minutes(2)), Step.setWeight(75), Step.pause(Duration.minutes(2))],
});
platform.addChart(catalog, autoSync);

app.synth();
