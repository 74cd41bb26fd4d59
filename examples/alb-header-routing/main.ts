// ALB header-based routing for pre-traffic testing (field report 000): testers reach the canary
// with `version: 2` before any real traffic; Argo CD keeps the header route alive.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, HeaderMatch, Step, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const shop = new Chart(app, 'checkout', { namespace: 'shop' });
new CanaryApp(shop, 'checkout', {
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  replicas: 10,
  routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
  steps: [
    Step.setCanaryScale({ weight: 10 }),
    Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
    Step.pause(Duration.seconds(60)),
    Step.setWeight(1),
    Step.pause(),
    Step.setCanaryScale({ matchTrafficWeight: true }),
    Step.setWeight(80),
  ],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'checkout', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/alb-header-routing/dist/checkout',
  destinationNamespace: 'shop',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [shop],
});

app.synth();
