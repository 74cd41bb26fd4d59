import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE_ACCOUNT, checkNamespace, checkServiceAccountName,
  isAwsRegion, isUnresolvedCdkToken,
} from './validation';
import { ApplicationSource } from '../gitops/application-source';
import { ArgoCdApplication } from '../gitops/argocd-application';
import { SyncOption } from '../gitops/sync';
import { Problems } from '../private/problems';
import { cachedValidation } from '../private/synthesis-cache';
import { notificationSettingsProblems, NotificationValues, renderNotificationValues, subscriptionProblems } from '../rollout/notification-render';
import { ControllerNotifications } from '../rollout/notification-settings';
import { RolloutNotification } from '../rollout/notifications';
import { Rollout } from '../rollout/rollout';
import { AlbTrafficRouter } from '../routing/alb';

// This module is loaded by `require('cdk8s-rollouts')`: it must not import aws-cdk-lib
// (validation.ts loads it lazily, only to check a string that looks like a token).

/** The Helm repository of the Argo project's charts. */
const HELM_REPO = 'https://argoproj.github.io/argo-helm';
/** The chart name in that repository. */
const CHART = 'argo-rollouts';
/** The default pinned chart version (app version v1.9.0). */
const DEFAULT_CHART_VERSION = '2.41.0';
/** The first chart version whose controller (v1.9.0) knows `--aws-target-group-binding-api-version` and `--alb-tag-key-resource-id`. */
const MIN_CHART_FOR_TGB_API_FLAG = '2.40.8';
/** The first chart version with `providerRBAC.additionalRules`. */
const MIN_CHART_FOR_ADDITIONAL_RULES = '2.34.4';

/** The TargetGroupBinding group/version of the AWS Load Balancer Controller: the controller's default. */
const TGB_API_LOAD_BALANCER_CONTROLLER = 'elbv2.k8s.aws/v1beta1';
/** The TargetGroupBinding group/version of EKS Auto Mode's built-in load balancing. */
const TGB_API_EKS_AUTO_MODE = 'eks.amazonaws.com/v1';

/** The controller's default `--alb-ingress-classes`. */
const DEFAULT_ALB_INGRESS_CLASS = 'alb';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$/;
const INGRESS_CLASS = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
const API_VERSION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/v[0-9]+((alpha|beta)[0-9]+)?$/;

/**
 * A controller plugin: a binary the controller downloads when it starts and runs beside itself.
 */
export interface ControllerPlugin {
  /**
   * The name Rollouts use for the plugin, `<owner>/<name>` (e.g. `argoproj-labs/gatewayAPI`).
   */
  readonly name: string;

  /**
   * Where the controller downloads the binary from: an `https://` or `http://` URL, or a
   * `file://` path inside the controller image.
   */
  readonly location: string;

  /**
   * SHA-256 checksum of the binary (64 hex digits); the controller refuses a download that
   * does not match.
   * @default - not checked
   */
  readonly sha256?: string;

  /**
   * Command-line arguments the plugin is started with.
   * @default - none
   */
  readonly args?: string[];
}

/**
 * Properties of a `RolloutsController`.
 */
export interface RolloutsControllerProps {
  /**
   * The AWS region the controller calls ELBv2 in, set as `AWS_REGION` on the controller. The
   * controller has no `--aws-region` flag; without the variable target-group verification fails
   * with "an AWS region is required" (argoproj/argo-rollouts#2099).
   * @example 'eu-west-1'
   */
  readonly region: string;

  /**
   * The exact version of the `argo-rollouts` Helm chart (https://argoproj.github.io/argo-helm).
   * Ranges are refused: a pinned version keeps the install reproducible.
   * @default '2.41.0' (Argo Rollouts v1.9.0)
   */
  readonly chartVersion?: string;

  /**
   * Namespace the controller is installed into (the Application's destination namespace).
   * @default 'argo-rollouts'
   */
  readonly namespace?: string;

  /**
   * Name of the controller's ServiceAccount. It must match the IRSA trust condition or the Pod
   * Identity association (`RolloutsControllerRole`'s `serviceAccountName`).
   * @default 'argo-rollouts'
   */
  readonly serviceAccountName?: string;

  /**
   * IRSA: the role ARN, written as the ServiceAccount annotation `eks.amazonaws.com/role-arn`.
   * Must be a plain ARN (for example `RolloutsControllerRole.plainRoleArn()`), never an AWS CDK
   * token, unless `deployedWithAwsCdk` is set.
   * @default - no annotation (EKS Pod Identity, or credentials provided otherwise)
   */
  readonly serviceAccountRoleArn?: string;

