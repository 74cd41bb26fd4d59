// ALB ping-pong with a root Service, sticky sessions and target-group verification (field
// report 003). The Argo Rollouts controller is installed by Argo CD with the verification flag,
// AWS_REGION and the IRSA role (its IAM side: examples/aws-target-group-verification).
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { AlbScheme, ArgoCdApplication, CanaryApp, RolloutsController, Step, TrafficRouting } from '../../src';

export const app = new App({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

const chart = new Chart(app, 'payments', { namespace: 'payments' });
new CanaryApp(chart, 'payments', {
  image: 'ghcr.io/acme/payments:7.0.1',
  containerPort: 8443,
  replicas: 4,
  pingPong: true,
  routing: TrafficRouting.alb({
    host: 'pay.example.com',
    scheme: AlbScheme.INTERNET_FACING,
    stickiness: Duration.hours(1),
    verifyTargetGroups: true,
  }),
  strategy: { scaleDownDelay: Duration.minutes(5) },
  steps: [Step.setWeight(10), Step.pause(Duration.minutes(5)), Step.setWeight(50), Step.pause()],
});

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new RolloutsController(argocd, 'argo-rollouts', {
  region: 'eu-west-1',
  serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/argo-rollouts-controller',
  verifyTargetGroups: true,
});
new ArgoCdApplication(argocd, 'payments', {
  repoUrl: 'https://github.com/acme/platform.git',
  path: 'examples/alb-ping-pong-verified/dist/payments',
  destinationNamespace: 'payments',
  automatedSync: { prune: true, selfHeal: true },
  deploys: [chart],
});

app.synth();
