// Fast rollback under Argo CD auto-sync (field report 000's incident): a Git revert of a bad
// release that was already promoted goes back to the previous ReplicaSet at once, skipping the
// steps, because the previous release stays warm for 10 minutes (scaleDownDelay, one revision)
// and is within the rollback window; a release whose pods never become ready aborts by itself.
// See docs/rollback.md for what abort, undo and a Git revert each do.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, CanaryApp, Step, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const shop = new Chart(app, 'payments', { namespace: 'shop' });
new CanaryApp(shop, 'payments', {
  image: 'ghcr.io/acme/payments:3.2.0',
  containerPort: 8080,
  replicas: 6,
  routing: TrafficRouting.alb({ host: 'payments.example.com' }),
  steps: [
    Step.setWeight(10),
    Step.pause(Duration.minutes(5)),
    Step.setWeight(50),
    Step.pause(),
  ],
  // a revert to one of the last two releases skips the steps while that release has pods
  rollbackWindow: { revisions: 2 },
  strategy: {
    scaleDownDelay: Duration.minutes(10),
    scaleDownDelayRevisionLimit: 1,
    abortScaleDownDelay: Duration.seconds(30),
  },
  // pods that are not ready within 5 minutes abort the release without waiting for a person
  progressDeadline: Duration.minutes(5),
  progressDeadlineAbort: true,
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'payments', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/fast-rollback/dist/payments',
  destinationNamespace: 'shop',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [shop],
});

app.synth();