  /**
   * The chart is applied by `eks.Cluster.addCdk8sChart`, where CloudFormation resolves AWS CDK
   * tokens (such as `role.roleArn` or `stack.region`). Never set it for a chart written to YAML:
   * a token there reaches the cluster as the literal text `${Token[...]}`.
   * @default false
   */
  readonly deployedWithAwsCdk?: boolean;

  /**
   * Turn on `--aws-verify-target-group`: the controller checks that the ALB registered the new
   * pods before it moves on. Pair it with `TrafficRouting.alb({ verifyTargetGroups: true })`
   * (or `ip` targets on an `AlbIngress`) in the apps.
   * @default true
   */
  readonly verifyTargetGroups?: boolean;

  /**
   * The Ingress classes the controller treats as ALB (`--alb-ingress-classes`, repeated). The
   * list replaces the controller's default `alb`, so include `alb` if you still use it. The
   * empty string selects Ingresses without a class.
   * @default - the controller's default, `alb`
   */
  readonly albIngressClasses?: string[];

  /**
   * The cluster uses EKS Auto Mode's built-in load balancing, whose TargetGroupBindings are
   * `eks.amazonaws.com/v1` (argoproj/argo-rollouts#4334). Sets
   * `--aws-target-group-binding-api-version=eks.amazonaws.com/v1` and grants the controller
   * `get`/`list` on `targetgroupbindings` in `eks.amazonaws.com`, which the chart does not.
   * @default false
   */
  readonly eksAutoMode?: boolean;

  /**
   * The TargetGroupBinding `group/version` the controller lists
   * (`--aws-target-group-binding-api-version`). Must agree with `eksAutoMode`.
   * @default - `eks.amazonaws.com/v1` with `eksAutoMode`, otherwise the controller's default `elbv2.k8s.aws/v1beta1`
   */
  readonly targetGroupBindingApiVersion?: string;

  /**
   * The tag key that identifies the Kubernetes resource of an ALB target group
   * (`--alb-tag-key-resource-id`).
   * @default - the controller's default, `ingress.k8s.aws/resource`
   */
  readonly albTagKeyResourceId?: string;

  /**
   * Traffic-router plugins the controller downloads at start-up (`controller.trafficRouterPlugins`
   * of the chart, the `trafficRouterPlugins` key of the `argo-rollouts-config` ConfigMap). A
   * Rollout's `trafficRouting.plugins` may only name plugins listed here.
   * @default - none
   */
  readonly trafficRouterPlugins?: ControllerPlugin[];

  /**
   * Step plugins the controller downloads at start-up (`controller.stepPlugins` of the chart).
   * A Rollout's `Step.plugin(name, ...)` may only name plugins listed here.
   * @default - none
   */
  readonly stepPlugins?: ControllerPlugin[];

  /**
   * Name of the Argo CD Application (also the Helm release name, so the chart's objects are
   * named `argo-rollouts` when this contains "argo-rollouts").
   * @default 'argo-rollouts'
   */
  readonly applicationName?: string;

  /**
   * Namespace of the Argo CD Application object (where Argo CD runs).
   * @default - the chart's namespace, else 'argocd'
   */
  readonly argoCdNamespace?: string;

  /**
   * Argo CD project.
   * @default 'default'
   */
  readonly project?: string;

  /**
   * API server URL of the destination cluster.
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;

  /**
   * Let Argo CD sync automatically (with prune and self-heal).
   * @default true
   */
  readonly autoSync?: boolean;

  /**
   * Notification settings: services (Slack, webhooks, ...), templates and triggers, rendered into
   * the chart's `argo-rollouts-notification-configmap` (`notifications.notifiers`, `templates`,
   * `triggers`). Rollouts of the same App subscribe with their `notifications` prop and are
   * checked against these at synth.
   * @default - none: the chart's empty ConfigMap, and no Rollout of the App may subscribe
   */
  readonly notifications?: ControllerNotifications;
}

/**
 * The Argo Rollouts controller, installed from the upstream Helm chart by an Argo CD
 * Application, configured for ALB target-group verification on AWS: `--aws-verify-target-group`,
 * `AWS_REGION`, the IRSA ServiceAccount annotation, custom ALB Ingress classes, and the
 * TargetGroupBinding API group of EKS Auto Mode with the RBAC it needs.
 *
 * This is a cdk8s construct: put it in a cdk8s `Chart`. The IAM side lives in an AWS CDK Stack
 * (`RolloutsControllerRole`).
 */
