// The README's ALB header-routing app (the "front door" section), as the reference the other
// languages' synth must match byte for byte. Run with ts-node on src/, as the examples are.
// Run by scripts/smoke-languages.sh; writes to $CDK8S_OUTDIR.
import { App, Chart, Duration } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, HeaderMatch, Step, TrafficRouting } from '../../../src';

const app = new App();
const chart = new Chart(app, 'checkout', { namespace: 'shop' });
new CanaryApp(chart, 'checkout', {
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  replicas: 10,
  routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
  steps: [
    Step.scaleCanary({ weight: 10 }),
    Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
    Step.pause(Duration.seconds(60)),
    Step.shiftTraffic(1),
    Step.pause(),
    Step.scaleCanary({ matchTrafficWeight: true }),
    Step.shiftTraffic(80),
  ],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'checkout', {
  repoUrl: 'https://github.com/acme/platform.git',
  outdirInRepo: 'dist', // the app writes to a temporary CDK8S_OUTDIR; in the repository it is dist/
  destinationNamespace: 'shop',
  deploys: [chart], // ignoreDifferences are derived from what the chart emits
});
app.synth();
