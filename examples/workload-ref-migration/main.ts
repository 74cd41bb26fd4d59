// Migrating a Deployment to a Rollout without copying its pod template (workloadRef): the
// Rollout takes the Deployment's template, and the controller scales the Deployment down as the
// Rollout's pods become ready. A temporary Service and Ingress select the pods of both during the
// switch; Argo CD ignores the Deployment's replicas, which the controller now owns.
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoCdApplication, Rollout, RolloutStrategy, Step, WorkloadRef, WorkloadRefScaleDown } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const chart = new Chart(app, 'web', { namespace: 'web' });

// the existing Deployment, unchanged
const deployment = new kplus.Deployment(chart, 'web', {
  metadata: { name: 'web' },
  replicas: 4,
  containers: [{ image: 'ghcr.io/acme/web:9.4.0', portNumber: 8080 }],
});

new Rollout(chart, 'web-rollout', {
  metadata: { name: 'web' },
  replicas: 4,
  workloadRef: WorkloadRef.deployment(deployment, { scaleDown: WorkloadRefScaleDown.PROGRESSIVELY }),
  strategy: RolloutStrategy.canary({
    steps: [Step.setWeight(25), Step.pause(Duration.minutes(5)), Step.setWeight(50), Step.pause(Duration.minutes(5))],
  }),
});

// the Deployment's and the Rollout's pods carry the same labels: one Service reaches both
const service = new kplus.Service(chart, 'service', {
  metadata: { name: 'web-migration' },
  selector: deployment,
  ports: [{ name: 'http', port: 80, targetPort: 8080 }],
});
new kplus.Ingress(chart, 'ingress', {
  metadata: { name: 'web-migration' },
  className: 'alb',
  rules: [{ host: 'web.example.com', backend: kplus.IngressBackend.fromService(service) }],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new ArgoCdApplication(argocd, 'web', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/workload-ref-migration/dist/web',
  destinationNamespace: 'web',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