export class RolloutsController extends Construct {
  /** The default pinned chart version. */
  public static readonly DEFAULT_CHART_VERSION = DEFAULT_CHART_VERSION;

  /** The Argo CD Application that installs the chart. */
  public readonly application: ArgoCdApplication;

  /** The Helm chart version. */
  public readonly chartVersion: string;

  /** Namespace the controller is installed into. */
  public readonly namespace: string;

  /** Name of the controller's ServiceAccount. */
  public readonly serviceAccountName: string;

  /** The extra arguments passed to the controller (`controller.extraArgs`). */
  public readonly controllerArgs: string[];

  /** Whether the controller verifies ALB target groups (`--aws-verify-target-group`). */
  public readonly verifiesTargetGroups: boolean;

  /** The Ingress classes the controller treats as ALB (`--alb-ingress-classes`). */
  public readonly albIngressClasses: string[];

  /** Names of the traffic-router plugins the controller loads. */
  public readonly trafficRouterPluginNames: string[];

  /** Names of the step plugins the controller loads. */
  public readonly stepPluginNames: string[];

  private readonly values: ChartValues;
  private readonly notificationSettings?: ControllerNotifications;

  public constructor(scope: Construct, id: string, props: RolloutsControllerProps) {
    super(scope, id);
    const problems = new Problems(this);
    const viaCdk = props.deployedWithAwsCdk ?? false;

    this.namespace = checkNamespace(problems, props.namespace ?? DEFAULT_CONTROLLER_NAMESPACE);
    this.serviceAccountName = checkServiceAccountName(problems, props.serviceAccountName ?? DEFAULT_CONTROLLER_SERVICE_ACCOUNT);
    const argoCdNamespace = checkNamespace(problems, props.argoCdNamespace ?? Chart.of(this).namespace ?? 'argocd');
    const applicationName = checkServiceAccountName(problems, props.applicationName ?? 'argo-rollouts');

    this.chartVersion = props.chartVersion ?? DEFAULT_CHART_VERSION;
    const exactChart = SEMVER.test(this.chartVersion);
    if (!exactChart) {
      problems.add('chartVersion is not an exact chart version', this.chartVersion,
        `pin one, e.g. "${DEFAULT_CHART_VERSION}" (ranges such as "2.*" or "^2.40.0" let the controller change under you)`);
    }

    checkRegion(problems, props.region, viaCdk);
    const roleArn = checkRoleArn(problems, props.serviceAccountRoleArn, viaCdk);
    const tgbApiVersion = this.resolveTgbApiVersion(problems, props);

    const args: string[] = [];
    this.verifiesTargetGroups = props.verifyTargetGroups ?? true;
    if (this.verifiesTargetGroups) args.push('--aws-verify-target-group');
    if (tgbApiVersion !== undefined) args.push(`--aws-target-group-binding-api-version=${tgbApiVersion}`);
    if (props.albTagKeyResourceId !== undefined) {
      const key = props.albTagKeyResourceId;
      if (key.length === 0 || key.length > 128 || /\s/.test(key)) {
        problems.add('albTagKeyResourceId is not a valid AWS tag key', key,
          'use 1-128 characters without spaces, or leave it unset for the default "ingress.k8s.aws/resource"');
      }
      args.push(`--alb-tag-key-resource-id=${key}`);
    }
    if (exactChart && (tgbApiVersion !== undefined || props.albTagKeyResourceId !== undefined)
      && compareVersions(this.chartVersion, MIN_CHART_FOR_TGB_API_FLAG) < 0) {
      const flags = args.filter(a => a.startsWith('--aws-target-group') || a.startsWith('--alb-tag-key')).map(a => a.split('=')[0]).join(' and ');
      problems.add(`chartVersion installs a controller older than v1.9.0, which exits on ${flags}`, this.chartVersion,
        `use chartVersion ${MIN_CHART_FOR_TGB_API_FLAG} or later`);
    }
    const ingressClasses = checkIngressClasses(problems, props.albIngressClasses);
    for (const ingressClass of ingressClasses) {
      args.push(`--alb-ingress-classes=${ingressClass}`);
    }
    this.controllerArgs = args;
    this.albIngressClasses = ingressClasses.length > 0 ? ingressClasses : [DEFAULT_ALB_INGRESS_CLASS];
    const trafficRouterPlugins = checkPlugins(problems, 'trafficRouterPlugins', props.trafficRouterPlugins);
    const stepPlugins = checkPlugins(problems, 'stepPlugins', props.stepPlugins);
    this.trafficRouterPluginNames = trafficRouterPlugins.map(p => p.name);
    this.stepPluginNames = stepPlugins.map(p => p.name);

    const values: ChartValues = {
      controller: {
        extraArgs: args,
        extraEnv: [{ name: 'AWS_REGION', value: props.region }],
        ...(trafficRouterPlugins.length > 0 ? { trafficRouterPlugins } : {}),
        ...(stepPlugins.length > 0 ? { stepPlugins } : {}),
      },
      serviceAccount: {
        create: true,
        name: this.serviceAccountName,
        ...(roleArn !== undefined ? { annotations: { [IRSA_ANNOTATION]: roleArn } } : {}),
      },
    };
    const tgbGroup = (tgbApiVersion ?? TGB_API_LOAD_BALANCER_CONTROLLER).split('/')[0];
    const extraTgbGroup = tgbGroup !== TGB_API_LOAD_BALANCER_CONTROLLER.split('/')[0];
    // the chart's awsLoadBalancerController provider rules cover elbv2.k8s.aws only
    if (exactChart && extraTgbGroup && compareVersions(this.chartVersion, MIN_CHART_FOR_ADDITIONAL_RULES) < 0) {
      problems.add(`chartVersion has no providerRBAC.additionalRules, so the controller could not list ${tgbGroup} targetgroupbindings`, this.chartVersion,
        `use chartVersion ${MIN_CHART_FOR_TGB_API_FLAG} or later`);
    }
    if (props.notifications !== undefined) problems.addAll(notificationSettingsProblems(props.notifications));
    problems.throwIfAny();

    if (props.notifications !== undefined) {
      values.notifications = renderNotificationValues(props.notifications);
    }
    this.notificationSettings = props.notifications;
    if (extraTgbGroup) {
      values.providerRBAC = {
        additionalRules: [{ apiGroups: [tgbGroup], resources: ['targetgroupbindings'], verbs: ['get', 'list'] }],
      };
    }
    this.values = values;

    this.application = new ArgoCdApplication(this, 'Application', {
      name: applicationName,
      metadata: { namespace: argoCdNamespace },
      project: props.project,
      source: ApplicationSource.helmChart({
        repoUrl: HELM_REPO,
        chart: CHART,
        targetRevision: this.chartVersion,
        releaseName: applicationName,
        values,
      }),
      destinationServer: props.destinationServer,
      destinationNamespace: this.namespace,
      automatedSync: (props.autoSync ?? true) ? { prune: true, selfHeal: true } : undefined,
      // the chart's CRDs (0.5-0.66 MB of YAML each) overflow client-side apply's 256 KiB last-applied annotation
      syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY],
    });
    this.node.defaultChild = this.application;
    this.node.addValidation(cachedValidation(() => this.validateApps()));
  }

  /**
   * The Helm values passed to the chart (`spec.source.helm.valuesObject`), as a copy.
   */
  public helmValues(): any {
    return JSON.parse(JSON.stringify(this.values));
  }

  /**
   * The controller and the Rollouts of the same App must agree: Ingress classes, target-group
   * verification (and the `status.alb` it fills), plugins. With several controllers in one App
   * (several clusters) nothing here says which controller runs which Rollout, so the check is
   * skipped.
   */
  private validateApps(): string[] {
    const all = this.node.root.node.findAll();
    if (all.some(c => c !== this && c instanceof RolloutsController)) return [];
    const problems = new Problems(this);
    const me = `the RolloutsController at ${this.node.path}`;
    for (const construct of all) {
      if (!(construct instanceof Rollout)) continue;
      const rollout = `Rollout "${construct.name}" at ${construct.node.path}`;
      const albRouters = construct._trafficRouters.filter((r): r is AlbTrafficRouter => r instanceof AlbTrafficRouter);
      for (const ingress of albRouters.flatMap(r => r.options.ingresses)) {
        if (!this.albIngressClasses.includes(ingress.ingressClassName)) {
          problems.add(`${rollout} routes through Ingress "${ingress.name}" (${ingress.node.path}) of class "${ingress.ingressClassName}", but ${me} treats only ${JSON.stringify(this.albIngressClasses)} as ALB (--alb-ingress-classes), so it never reconciles that Ingress`,
            ingress.ingressClassName,
            `add "${ingress.ingressClassName}" to the controller's albIngressClasses${this.albIngressClasses.includes(DEFAULT_ALB_INGRESS_CLASS) ? '' : ' (the list replaces the default "alb")'}, or use one of ${JSON.stringify(this.albIngressClasses)} as the Ingress's ingressClassName`);
        }
      }
      if (!this.verifiesTargetGroups && albRouters.some(r => r.options.verifyTargetGroups)) {
        problems.add(`${rollout} relies on target-group verification (alb verifyTargetGroups: true), but ${me} has verifyTargetGroups false, so nothing is verified`, { verifyTargetGroups: false },
          'set verifyTargetGroups: true on the controller (it also needs the ELB Describe permissions of TargetGroupVerificationPolicy), or remove verifyTargetGroups from the routing');
      }
      const albStatus = construct._analysisArguments.filter(a => (a.fieldPath ?? '').startsWith('status.alb'));
      if (!this.verifiesTargetGroups && albStatus.length > 0) {
        problems.add(`${rollout} passes analysis arguments from ${albStatus.map(a => `${a.fieldPath} ("${a.name}")`).join(', ')}, which the controller writes only while it verifies target groups, but ${me} has verifyTargetGroups false, so the arguments never resolve and the analysis errors`,
          { verifyTargetGroups: false },
          'set verifyTargetGroups: true on the controller (with an IAM role that has the ELB Describe permissions), or use metrics that do not read status.alb');
      }
      problems.addAll(subscriptionProblems(rollout, me, this.notificationSettings, RolloutNotification._of(construct)));
      for (const [kind, used, known, field] of [
        ['traffic-router', construct._trafficRouterPluginNames, this.trafficRouterPluginNames, 'trafficRouterPlugins'],
        ['step', construct._stepPluginNames, this.stepPluginNames, 'stepPlugins'],
      ] as const) {
        for (const name of used.filter(n => !known.includes(n))) {
          problems.add(`${rollout} uses the ${kind} plugin "${name}", but ${me} does not load it (${field}: ${JSON.stringify(known)}), so the controller cannot reconcile the Rollout ("plugin ${name} not configured in configmap")`,
            name, `add { name: "${name}", location: "<https URL of the plugin binary>" } to the controller's ${field}`);
        }
      }
    }
    return problems.messages;
  }

  private resolveTgbApiVersion(problems: Problems, props: RolloutsControllerProps): string | undefined {
    const autoMode = props.eksAutoMode ?? false;
    const given = props.targetGroupBindingApiVersion;
    if (given !== undefined && !API_VERSION.test(given)) {
      problems.add('targetGroupBindingApiVersion is not a group/version', given,
        `give "${TGB_API_LOAD_BALANCER_CONTROLLER}" (AWS Load Balancer Controller) or "${TGB_API_EKS_AUTO_MODE}" (EKS Auto Mode)`);
      return undefined;
    }
    const group = given?.split('/')[0];
    if (autoMode && given !== undefined && given !== TGB_API_EKS_AUTO_MODE) {
      problems.add(`eksAutoMode is set but targetGroupBindingApiVersion is not "${TGB_API_EKS_AUTO_MODE}", as which EKS Auto Mode serves TargetGroupBindings`, given,
        `remove targetGroupBindingApiVersion or set it to "${TGB_API_EKS_AUTO_MODE}"`);
    }
    if (!autoMode && group === TGB_API_EKS_AUTO_MODE.split('/')[0]) {
      problems.add('targetGroupBindingApiVersion is EKS Auto Mode\'s API but eksAutoMode is not set', given,
        'set eksAutoMode: true (which also grants the controller RBAC on that group) and drop targetGroupBindingApiVersion');
    }
    if (autoMode) return TGB_API_EKS_AUTO_MODE;
    return given;
  }
}

