import { execFileSync } from 'child_process';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Chart, Testing } from 'cdk8s';
import { RolloutsController, RolloutsControllerProps } from '../../src/aws/rollouts-controller';
import { findManifest, synthValidated } from '../helpers/synth';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/argo-rollouts-controller';

function controller(props: RolloutsControllerProps, chartNamespace?: string): { chart: Chart; controller: RolloutsController } {
  const app = Testing.app();
  const chart = new Chart(app, 'platform', chartNamespace ? { namespace: chartNamespace } : {});
  return { chart, controller: new RolloutsController(chart, 'rollouts', props) };
}

function application(chart: Chart): any {
  return findManifest(synthValidated(chart), 'Application', 'argo-rollouts');
}

describe('RolloutsController', () => {
  test('installs the pinned argo-rollouts chart with target-group verification, AWS_REGION and the IRSA annotation', () => {
    // GIVEN / WHEN
    const { chart } = controller({ region: 'eu-west-1', serviceAccountRoleArn: ROLE_ARN });

    // THEN
    const manifests = synthValidated(chart);
    expect(manifests).toHaveLength(1);
    expect(manifests[0]).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'argo-rollouts', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://argoproj.github.io/argo-helm',
          chart: 'argo-rollouts',
          targetRevision: '2.41.0',
          helm: {
            releaseName: 'argo-rollouts',
            valuesObject: {
              controller: {
                extraArgs: ['--aws-verify-target-group'],
                extraEnv: [{ name: 'AWS_REGION', value: 'eu-west-1' }],
              },
              serviceAccount: {
                create: true,
                name: 'argo-rollouts',
                annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
              },
            },
          },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'argo-rollouts' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        },
      },
    });
  });

  test('Pod Identity: no role annotation; names follow the props', () => {
    const { chart, controller: c } = controller({
      region: 'us-gov-west-1',
      namespace: 'rollouts',
      serviceAccountName: 'rollouts-controller',
      applicationName: 'rollouts',
      chartVersion: '2.40.9',
      autoSync: false,
      project: 'platform',
    }, 'gitops');
    const app = findManifest(synthValidated(chart), 'Application', 'rollouts');
    expect(app.metadata.namespace).toEqual('gitops');
    expect(app.spec.project).toEqual('platform');
    expect(app.spec.source.targetRevision).toEqual('2.40.9');
    expect(app.spec.source.helm.releaseName).toEqual('rollouts');
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'rollouts' });
    expect(app.spec.syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] });
    expect(c.helmValues().serviceAccount).toEqual({ create: true, name: 'rollouts-controller' });
    expect(c.helmValues().controller.extraEnv).toEqual([{ name: 'AWS_REGION', value: 'us-gov-west-1' }]);
  });

  test('EKS Auto Mode: the eks.amazonaws.com/v1 TargetGroupBinding API and RBAC on its group', () => {
    const { chart, controller: c } = controller({ region: 'eu-west-1', eksAutoMode: true });
    expect(application(chart).spec.source.helm.valuesObject).toEqual({
      controller: {
        extraArgs: ['--aws-verify-target-group', '--aws-target-group-binding-api-version=eks.amazonaws.com/v1'],
        extraEnv: [{ name: 'AWS_REGION', value: 'eu-west-1' }],
      },
      serviceAccount: { create: true, name: 'argo-rollouts' },
      providerRBAC: {
        additionalRules: [{ apiGroups: ['eks.amazonaws.com'], resources: ['targetgroupbindings'], verbs: ['get', 'list'] }],
      },
    });
    expect(c.controllerArgs).toEqual(['--aws-verify-target-group', '--aws-target-group-binding-api-version=eks.amazonaws.com/v1']);
  });

  test('EKS Auto Mode with the explicit matching API version', () => {
    const { controller: c } = controller({ region: 'eu-west-1', eksAutoMode: true, targetGroupBindingApiVersion: 'eks.amazonaws.com/v1' });
    expect(c.controllerArgs).toContain('--aws-target-group-binding-api-version=eks.amazonaws.com/v1');
  });

  test('the AWS Load Balancer Controller API version is passed through without extra RBAC', () => {
    const { controller: c } = controller({ region: 'eu-west-1', targetGroupBindingApiVersion: 'elbv2.k8s.aws/v1beta1' });
    expect(c.controllerArgs).toEqual(['--aws-verify-target-group', '--aws-target-group-binding-api-version=elbv2.k8s.aws/v1beta1']);
    expect(c.helmValues().providerRBAC).toBeUndefined();
  });

  test('custom ALB ingress classes, tag key, and verification off', () => {
    const { chart, controller: c } = controller({
      region: 'ap-southeast-7',
      albIngressClasses: ['alb', 'internal-alb', ''],
      albTagKeyResourceId: 'ingress.k8s.aws/resource',
      verifyTargetGroups: false,
    });
    expect(c.controllerArgs).toEqual([
      '--alb-tag-key-resource-id=ingress.k8s.aws/resource',
      '--alb-ingress-classes=alb',
      '--alb-ingress-classes=internal-alb',
      '--alb-ingress-classes=',
    ]);
    expect(application(chart).spec.source.helm.valuesObject.controller.extraArgs).toEqual(c.controllerArgs);
  });

  test('the Application is the default child, and helmValues() is a copy', () => {
    const { controller: c } = controller({ region: 'eu-west-1' });
    expect(c.node.defaultChild).toBe(c.application);
    c.helmValues().controller.extraArgs.push('--mutated');
    expect(c.controllerArgs).toEqual(['--aws-verify-target-group']);
    expect(RolloutsController.DEFAULT_CHART_VERSION).toEqual('2.41.0');
  });

  test('an AWS CDK token is accepted when the chart is deployed with eks.Cluster.addCdk8sChart', () => {
    const stack = new cdk.Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const { controller: c } = controller({ region: stack.region, serviceAccountRoleArn: role.roleArn, deployedWithAwsCdk: true });
    expect(cdk.Token.isUnresolved(c.helmValues().serviceAccount.annotations['eks.amazonaws.com/role-arn'])).toBe(true);
    expect(cdk.Token.isUnresolved(c.helmValues().controller.extraEnv[0].value)).toBe(true);
  });

  describe('fails', () => {
    const cases: Array<[string, RolloutsControllerProps, RegExp]> = [
      ['without a region', { region: undefined as any }, /\[platform\/rollouts\] region is required: the controller reads it from AWS_REGION \(there is no --aws-region flag\); got nothing; pass the cluster's region/],
      ['with an empty region', { region: '' }, /\[platform\/rollouts\] region is required/],
      ['with an availability zone as region', { region: 'us-east-1a' }, /\[platform\/rollouts\] region does not look like an AWS region; got "us-east-1a"; .*not an availability zone/],
      ['with a region that is not one', { region: 'Europe' }, /region does not look like an AWS region; got "Europe"/],
      ['with a malformed role ARN', { region: 'eu-west-1', serviceAccountRoleArn: 'arn:aws:iam::1234:user/bob' },
        /\[platform\/rollouts\] serviceAccountRoleArn is not an IAM role ARN; got "arn:aws:iam::1234:user\/bob"; give arn:<partition>:iam::<12-digit account>:role\/<name>/],
      ['with a chart version range', { region: 'eu-west-1', chartVersion: '^2.40.0' },
        /\[platform\/rollouts\] chartVersion is not an exact chart version; got "\^2.40.0"; pin one, e.g. "2.41.0"/],
      ['with a wildcard chart version', { region: 'eu-west-1', chartVersion: '2.*' }, /chartVersion is not an exact chart version; got "2\.\*"/],
      ['with EKS Auto Mode on a chart whose controller lacks the flag', { region: 'eu-west-1', eksAutoMode: true, chartVersion: '2.39.0' },
        /\[platform\/rollouts\] chartVersion installs a controller older than v1.9.0, which exits on --aws-target-group-binding-api-version; got "2.39.0"; use chartVersion 2.40.8 or later/],
      ['with a tag key on a chart whose controller lacks the flag', { region: 'eu-west-1', albTagKeyResourceId: 'k', chartVersion: '2.40.7' },
        /chartVersion installs a controller older than v1.9.0, which exits on --alb-tag-key-resource-id; got "2.40.7"/],
      ['with EKS Auto Mode and the AWS Load Balancer Controller API', { region: 'eu-west-1', eksAutoMode: true, targetGroupBindingApiVersion: 'elbv2.k8s.aws/v1beta1' },
        /\[platform\/rollouts\] eksAutoMode is set but targetGroupBindingApiVersion is not "eks.amazonaws.com\/v1", as which EKS Auto Mode serves TargetGroupBindings; got "elbv2.k8s.aws\/v1beta1"; remove targetGroupBindingApiVersion or set it to "eks.amazonaws.com\/v1"/],
      ['with the EKS Auto Mode API but without eksAutoMode', { region: 'eu-west-1', targetGroupBindingApiVersion: 'eks.amazonaws.com/v1' },
        /\[platform\/rollouts\] targetGroupBindingApiVersion is EKS Auto Mode's API but eksAutoMode is not set; got "eks.amazonaws.com\/v1"; set eksAutoMode: true/],
      ['with an API version that is not group/version', { region: 'eu-west-1', targetGroupBindingApiVersion: 'v1beta1' },
        /targetGroupBindingApiVersion is not a group\/version; got "v1beta1"/],
      ['with an empty ingress class list', { region: 'eu-west-1', albIngressClasses: [] }, /albIngressClasses is empty; got \[\]; leave it unset/],
      ['with an invalid ingress class', { region: 'eu-west-1', albIngressClasses: ['ALB'] }, /albIngressClasses: not a valid IngressClass name \(RFC 1123 subdomain\); got "ALB"/],
      ['with a duplicate ingress class', { region: 'eu-west-1', albIngressClasses: ['alb', 'alb'] }, /albIngressClasses lists a class twice; got "alb"; list each class once/],
      ['with an invalid tag key', { region: 'eu-west-1', albTagKeyResourceId: 'has space' }, /albTagKeyResourceId is not a valid AWS tag key; got "has space"/],
      ['with an invalid namespace', { region: 'eu-west-1', namespace: 'Argo_Rollouts' }, /\[platform\/rollouts\] namespace is not a valid RFC 1123 DNS label; got "Argo_Rollouts"/],
      ['with an invalid ServiceAccount name', { region: 'eu-west-1', serviceAccountName: 'SA' }, /ServiceAccount name is not a valid RFC 1123 DNS subdomain; got "SA"/],
      ['with a wildcard destination server', { region: 'eu-west-1', destinationServer: '*' }, /\[platform\/rollouts\/Application\] destinationServer is empty or a wildcard; got "\*"/],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      expect(() => controller(props)).toThrow(message);
    });

    test('with a role ARN that is an unresolved AWS CDK token', () => {
      const stack = new cdk.Stack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
      expect(() => controller({ region: 'eu-west-1', serviceAccountRoleArn: role.roleArn })).toThrow(
        /\[platform\/rollouts\] serviceAccountRoleArn is an unresolved AWS CDK token, which would reach the YAML as literal text; got "\$\{Token\[TOKEN\.\d+\]\}"; give RolloutsControllerRole a roleName and pass role.plainRoleArn\(\), or set deployedWithAwsCdk/);
    });

    test('with a region that is an unresolved AWS CDK token', () => {
      const stack = new cdk.Stack();
      expect(() => controller({ region: stack.region })).toThrow(
        /\[platform\/rollouts\] region is an unresolved AWS CDK token, which would reach the YAML as literal text; got "\$\{Token\[AWS\.Region\.\d+\]\}"; pass the region/);
    });

    test('with a role ARN that embeds a token', () => {
      expect(() => controller({ region: 'eu-west-1', serviceAccountRoleArn: `arn:aws:iam::${cdk.Aws.ACCOUNT_ID}:role/x` }))
        .toThrow(/serviceAccountRoleArn is an unresolved AWS CDK token/);
    });
  });

  test('loading the module does not load aws-cdk-lib', () => {
    const root = path.join(__dirname, '..', '..');
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', [
      "require('./src/aws/rollouts-controller');",
      "process.stdout.write(String(Object.keys(require.cache).some(k => k.includes('/node_modules/aws-cdk-lib/'))));",
    ].join('\n')], { cwd: root, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' } }).toString();
    expect(out).toEqual('false');
  });
});
