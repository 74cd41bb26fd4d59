// Checks shared by the AWS CDK and the cdk8s side of the controller settings. This module must not
// load aws-cdk-lib at require time: the cdk8s-only `RolloutsController` imports it.
import { isDns1123Label, isDns1123Subdomain } from '../private/names';
import { Problems } from '../private/problems';

/** Namespace of the Argo Rollouts controller in the upstream manifests and the Helm chart docs. */
export const DEFAULT_CONTROLLER_NAMESPACE = 'argo-rollouts';

/** ServiceAccount of the Argo Rollouts controller (`manifests/base/argo-rollouts-sa.yaml`). */
export const DEFAULT_CONTROLLER_SERVICE_ACCOUNT = 'argo-rollouts';

/**
 * AWS region names: `us-east-1`, `eu-central-2`, `ap-southeast-7`, `cn-north-1`,
 * `us-gov-west-1`, `us-iso-east-1`, `us-isob-east-1`, `eusc-de-east-1`, ...
 */
const AWS_REGION = /^[a-z]{2,4}(-(gov|iso|isob|isoe|isof))?(-[a-z]+){1,2}-[0-9]{1,2}$/;

/** `value`, with a problem added unless it is an RFC 1123 DNS label (a namespace name). */
export function checkNamespace(problems: Problems, value: string): string {
  if (!isDns1123Label(value)) {
    problems.add('namespace is not a valid RFC 1123 DNS label', value,
      'use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
  }
  return value;
}

/** `value`, with a problem added unless it is an RFC 1123 DNS subdomain (a ServiceAccount name). */
export function checkServiceAccountName(problems: Problems, value: string): string {
  if (!isDns1123Subdomain(value)) {
    problems.add('ServiceAccount name is not a valid RFC 1123 DNS subdomain', value,
      'use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** Whether `value` looks like an AWS region name. */
export function isAwsRegion(value: string): boolean {
  return AWS_REGION.test(value);
}

/**
 * Whether `value` contains an unresolved AWS CDK token. aws-cdk-lib is loaded only when the
 * string looks like it could hold one, so cdk8s-only users never load it.
 */
export function isUnresolvedCdkToken(value: unknown): boolean {
  if (typeof value !== 'string' || !value.includes('Token[')) return false;
  try {
    // lazy, and aws-cdk-lib is not a dependency of cdk8s-rollouts (the AWS CDK constructs are in cdk8s-rollouts-aws)
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    const core: typeof import('aws-cdk-lib/core') = require('aws-cdk-lib/core');
    return core.Token.isUnresolved(value);
  } catch {
    // aws-cdk-lib is an optional peer for cdk8s-only users; the text is a token marker anyway
    return true;
  }
}