function checkRegion(problems: Problems, region: string | undefined, viaCdk: boolean): void {
  if (region === undefined || region === null || region === '') {
    problems.add('region is required: the controller reads it from AWS_REGION (there is no --aws-region flag)', region,
      'pass the cluster\'s region, e.g. region: "eu-west-1"');
    return;
  }
  if (isUnresolvedCdkToken(region)) {
    if (viaCdk) return;
    problems.add('region is an unresolved AWS CDK token, which would reach the YAML as literal text', region,
      'pass the region as a string (e.g. the Stack\'s env.region), or set deployedWithAwsCdk when the chart is applied by eks.Cluster.addCdk8sChart');
    return;
  }
  if (!isAwsRegion(region)) {
    problems.add('region does not look like an AWS region', region,
      'give a name such as "us-east-1", "eu-central-1" or "us-gov-west-1" (not an availability zone such as "us-east-1a")');
  }
}

function checkRoleArn(problems: Problems, arn: string | undefined, viaCdk: boolean): string | undefined {
  if (arn === undefined) return undefined;
  if (isUnresolvedCdkToken(arn)) {
    if (viaCdk) return arn;
    problems.add('serviceAccountRoleArn is an unresolved AWS CDK token, which would reach the YAML as literal text', arn,
      'give RolloutsControllerRole a roleName and pass role.plainRoleArn(), or set deployedWithAwsCdk '
      + 'when the chart is applied by eks.Cluster.addCdk8sChart');
    return undefined;
  }
  if (!ROLE_ARN.test(arn)) {
    problems.add('serviceAccountRoleArn is not an IAM role ARN', arn, 'give arn:<partition>:iam::<12-digit account>:role/<name>');
  }
  return arn;
}

