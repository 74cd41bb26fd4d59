import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnJson, Stack, Token } from 'aws-cdk-lib/core';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { fail, Problems } from './private/problems';
import {
  DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE_ACCOUNT, checkNamespace, checkServiceAccountName,
} from './shared/validation';
import { TargetGroupVerificationPolicy } from './target-group-verification';

/** The service principal EKS Pod Identity assumes roles as. */
const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
/** The audience of the projected ServiceAccount token IRSA uses. */
const IRSA_AUDIENCE = 'sts.amazonaws.com';

/**
 * How the Argo Rollouts controller's pods get AWS credentials.
 */
export enum ControllerIdentityType {
  /**
   * IAM Roles for Service Accounts: the ServiceAccount carries the annotation
   * `eks.amazonaws.com/role-arn` and the role trusts the cluster's OIDC provider.
   */
  IRSA = 'IRSA',

  /**
   * EKS Pod Identity: an `AWS::EKS::PodIdentityAssociation` binds the ServiceAccount to the role;
   * the ServiceAccount needs no annotation. Needs the `eks-pod-identity-agent` add-on; not on Fargate.
   */
  POD_IDENTITY = 'POD_IDENTITY',
}

/**
 * Which identity mechanism the controller's role is for, and on which cluster.
 */
export abstract class ControllerIdentity {
  /**
   * IRSA through the IAM OIDC provider of an `aws-eks` cluster (`cluster.openIdConnectProvider`,
   * which the AWS CDK creates on first use for a cluster defined in the app).
   */
  public static irsa(cluster: eks.ICluster): ControllerIdentity {
    return new IrsaIdentity(() => cluster.openIdConnectProvider);
  }

  /**
   * IRSA through an IAM OIDC provider, for clusters not modelled as an `aws-eks` cluster
   * (for example `iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(...)`, or the provider
   * of an `aws-eks-v2` cluster).
   */
  public static irsaFromProvider(provider: iam.IOpenIdConnectProvider): ControllerIdentity {
    return new IrsaIdentity(() => provider);
  }

  /**
   * EKS Pod Identity on an `aws-eks` cluster. For a cluster defined in this app, the
   * `eks-pod-identity-agent` add-on is added too (as `eks.ServiceAccount` does).
   */
  public static podIdentity(cluster: eks.ICluster): ControllerIdentity {
    if (cluster instanceof eks.FargateCluster) {
      fail(cluster, 'EKS Pod Identity is not supported on Fargate', cluster.node.path, 'use ControllerIdentity.irsa(cluster) instead');
    }
    return new PodIdentity(() => cluster.clusterName, () => { void cluster.eksPodIdentityAgent; });
  }

  /**
   * EKS Pod Identity on a cluster known only by name. Make sure the `eks-pod-identity-agent`
   * add-on runs on it.
   */
  public static podIdentityForClusterName(clusterName: string): ControllerIdentity {
    if (!Token.isUnresolved(clusterName) && !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(clusterName)) {
      fail('ControllerIdentity.podIdentityForClusterName', 'EKS cluster name is not valid', clusterName, 'give 1-100 letters, digits, "-" or "_", starting with a letter or digit');
    }
    return new PodIdentity(() => clusterName, () => undefined);
  }

  /** The identity mechanism. */
  public abstract readonly type: ControllerIdentityType;

  /**
   * The trust principal of the role for ServiceAccount `namespace/serviceAccountName`.
   * @internal
   */
  public abstract _principal(scope: Construct, namespace: string, serviceAccountName: string): iam.IPrincipal;

  /**
   * Creates whatever binds the ServiceAccount to the role besides the trust policy.
   * @internal
   */
  public abstract _bind(scope: Construct, role: iam.IRole, namespace: string, serviceAccountName: string): eks.CfnPodIdentityAssociation | undefined;
}

class IrsaIdentity extends ControllerIdentity {
  public readonly type = ControllerIdentityType.IRSA;

  public constructor(private readonly provider: () => iam.IOpenIdConnectProvider) {
    super();
  }

