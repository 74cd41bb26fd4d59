import {
  DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE_ACCOUNT, checkNamespace, checkServiceAccountName, isAwsRegion,
  isUnresolvedCdkToken,
} from '../../src/aws/validation';
import { Problems } from '../../src/private/problems';

describe('checkNamespace', () => {
  test('returns a valid namespace unchanged', () => {
    const problems = new Problems('x');
    expect(checkNamespace(problems, DEFAULT_CONTROLLER_NAMESPACE)).toBe('argo-rollouts');
    expect(problems.isEmpty).toBe(true);
  });

  test('rejects a dotted name, which is a subdomain but not a label', () => {
    const problems = new Problems('platform/rollouts');
    checkNamespace(problems, 'argo.rollouts');
    expect(() => problems.throwIfAny()).toThrow(
      '[platform/rollouts] namespace is not a valid RFC 1123 DNS label; got "argo.rollouts"; '
      + 'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
  });
});

describe('checkServiceAccountName', () => {
  test('accepts a dotted name', () => {
    const problems = new Problems('x');
    expect(checkServiceAccountName(problems, 'argo.rollouts')).toBe('argo.rollouts');
    expect(checkServiceAccountName(problems, DEFAULT_CONTROLLER_SERVICE_ACCOUNT)).toBe('argo-rollouts');
    expect(problems.isEmpty).toBe(true);
  });

  test('rejects upper case, naming the value and the fix', () => {
    const problems = new Problems('platform/rollouts');
    checkServiceAccountName(problems, 'Argo');
    expect(() => problems.throwIfAny()).toThrow(
      '[platform/rollouts] ServiceAccount name is not a valid RFC 1123 DNS subdomain; got "Argo"; '
      + 'use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
  });
});

describe('isAwsRegion', () => {
  test.each(['us-east-1', 'eu-central-2', 'ap-southeast-7', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eusc-de-east-1'])(
    'accepts %s', region => {
      expect(isAwsRegion(region)).toBe(true);
    });

  test.each(['US-EAST-1', 'us-east', 'useast1', 'us-east-100', 'eu-west-1a', 'eu-west-north-east-1', ''])('rejects %j', region => {
    expect(isAwsRegion(region)).toBe(false);
  });
});

describe('isUnresolvedCdkToken', () => {
  test('is false for plain strings and non-strings', () => {
    expect(isUnresolvedCdkToken('eu-west-1')).toBe(false);
    expect(isUnresolvedCdkToken(42)).toBe(false);
    expect(isUnresolvedCdkToken(undefined)).toBe(false);
  });

  test('is true for an AWS CDK token', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    const core: typeof import('aws-cdk-lib/core') = require('aws-cdk-lib/core');
    const stack = new core.Stack();
    expect(isUnresolvedCdkToken(stack.region)).toBe(true);
  });

  test('is false for text that merely mentions Token[ but is not a token', () => {
    expect(isUnresolvedCdkToken('Token[not really')).toBe(false);
  });
});
