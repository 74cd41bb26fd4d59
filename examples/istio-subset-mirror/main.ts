// Istio subset-level routing: one Service, a DestinationRule with exactly the stable and canary
// subsets, and a mirror route that copies GET /api traffic to the canary before any real traffic.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, MirrorMatch, Step, StringMatch, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const mirror: MirrorMatch = { method: StringMatch.exact('GET'), path: StringMatch.prefix('/api') };
const chart = new Chart(app, 'catalog', { namespace: 'shop' });
new CanaryApp(chart, 'catalog', {
  image: 'ghcr.io/acme/catalog:3.1.0',
  containerPort: 8080,
  replicas: 4,
  routing: TrafficRouting.istio({ hosts: ['catalog'], subsetLevel: true }),
  steps: [
    Step.setCanaryScale({ weight: 25 }),
    Step.setMirrorRoute({ name: 'mirror-api', percentage: 50, matches: [mirror] }),
    Step.pause(Duration.minutes(10)),
    Step.removeMirrorRoute('mirror-api'),
    Step.setCanaryScale({ matchTrafficWeight: true }),
    Step.setWeight(5),
    Step.pause(Duration.minutes(10)),
    Step.setWeight(50),
    Step.pause(),
  ],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'catalog', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/istio-subset-mirror/dist/catalog',
  destinationNamespace: 'shop',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