  public _principal(scope: Construct, namespace: string, serviceAccountName: string): iam.IPrincipal {
    const provider = this.provider();
    const issuer = provider.openIdConnectProviderIssuer;
    const value = {
      [`${issuer}:aud`]: IRSA_AUDIENCE,
      [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`,
    };
    // Condition keys that contain a token (the issuer of a provider created in this app) cannot
    // be object keys in CloudFormation; CfnJson resolves them at deploy time.
    const stringEquals = Token.isUnresolved(issuer) ? new CfnJson(scope, 'ConditionJson', { value }) : value;
    return new iam.OpenIdConnectPrincipal(provider, { StringEquals: stringEquals });
  }

  public _bind(): eks.CfnPodIdentityAssociation | undefined {
    return undefined;
  }
}

class PodIdentity extends ControllerIdentity {
  public readonly type = ControllerIdentityType.POD_IDENTITY;

  public constructor(private readonly clusterName: () => string, private readonly ensureAgent: () => void) {
    super();
  }

  public _principal(): iam.IPrincipal {
    // one statement: sts:AssumeRole and sts:TagSession for pods.eks.amazonaws.com
    return new iam.SessionTagsPrincipal(new iam.ServicePrincipal(POD_IDENTITY_SERVICE));
  }

  public _bind(scope: Construct, role: iam.IRole, namespace: string, serviceAccountName: string): eks.CfnPodIdentityAssociation {
    this.ensureAgent();
    return new eks.CfnPodIdentityAssociation(scope, 'PodIdentityAssociation', {
      clusterName: this.clusterName(),
      namespace,
      serviceAccount: serviceAccountName,
      roleArn: role.roleArn,
    });
  }
}

/**
 * Properties of a `RolloutsControllerRole`.
 */
export interface RolloutsControllerRoleProps {
  /**
   * How the controller's pods get credentials, and on which cluster.
   * @example ControllerIdentity.irsa(cluster)
   */
  readonly identity: ControllerIdentity;

  /**
   * Namespace the Argo Rollouts controller runs in.
   * @default 'argo-rollouts'
   */
  readonly namespace?: string;

  /**
   * Name of the controller's ServiceAccount.
   * @default 'argo-rollouts'
   */
  readonly serviceAccountName?: string;

  /**
   * Physical name of the role. Give one when the Kubernetes side is written as YAML (Argo CD),
   * so that `plainRoleArn()` can spell the ARN without CloudFormation.
   * @default - a name generated by CloudFormation
   */
  readonly roleName?: string;

  /**
   * The managed policy to attach.
   * @default - a new `TargetGroupVerificationPolicy`
   */
  readonly policy?: iam.IManagedPolicy;

  /**
   * Description of the role.
   * @default 'Argo Rollouts controller <namespace>/<serviceAccountName>: ALB target-group verification'
   */
  readonly description?: string;
}

/**
 * The IAM role of the Argo Rollouts controller's ServiceAccount, trusted through IRSA or EKS Pod
 * Identity, with the `TargetGroupVerificationPolicy` attached.
 *
 * IRSA: the trust policy allows `sts:AssumeRoleWithWebIdentity` for the cluster's OIDC provider
 * under `StringEquals` on `<issuer>:sub = system:serviceaccount:<namespace>:<serviceAccountName>`
 * and `<issuer>:aud = sts.amazonaws.com`. Put the role ARN on the ServiceAccount
 * (`RolloutsController`'s `serviceAccountRoleArn`).
 *
 * Pod Identity: the trust policy allows `sts:AssumeRole` and `sts:TagSession` for
 * `pods.eks.amazonaws.com`, and a `CfnPodIdentityAssociation` binds the ServiceAccount.
 */
export class RolloutsControllerRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;

  /** The role's ARN (a CloudFormation token). */
  public readonly roleArn: string;

  /** The attached policy. */
  public readonly policy: iam.IManagedPolicy;

  /** The identity mechanism. */
  public readonly identityType: ControllerIdentityType;

  /** Namespace of the controller's ServiceAccount. */
  public readonly namespace: string;

  /** Name of the controller's ServiceAccount. */
  public readonly serviceAccountName: string;

  /**
   * The Pod Identity association.
   * @default - none (IRSA)
   */
  public readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;

  private readonly roleName?: string;

  public constructor(scope: Construct, id: string, props: RolloutsControllerRoleProps) {
    super(scope, id);
    const problems = new Problems(this);
    this.namespace = checkNamespace(problems, props.namespace ?? DEFAULT_CONTROLLER_NAMESPACE);
    this.serviceAccountName = checkServiceAccountName(problems, props.serviceAccountName ?? DEFAULT_CONTROLLER_SERVICE_ACCOUNT);
    problems.throwIfAny();
    this.identityType = props.identity.type;
    this.roleName = props.roleName;

    this.policy = props.policy ?? new TargetGroupVerificationPolicy(this, 'Policy');
    this.role = new iam.Role(this, 'Resource', {
      roleName: props.roleName,
      description: props.description
        ?? `Argo Rollouts controller ${this.namespace}/${this.serviceAccountName}: ALB target-group verification`,
      assumedBy: props.identity._principal(this, this.namespace, this.serviceAccountName),
      managedPolicies: [this.policy],
    });
    this.roleArn = this.role.roleArn;
    this.podIdentityAssociation = props.identity._bind(this, this.role, this.namespace, this.serviceAccountName);
  }

  /**
   * The role ARN spelled out without CloudFormation, for YAML that Argo CD applies (the
   * `eks.amazonaws.com/role-arn` annotation). Needs a fixed `roleName` and a Stack with an
   * explicit `env` account and region; the partition follows from the region.
   */
  public plainRoleArn(): string {
    const stack = Stack.of(this);
    if (this.roleName === undefined || Token.isUnresolved(this.roleName)) {
      fail(this, 'plainRoleArn() needs a fixed roleName', this.roleName === undefined ? 'none' : 'a token', 'pass roleName to RolloutsControllerRole');
    }
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      const known = (v: string) => Token.isUnresolved(v) ? 'unresolved' : v;
      fail(this, `plainRoleArn() needs the account and region of stack ${stack.node.path}`, { account: known(stack.account), region: known(stack.region) },
        'give the Stack env: { account, region }');
    }
    const partition = RegionInfo.get(stack.region).partition ?? 'aws';
    return `arn:${partition}:iam::${stack.account}:role/${this.roleName}`;
  }
}
