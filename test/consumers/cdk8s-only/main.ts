// A cdk8s-only user: a CanaryApp and its ArgoCdApplication beside a cdk8s-plus-33 Deployment in
// the same chart. cdk8s-rollouts renders ApiObjects (and uses cdk8s-plus-28 internally, installed
// by npm as its peer), so the two cdk8s-plus lines coexist.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { ArgoCdApplication, CanaryApp, HeaderMatch, Step, TrafficRouting } from 'cdk8s-rollouts';

const app = new App();
const chart = new Chart(app, 'checkout', { namespace: 'shop' });
new CanaryApp(chart, 'checkout', {
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  replicas: 10,
  routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
  steps: [
    Step.setCanaryScale({ weight: 10 }),
    Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
    Step.pause(Duration.seconds(60)),
    Step.setWeight(50),
  ],
});
// a cdk8s-plus-33 construct in the same chart
const redis = new kplus.Deployment(chart, 'redis', {
  containers: [{ image: 'redis:7', portNumber: 6379, securityContext: { ensureNonRoot: false } }],
});
redis.exposeViaService({ name: 'redis' });

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'checkout', {
  repoUrl: 'https://github.com/acme/platform.git',
  outdirInRepo: 'dist', // the app writes to a temporary CDK8S_OUTDIR; in the repository it is dist/
  destinationNamespace: 'shop',
  deploys: [chart],
});
app.synth();

const loaded = Object.keys(require.cache).filter(k => k.includes(`${require('path').sep}aws-cdk-lib${require('path').sep}`));
if (loaded.length > 0) throw new Error(`aws-cdk-lib was loaded: ${loaded.length} modules`);
