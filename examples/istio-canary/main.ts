// Istio canary (field report 002): stable and canary Services, a VirtualService for an in-cluster
// and a public host through an ingress gateway and the mesh, exported to all namespaces.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoCdApplication, CanaryApp, Step, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const chart = new Chart(app, 'reviews', { namespace: 'bookinfo' });
new CanaryApp(chart, 'reviews', {
  image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.2',
  containerPort: 9080,
  servicePort: 9080,
  replicas: 6,
  routing: TrafficRouting.istio({
    hosts: ['reviews.bookinfo.svc.cluster.local', 'reviews.example.com'],
    gateways: ['istio-system/public-gateway', 'mesh'],
    exportTo: ['*'],
  }),
  strategy: { maxSurge: kplus.PercentOrAbsolute.absolute(3), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) },
  steps: [
    Step.setWeight(20), Step.pause(Duration.minutes(1)),
    Step.setWeight(40), Step.pause(Duration.minutes(1)),
    Step.setWeight(60), Step.pause(Duration.minutes(1)),
    Step.setWeight(80), Step.pause(Duration.minutes(1)),
  ],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'reviews', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/istio-canary/dist/reviews',
  destinationNamespace: 'bookinfo',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
