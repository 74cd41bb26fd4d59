import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TargetGroupVerificationPolicy } from '../../packages/cdk8s-rollouts-aws/src/target-group-verification';

const SIX_ACTIONS = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetHealth',
];

const EXPECTED_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{
    Sid: 'ArgoRolloutsTargetGroupVerification',
    Effect: 'Allow',
    Action: SIX_ACTIONS,
    Resource: '*',
  }],
};

describe('TargetGroupVerificationPolicy', () => {
  test('is a managed policy with exactly the six Describe actions on *', () => {
    // GIVEN
    const stack = new cdk.Stack();

    // WHEN
    new TargetGroupVerificationPolicy(stack, 'Policy');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const [policy] = Object.values(policies) as any[];
    expect(policy.Properties).toEqual({
      Description: 'Read-only ELBv2 access for Argo Rollouts target-group verification (--aws-verify-target-group)',
      Path: '/',
      PolicyDocument: EXPECTED_DOCUMENT,
    });
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(1);
  });

  test('name, description and path are passed through', () => {
    const stack = new cdk.Stack();
    new TargetGroupVerificationPolicy(stack, 'Policy', { managedPolicyName: 'argo-rollouts-tg', description: 'd', path: '/argo/' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'argo-rollouts-tg', Description: 'd', Path: '/argo/', PolicyDocument: EXPECTED_DOCUMENT,
    });
  });

  test('the plain document equals what the AWS CDK renders, without tokens and without a Stack', () => {
    const doc = TargetGroupVerificationPolicy.plainDocument();
    expect(doc).toEqual(EXPECTED_DOCUMENT);
    const text = TargetGroupVerificationPolicy.plainDocumentJson();
    expect(JSON.parse(text)).toEqual(EXPECTED_DOCUMENT);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toMatch(/Token\[|Fn::|"Ref"|\$\{/);
    expect(cdk.Token.isUnresolved(text)).toBe(false);

    const stack = new cdk.Stack();
    new TargetGroupVerificationPolicy(stack, 'Policy');
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Properties.PolicyDocument).toEqual(doc);
  });

  test('the plain document is a fresh copy each time', () => {
    TargetGroupVerificationPolicy.plainDocument().Statement[0].Action.push('elasticloadbalancing:*');
    expect(TargetGroupVerificationPolicy.plainDocument()).toEqual(EXPECTED_DOCUMENT);
    expect(TargetGroupVerificationPolicy.ACTIONS).toEqual(SIX_ACTIONS);
  });

  test('statement() renders the same statement for inline use', () => {
    const stack = new cdk.Stack();
    const doc = new iam.PolicyDocument({ statements: [TargetGroupVerificationPolicy.statement()] });
    expect(stack.resolve(doc.toJSON())).toEqual(EXPECTED_DOCUMENT);
  });

  test('can be attached to a role', () => {
    const stack = new cdk.Stack();
    const policy = new TargetGroupVerificationPolicy(stack, 'Policy');
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com'), managedPolicies: [policy] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ Ref: stack.getLogicalId(policy.node.defaultChild as cdk.CfnElement) }],
    });
  });

  describe('fails', () => {
    test('when a statement is added', () => {
      const stack = new cdk.Stack();
      const policy = new TargetGroupVerificationPolicy(stack, 'Policy');
      expect(() => policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }))).toThrow(
        /\[Default\/Policy\] TargetGroupVerificationPolicy grants exactly the six elasticloadbalancing:Describe\* actions; more statements were added; got \[\{"Action":"s3:GetObject".*\}\]; attach a separate iam.ManagedPolicy to the role instead/);
    });

    test('when the document was widened behind its back', () => {
      const stack = new cdk.Stack();
      const policy = new TargetGroupVerificationPolicy(stack, 'Policy');
      policy.document.addStatements(new iam.PolicyStatement({ actions: ['elasticloadbalancing:*'], resources: ['*'] }));
      expect(() => Template.fromStack(stack)).toThrow(
        /\[Default\/Policy\] TargetGroupVerificationPolicy must contain exactly one statement allowing elasticloadbalancing:DescribeTargetGroups, .* on "\*"; got .*"elasticloadbalancing:\*".*; do not add statements to its document, attach a separate iam.ManagedPolicy instead/);
    });
  });
});
