import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ingressHostProblem, ingressPathProblem, qualifiedNameProblem } from '../private/checks';
import { isDns1123Subdomain, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';

/** Whether the ALB is reachable from the internet. */
export enum AlbScheme {
  /** Reachable inside the VPC only (the controller's default). */
  INTERNAL = 'internal',
  /** Reachable from the internet. */
  INTERNET_FACING = 'internet-facing',
}

/** How the ALB registers pods. */
export enum AlbTargetType {
  /** Pod IPs: works with any Service type, needed for readiness gates and target-group verification. */
  IP = 'ip',
  /** Node ports: needs NodePort or LoadBalancer Services. */
  INSTANCE = 'instance',
}

/** One listener of the ALB. */
export class AlbListenPort {
  /** An HTTP listener. */
  public static http(port: number = 80): AlbListenPort {
    return new AlbListenPort('HTTP', port);
  }

  /** An HTTPS listener. */
  public static https(port: number = 443): AlbListenPort {
    return new AlbListenPort('HTTPS', port);
  }

  private constructor(public readonly protocol: string, public readonly port: number) {}
}

/** One host/path rule of the Ingress. */
export interface AlbIngressRule {
  /**
   * The host the rule matches.
   * @default - any host
   */
  readonly host?: string;

  /**
   * The path the rule matches.
   * @default '/'
   */
  readonly path?: string;

  /**
   * How the path matches.
   * @default kplus.HttpIngressPathType.PREFIX
   */
  readonly pathType?: kplus.HttpIngressPathType;
}

/** The load balancer settings of an ALB Ingress: class, prefix and the common annotations. */
export interface AlbLoadBalancerOptions {
  /**
   * The IngressClass (`spec.ingressClassName`). It must be one of the Rollouts controller's
   * `--alb-ingress-classes`.
   * @default 'alb'
   */
  readonly ingressClassName?: string;

  /**
   * Prefix of the AWS Load Balancer Controller annotations (Rollouts `alb.annotationPrefix`).
   * @default 'alb.ingress.kubernetes.io'
   */
  readonly annotationPrefix?: string;

  /** @default - the controller's default (internal) */
  readonly scheme?: AlbScheme;

  /**
   * How the ALB registers pods. `ip` works with the ClusterIP Services a Rollout usually has,
   * and is needed for readiness gates and target-group verification.
   * @default AlbTargetType.IP
   */
  readonly targetType?: AlbTargetType;

  /** @default - the controller's default (HTTP 80, or HTTPS 443 with a certificate) */
  readonly listenPorts?: AlbListenPort[];

  /** ACM certificate ARNs; the first is the default certificate. @default - none */
  readonly certificateArns?: string[];

  /** Redirects HTTP to this HTTPS port. @default - no redirect */
  readonly sslRedirectPort?: number;

  /** Target-group health-check path. @default - the controller's default ('/') */
  readonly healthcheckPath?: string;

  /** IngressGroup name, to share one ALB between Ingresses. @default - no group */
  readonly groupName?: string;

  /** More annotations. @default - none */
  readonly annotations?: { [key: string]: string };
}

/** Properties of an `AlbIngress`. */
export interface AlbIngressProps extends AlbLoadBalancerOptions {
  /**
   * `metadata.name` of the Ingress.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The host/path rules; each sends its traffic to the Rollout's weighted action.
   * @default - one rule for any host and path '/'
   */
  readonly rules?: AlbIngressRule[];
}

/**
 * The weighted forward action the Rollout writes into the Ingress; bound by the Rollout.
 * @internal
 */
export interface AlbActionBinding {
  /** The action name: the root Service, or the stable Service. */
  readonly actionName: string;
  /** The Service that receives the canary weight. */
  readonly canaryServiceName: string;
  /** The Service that receives the rest. */
  readonly stableServiceName: string;
  /** The Service port. */
  readonly servicePort: number;
  /** Sticky sessions. */
  readonly stickiness?: Duration;
  /** Path of the Rollout, for error messages. */
  readonly rolloutPath: string;
}

const GROUP_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

/**
 * An AWS Load Balancer Controller Ingress for an Argo Rollouts canary.
 *
 * Every rule's backend is the Rollout's action (the root Service, or the stable Service) with
 * port name `use-annotation`, and the Ingress carries the initial `actions.<root>` annotation in
 * the exact form the Rollouts controller writes (canary 0, stable 100), so the ALB does not
 * answer 503 before the first reconcile. Pass it to the Rollout's ALB traffic routing, which
 * binds the action.
 *
 * @example
 * const ingress = new AlbIngress(chart, 'ingress', {
 *   rules: [{ host: 'qa-domain.com' }],
 *   scheme: AlbScheme.INTERNET_FACING,
 *   targetType: AlbTargetType.IP,
 * });
 */
export class AlbIngress extends Construct {
  /** The default prefix of AWS Load Balancer Controller annotations. */
  public static readonly DEFAULT_ANNOTATION_PREFIX = 'alb.ingress.kubernetes.io';

  /** `metadata.name` of the Ingress. */
  public readonly name: string;

  /** The annotation prefix. */
  public readonly annotationPrefix: string;

  /** The IngressClass. */
  public readonly ingressClassName: string;

  /** How the ALB registers pods. */
  public readonly targetType: AlbTargetType;

  /** The L1 Ingress. */
  public readonly apiObject: ApiObject;

  private readonly rules: AlbIngressRule[];
  private readonly props: AlbIngressProps;
  private action?: AlbActionBinding;

  constructor(scope: Construct, id: string, props: AlbIngressProps = {}) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? readableName(this);
    this.annotationPrefix = props.annotationPrefix ?? AlbIngress.DEFAULT_ANNOTATION_PREFIX;
    this.ingressClassName = props.ingressClassName ?? 'alb';
    this.targetType = props.targetType ?? AlbTargetType.IP;
    this.rules = props.rules && props.rules.length > 0 ? props.rules : [{}];

    const where = `[${this.node.path}]`;
    if (!isDns1123Subdomain(this.name)) {
      throw new Error(`${where} Ingress name must be a lower-case DNS-1123 subdomain of at most 253 characters; got "${this.name}"; use lower-case letters, digits, '-' and '.'`);
    }
    for (const rule of this.rules) {
      if (rule.host !== undefined && rule.host.trim() === '') throw new Error(`${where} a rule's host is an empty string; omit it to match any host`);
      const hostProblem = rule.host === undefined ? undefined : ingressHostProblem(rule.host);
      if (hostProblem) throw new Error(`${where} rule host ${hostProblem}; got "${rule.host}"; use a host name such as "app.example.com" or "*.example.com" (no scheme, port or upper case)`);
      const pathProblem = rule.path === undefined ? undefined : ingressPathProblem(rule.path);
      if (pathProblem) throw new Error(`${where} rule path ${pathProblem}; got "${rule.path}"; give an absolute, normalized path such as "/api"`);
    }
    if (!isDns1123Subdomain(this.ingressClassName)) {
      throw new Error(`${where} ingressClassName must be a lower-case DNS-1123 subdomain (the name of an IngressClass); got "${this.ingressClassName}"; use e.g. "alb"`);
    }
    if (!isDns1123Subdomain(this.annotationPrefix)) {
      throw new Error(`${where} annotationPrefix must be a lower-case DNS-1123 subdomain (it becomes the prefix of annotation keys such as <prefix>/actions.<name>); got "${this.annotationPrefix}"; use e.g. "${AlbIngress.DEFAULT_ANNOTATION_PREFIX}"`);
    }
    for (const [key, value] of Object.entries(props.annotations ?? {})) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) throw new Error(`${where} annotation key ${keyProblem}; got "${key}"; use "<dns-prefix>/<name>" or "<name>"`);
      if (typeof value !== 'string') throw new Error(`${where} annotation "${key}" must have a string value; got ${JSON.stringify(value)} (${typeof value}); quote it, e.g. "${String(value)}"`);
    }
    if (props.groupName !== undefined && !GROUP_NAME.test(props.groupName)) {
      throw new Error(`${where} groupName "${props.groupName}" is invalid: use at most 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`);
    }
    if (props.sslRedirectPort !== undefined) {
      const https = (props.listenPorts ?? []).filter(p => p.protocol === 'HTTPS').map(p => p.port);
      if (!https.includes(props.sslRedirectPort)) {
        throw new Error(`${where} sslRedirectPort ${props.sslRedirectPort} is not an HTTPS listen port (got ${JSON.stringify(https)}); add AlbListenPort.https(${props.sslRedirectPort}) to listenPorts`);
      }
    }
    for (const key of Object.keys(props.annotations ?? {})) {
      if (key === 'kubernetes.io/ingress.class') {
        throw new Error(`${where} annotation kubernetes.io/ingress.class cannot be set together with spec.ingressClassName ("${this.ingressClassName}"); use ingressClassName only`);
      }
      if (key.startsWith(`${this.annotationPrefix}/actions.`) || key.startsWith(`${this.annotationPrefix}/conditions.`)) {
        throw new Error(`${where} annotation ${key} is written by the Rollouts controller; configure stickiness and header routes on the Rollout instead`);
      }
    }

    this.apiObject = new kplus.k8s.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, annotations: this.renderAnnotations() },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation({
      validate: () => this.action ? [] : [`Ingress "${this.name}" is not used by any Rollout, so its use-annotation backend has no action; pass it to a Rollout's ALB traffic routing`],
    });
  }

  /** The rules of the Ingress. */
  public get ingressRules(): AlbIngressRule[] {
    return [...this.rules];
  }

  /** The action bound by the Rollout, if any. @internal */
  public get _action(): AlbActionBinding | undefined {
    return this.action;
  }

  /** The annotation key of the weighted action. */
  public get actionAnnotationKey(): string | undefined {
    return this.action ? `${this.annotationPrefix}/actions.${this.action.actionName}` : undefined;
  }

  /**
   * Binds the Rollout's weighted action; called by the Rollout.
   * @internal
   */
  public _bindAction(action: AlbActionBinding): void {
    if (this.action && this.action.rolloutPath !== action.rolloutPath) {
      throw new Error(`[${this.node.path}] Ingress "${this.name}" is already used by the Rollout at ${this.action.rolloutPath}; each Rollout needs its own Ingress (or an IngressGroup with groupName)`);
    }
    this.action = action;
    this.apiObject.metadata.addAnnotation(this.actionAnnotationKey!, this._initialActionJson());
  }

  /**
   * The action JSON exactly as the Rollouts controller writes it in steady state.
   * @internal
   */
  public _initialActionJson(): string {
    const a = this.action!;
    const port = String(a.servicePort);
    const forwardConfig: any = {
      TargetGroups: [
        { ServiceName: a.canaryServiceName, ServicePort: port, Weight: 0 },
        { ServiceName: a.stableServiceName, ServicePort: port, Weight: 100 },
      ],
    };
    if (a.stickiness) {
      forwardConfig.TargetGroupStickinessConfig = { Enabled: true, DurationSeconds: a.stickiness.toSeconds() };
    }
    return JSON.stringify({ Type: 'forward', ForwardConfig: forwardConfig });
  }

  private renderAnnotations(): { [key: string]: string } {
    const p = this.props;
    const prefix = this.annotationPrefix;
    const annotations: { [key: string]: string } = { ...p.annotations };
    if (p.scheme) annotations[`${prefix}/scheme`] = p.scheme;
    annotations[`${prefix}/target-type`] = this.targetType;
    if (p.listenPorts && p.listenPorts.length > 0) {
      annotations[`${prefix}/listen-ports`] = JSON.stringify(p.listenPorts.map(l => ({ [l.protocol]: l.port })));
    }
    if (p.certificateArns && p.certificateArns.length > 0) annotations[`${prefix}/certificate-arn`] = p.certificateArns.join(',');
    if (p.sslRedirectPort !== undefined) annotations[`${prefix}/ssl-redirect`] = String(p.sslRedirectPort);
    if (p.healthcheckPath) annotations[`${prefix}/healthcheck-path`] = p.healthcheckPath;
    if (p.groupName) annotations[`${prefix}/group.name`] = p.groupName;
    const sorted: { [key: string]: string } = {};
    for (const key of Object.keys(annotations).sort()) sorted[key] = annotations[key];
    return sorted;
  }

  /** @internal */
  public _toKube(): any {
    const backendName = this.action?.actionName ?? this.name;
    return {
      ingressClassName: this.ingressClassName,
      rules: this.rules.map(rule => ({
        host: rule.host,
        http: {
          paths: [{
            path: rule.path ?? '/',
            pathType: rule.pathType ?? kplus.HttpIngressPathType.PREFIX,
            backend: { service: { name: backendName, port: { name: 'use-annotation' } } },
          }],
        },
      })),
    };
  }
}
