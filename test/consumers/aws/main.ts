// An AWS user: the IAM policy and the controller's IRSA role in an AWS CDK stack
// (cdk8s-rollouts-aws), the controller settings and a CanaryApp in cdk8s (cdk8s-rollouts).
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Chart } from 'cdk8s';
import { CanaryApp, RolloutsController, Step, TrafficRouting } from 'cdk8s-rollouts';
import { ControllerIdentity, RolloutsControllerRole, TargetGroupVerificationPolicy } from 'cdk8s-rollouts-aws';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';

const awsApp = new cdk.App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdk-out-')) });
const stack = new cdk.Stack(awsApp, 'ArgoRolloutsIam', { env: { account: '111111111111', region: 'eu-west-1' } });
const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
  'arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');
const role = new RolloutsControllerRole(stack, 'ControllerRole', {
  identity: ControllerIdentity.irsaFromProvider(provider),
  roleName: 'argo-rollouts-controller',
});

const app = new App({ outdir });
const controller = new Chart(app, 'argo-rollouts', { namespace: 'argocd' });
new RolloutsController(controller, 'argo-rollouts', {
  region: stack.region,
  serviceAccountRoleArn: role.plainRoleArn(),
});
const chart = new Chart(app, 'checkout', { namespace: 'shop' });
new CanaryApp(chart, 'checkout', {
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
  steps: [Step.setWeight(20), Step.pause()],
});
app.synth();
// after app.synth(), which owns the folder
const template = JSON.stringify(awsApp.synth().getStackArtifact(stack.artifactId).template, null, 2);
fs.writeFileSync(path.join(outdir, 'policy.json'), TargetGroupVerificationPolicy.plainDocumentJson());
if (!template.includes('sts:AssumeRoleWithWebIdentity')) throw new Error('no IRSA trust in the role template');
