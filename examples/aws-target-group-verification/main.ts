// ALB target-group verification on EKS (issue #7): the Argo Rollouts controller checks that the ALB
// registered the canary's pods before a step completes. Two halves:
//  - AWS CDK: the IAM policy (six elasticloadbalancing:Describe* actions on *) and the IRSA role of
//    the controller's ServiceAccount, written as a CloudFormation template;
//  - cdk8s: an Argo CD Application installing the argo-rollouts Helm chart with
//    --aws-verify-target-group, AWS_REGION and the role annotation, written as YAML.
// `npx projen synth:examples` writes both into dist/, plus the policy as plain JSON for Terraform/eksctl.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Chart } from 'cdk8s';
import { ControllerIdentity, RolloutsControllerRole, TargetGroupVerificationPolicy } from '../../packages/cdk8s-rollouts-aws/src';
import { RolloutsController } from '../../src';

const outdir = process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist');

// ---- AWS side: an AWS CDK app with one stack ------------------------------------------------
const cdkOut = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
const awsApp = new cdk.App({ outdir: cdkOut, analyticsReporting: false });
const iamStack = new cdk.Stack(awsApp, 'ArgoRolloutsIam', {
  env: { account: '123456789012', region: 'eu-west-1' },
  synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
});

// The cluster's IAM OIDC provider (for a cluster defined in the same app: ControllerIdentity.irsa(cluster)).
const oidc = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(iamStack, 'ClusterOidc',
  'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');

const controllerRole = new RolloutsControllerRole(iamStack, 'RolloutsController', {
  identity: ControllerIdentity.irsaFromProvider(oidc),
  // a fixed name lets plainRoleArn() spell the ARN for the YAML below
  roleName: 'argo-rollouts-controller',
});

// ---- Kubernetes side: a cdk8s app that Argo CD syncs ----------------------------------------
export const app = new App({ outdir });
const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
new RolloutsController(argocd, 'argo-rollouts', {
  // 'eu-west-1', set as AWS_REGION (the controller has no --aws-region flag)
  region: iamStack.region,
  // arn:aws:iam::123456789012:role/argo-rollouts-controller, never a CloudFormation token
  serviceAccountRoleArn: controllerRole.plainRoleArn(),
  // replaces the controller's default ["alb"]
  albIngressClasses: ['alb', 'alb-internal'],
  // EKS Auto Mode clusters: eksAutoMode: true (TargetGroupBindings in eks.amazonaws.com/v1 + RBAC)
});
app.synth();

// ---- write the AWS artifacts next to the YAML (after app.synth(), which owns the folder) -----
const template = awsApp.synth().getStackArtifact(iamStack.artifactId).template;
fs.rmSync(cdkOut, { recursive: true, force: true });
const awsDir = path.join(outdir, 'aws');
fs.mkdirSync(awsDir, { recursive: true });
fs.writeFileSync(path.join(awsDir, `${iamStack.stackName}.template.json`), JSON.stringify(template, undefined, 2) + '\n');
fs.writeFileSync(path.join(awsDir, 'target-group-verification-policy.json'), TargetGroupVerificationPolicy.plainDocumentJson());

/**
 * The other way round, for teams that deploy from the AWS CDK: the cdk8s chart is applied to the
 * cluster by `cluster.addCdk8sChart`, so CloudFormation resolves the role ARN token (hence
 * `deployedWithAwsCdk`). Not called here: it needs a real `eks.Cluster`. Use one way or the other
 * for the same objects, never both (two appliers would fight).
 */
export function deployFromAwsCdk(cluster: eks.Cluster): void {
  const stack = cdk.Stack.of(cluster);
  const role = new RolloutsControllerRole(stack, 'RolloutsControllerRole', {
    identity: ControllerIdentity.irsa(cluster),
  });
  const chart = new Chart(new App(), 'argo-rollouts-controller', { namespace: 'argocd' });
  new RolloutsController(chart, 'argo-rollouts', {
    region: stack.region,
    serviceAccountRoleArn: role.roleArn,
    deployedWithAwsCdk: true,
  });
  cluster.addCdk8sChart('ArgoRolloutsController', chart);
}