function checkIngressClasses(problems: Problems, classes: string[] | undefined): string[] {
  if (classes === undefined) return [];
  if (classes.length === 0) {
    problems.add('albIngressClasses is empty', classes, 'leave it unset for the controller\'s default ["alb"], or list the classes');
  }
  const seen = new Set<string>();
  for (const c of classes) {
    if (c.length > 253 || !INGRESS_CLASS.test(c)) {
      problems.add('albIngressClasses: not a valid IngressClass name (RFC 1123 subdomain)', c,
        'use lowercase letters, digits, "-" and ".", or "" for Ingresses without a class');
    }
    if (seen.has(c)) problems.add('albIngressClasses lists a class twice', c, 'list each class once');
    seen.add(c);
  }
  return [...classes];
}

/** Plugin names as the controller accepts them (`utils/config/config.go`). */
const PLUGIN_NAME = /^([a-zA-Z0-9-]+)\/([a-zA-Z0-9_.-]+)$/;
const PLUGIN_LOCATION = /^(https?:\/\/[^\s]+|file:\/\/\/?[^\s]+)$/;
const SHA256 = /^[0-9a-f]{64}$/;

function checkPlugins(problems: Problems, field: string, plugins: ControllerPlugin[] | undefined): PluginValue[] {
  const seen = new Set<string>();
  return (plugins ?? []).map(p => {
    if (!PLUGIN_NAME.test(p.name ?? '')) {
      problems.add(`${field}: plugin name must be "<owner>/<name>" (letters, digits, "-", and "_" or "." after the slash)`, p.name, 'use e.g. "argoproj-labs/gatewayAPI"');
    }
    if (seen.has(p.name)) problems.add(`${field} lists a plugin twice`, p.name, 'list each plugin once');
    seen.add(p.name);
    if (!PLUGIN_LOCATION.test(p.location ?? '')) {
      problems.add(`${field}: plugin "${p.name}" location must be an http(s):// URL or a file:// path`, p.location, 'give the URL of the plugin binary, e.g. "https://github.com/<owner>/<repo>/releases/download/..."');
    }
    if (p.sha256 !== undefined && !SHA256.test(p.sha256)) {
      problems.add(`${field}: plugin "${p.name}" sha256 must be 64 lower-case hex digits`, p.sha256, 'give the sha256 checksum of the binary, or omit it');
    }
    return {
      name: p.name,
      location: p.location,
      ...(p.sha256 !== undefined ? { sha256: p.sha256 } : {}),
      ...(p.args !== undefined && p.args.length > 0 ? { args: [...p.args] } : {}),
    };
  });
}

/** The argo-rollouts chart values the controller sets (the chart's values.yaml names). */
interface ChartValues {
  readonly controller: {
    readonly extraArgs: string[];
    readonly extraEnv: Array<{ readonly name: string; readonly value?: string }>;
    readonly trafficRouterPlugins?: PluginValue[];
    readonly stepPlugins?: PluginValue[];
  };
  readonly serviceAccount: { readonly create: boolean; readonly name: string; readonly annotations?: { [key: string]: string } };
  notifications?: NotificationValues;
  providerRBAC?: {
    readonly additionalRules: Array<{ readonly apiGroups: string[]; readonly resources: string[]; readonly verbs: string[] }>;
  };
}

/** A plugin in `controller.trafficRouterPlugins` / `controller.stepPlugins`. */
interface PluginValue {
  readonly name: string;
  readonly location: string;
  readonly sha256?: string;
  readonly args?: string[];
}

/** Compares two exact semantic versions (pre-release suffixes sort before the release). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split('-', 2);
    return { nums: core.split('.').map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
