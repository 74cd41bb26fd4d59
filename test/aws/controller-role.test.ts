import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ControllerIdentity, ControllerIdentityType, RolloutsControllerRole } from '../../packages/cdk8s-rollouts-aws/src/controller-role';
import { TargetGroupVerificationPolicy } from '../../packages/cdk8s-rollouts-aws/src/target-group-verification';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;

function stackWithEnv(region = 'eu-west-1'): cdk.Stack {
  return new cdk.Stack(new cdk.App(), 'Platform', { env: { account: '123456789012', region } });
}

function onlyRole(template: Template): any {
  const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
  expect(roles).toHaveLength(1);
  return roles[0];
}

function policyRef(template: Template): any {
  return { Ref: Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))[0] };
}

describe('RolloutsControllerRole', () => {
  test('IRSA from an OIDC provider: web identity trust on the argo-rollouts ServiceAccount, the policy attached', () => {
    // GIVEN
    const stack = stackWithEnv();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', PROVIDER_ARN);

    // WHEN
    const role = new RolloutsControllerRole(stack, 'Controller', { identity: ControllerIdentity.irsaFromProvider(provider) });

    // THEN
    const template = Template.fromStack(stack);
    expect(onlyRole(template).Properties).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: PROVIDER_ARN },
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: 'system:serviceaccount:argo-rollouts:argo-rollouts',
              [`${ISSUER}:aud`]: 'sts.amazonaws.com',
            },
          },
        }],
      },
      Description: 'Argo Rollouts controller argo-rollouts/argo-rollouts: ALB target-group verification',
      ManagedPolicyArns: [policyRef(template)],
    });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(role.identityType).toEqual(ControllerIdentityType.IRSA);
    expect(role.podIdentityAssociation).toBeUndefined();
    expect(role.policy).toBeInstanceOf(TargetGroupVerificationPolicy);
    expect(role.node.defaultChild).toBe(role.role);
  });

  test('IRSA from an eks cluster uses its OIDC provider; namespace and ServiceAccount are configurable', () => {
    const stack = stackWithEnv();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'prod',
      openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', PROVIDER_ARN),
    });
    new RolloutsControllerRole(stack, 'Controller', {
      identity: ControllerIdentity.irsa(cluster),
      namespace: 'rollouts',
      serviceAccountName: 'rollouts-controller',
      roleName: 'argo-rollouts-controller',
    });
    const template = Template.fromStack(stack);
    expect(onlyRole(template).Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Condition: {
        StringEquals: {
          [`${ISSUER}:sub`]: 'system:serviceaccount:rollouts:rollouts-controller',
          [`${ISSUER}:aud`]: 'sts.amazonaws.com',
        },
      },
    }]);
    expect(onlyRole(template).Properties.RoleName).toEqual('argo-rollouts-controller');
  });

  test('IRSA with a provider created in the app resolves the token condition keys through CfnJson', () => {
    const stack = stackWithEnv();
    const provider = new iam.OpenIdConnectProvider(stack, 'Oidc', { url: `https://${ISSUER}`, clientIds: ['sts.amazonaws.com'] });
    new RolloutsControllerRole(stack, 'Controller', { identity: ControllerIdentity.irsaFromProvider(provider) });
    const template = Template.fromStack(stack);

    const [jsonId, json] = Object.entries(template.findResources('Custom::AWSCDKCfnJson'))[0] as [string, any];
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRoleWithWebIdentity' }] } },
    });
    expect(Object.values(roles).map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement)).toEqual([[{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: { Ref: stack.getLogicalId(provider.node.defaultChild as cdk.CfnElement) } },
      Condition: { StringEquals: { 'Fn::GetAtt': [jsonId, 'Value'] } },
    }]]);
    // the CfnJson value: {"<issuer>:aud":"sts.amazonaws.com","<issuer>:sub":"system:serviceaccount:argo-rollouts:argo-rollouts"}
    const parts: any[] = json.Properties.Value['Fn::Join'][1];
    const literal = parts.filter(p => typeof p === 'string').join('<issuer>');
    expect(literal).toEqual('{"<issuer>:aud":"sts.amazonaws.com","<issuer>:sub":"system:serviceaccount:argo-rollouts:argo-rollouts"}');
  });

  test('Pod Identity: pods.eks.amazonaws.com may sts:AssumeRole and sts:TagSession; an association binds the ServiceAccount', () => {
    const stack = stackWithEnv();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' });
    const role = new RolloutsControllerRole(stack, 'Controller', { identity: ControllerIdentity.podIdentity(cluster) });

    const template = Template.fromStack(stack);
    expect(onlyRole(template).Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
      }],
    });
    expect(onlyRole(template).Properties.ManagedPolicyArns).toEqual([policyRef(template)]);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    expect(Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')).map((r: any) => r.Properties)).toEqual([{
      ClusterName: 'prod',
      Namespace: 'argo-rollouts',
      ServiceAccount: 'argo-rollouts',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    }]);
    expect(role.identityType).toEqual(ControllerIdentityType.POD_IDENTITY);
    expect(role.podIdentityAssociation).toBeInstanceOf(eks.CfnPodIdentityAssociation);
  });

  test('Pod Identity for a cluster known by name', () => {
    const stack = stackWithEnv();
    new RolloutsControllerRole(stack, 'Controller', {
      identity: ControllerIdentity.podIdentityForClusterName('prod-eu'),
      namespace: 'rollouts',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod-eu', Namespace: 'rollouts', ServiceAccount: 'argo-rollouts', RoleArn: Match.anyValue(),
    });
  });

  test('a given policy replaces the default one', () => {
    const stack = stackWithEnv();
    const policy = new TargetGroupVerificationPolicy(stack, 'Shared', { managedPolicyName: 'argo-rollouts-tg' });
    new RolloutsControllerRole(stack, 'Controller', { identity: ControllerIdentity.podIdentityForClusterName('prod'), policy });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    expect(onlyRole(template).Properties.ManagedPolicyArns).toEqual([policyRef(template)]);
  });

  test('plainRoleArn() spells the ARN for YAML, with the partition of the region', () => {
    const role = new RolloutsControllerRole(stackWithEnv(), 'Controller', {
      identity: ControllerIdentity.podIdentityForClusterName('prod'), roleName: 'argo-rollouts-controller',
    });
    expect(role.plainRoleArn()).toEqual('arn:aws:iam::123456789012:role/argo-rollouts-controller');
    expect(cdk.Token.isUnresolved(role.roleArn)).toBe(true);

    const china = new RolloutsControllerRole(stackWithEnv('cn-north-1'), 'Controller', {
      identity: ControllerIdentity.podIdentityForClusterName('prod'), roleName: 'r',
    });
    expect(china.plainRoleArn()).toEqual('arn:aws-cn:iam::123456789012:role/r');
  });

  describe('fails', () => {
    test('plainRoleArn() without a roleName', () => {
      const role = new RolloutsControllerRole(stackWithEnv(), 'Controller', { identity: ControllerIdentity.podIdentityForClusterName('prod') });
      expect(() => role.plainRoleArn()).toThrow(/\[Platform\/Controller\] plainRoleArn\(\) needs a fixed roleName; got "none"; pass roleName to RolloutsControllerRole/);
    });

    test('plainRoleArn() in a Stack without env', () => {
      const role = new RolloutsControllerRole(new cdk.Stack(new cdk.App(), 'Platform'), 'Controller', {
        identity: ControllerIdentity.podIdentityForClusterName('prod'), roleName: 'r',
      });
      expect(() => role.plainRoleArn()).toThrow(
        /\[Platform\/Controller\] plainRoleArn\(\) needs the account and region of stack Platform; got \{"account":"unresolved","region":"unresolved"\}; give the Stack env: \{ account, region \}/);
    });

    test('Pod Identity on Fargate', () => {
      const stack = stackWithEnv();
      const cluster = new eks.FargateCluster(stack, 'Fargate', { version: eks.KubernetesVersion.V1_31 } as eks.FargateClusterProps);
      expect(() => ControllerIdentity.podIdentity(cluster)).toThrow(
        /\[Platform\/Fargate\] EKS Pod Identity is not supported on Fargate; got "Platform\/Fargate"; use ControllerIdentity.irsa\(cluster\) instead/);
    });

    test('an invalid cluster name', () => {
      expect(() => ControllerIdentity.podIdentityForClusterName('prod cluster')).toThrow(/\[ControllerIdentity.podIdentityForClusterName\] EKS cluster name is not valid; got "prod cluster"; give 1-100 letters/);
    });

    test('an invalid namespace', () => {
      expect(() => new RolloutsControllerRole(stackWithEnv(), 'Controller', {
        identity: ControllerIdentity.podIdentityForClusterName('prod'), namespace: 'Argo',
      })).toThrow(/\[Platform\/Controller\] namespace is not a valid RFC 1123 DNS label; got "Argo"; use at most 63/);
    });

    test('an invalid ServiceAccount name', () => {
      expect(() => new RolloutsControllerRole(stackWithEnv(), 'Controller', {
        identity: ControllerIdentity.podIdentityForClusterName('prod'), serviceAccountName: 'argo_rollouts',
      })).toThrow(/\[Platform\/Controller\] ServiceAccount name is not a valid RFC 1123 DNS subdomain; got "argo_rollouts"; use at most 253/);
    });
  });
});
