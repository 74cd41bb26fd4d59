import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { pingPongReset, RouterReference, TrafficRouterContext } from './router-context';
import { TrafficRouter } from './traffic-router';
import { JsonPointer } from '../gitops/ignore-differences';
import { RuntimeOwnedFields } from '../gitops/runtime-ownership';
import { RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import { ingressHostProblem, ingressPathProblem, qualifiedNameProblem } from '../private/checks';
import { isDns1123Subdomain, isDnsLabel, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { fail, Problem, Problems, shown } from '../private/problems';
import { HeaderMatch, StepKind, StringMatchType } from '../rollout/step';
import type { AlbTrafficRouting } from '../rollout/strategy';

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

    const problems = new Problems(this);
    if (!isDns1123Subdomain(this.name)) {
      problems.add('Ingress name must be a lower-case DNS-1123 subdomain of at most 253 characters', this.name, 'use lower-case letters, digits, \'-\' and \'.\'');
    }
    for (const rule of this.rules) {
      if (rule.host !== undefined && rule.host.trim() === '') {
        problems.add('a rule\'s host is an empty string', rule.host, 'omit it to match any host');
        continue;
      }
      const hostProblem = rule.host === undefined ? undefined : ingressHostProblem(rule.host);
      if (hostProblem) problems.add(`rule host ${hostProblem}`, rule.host, 'use a host name such as "app.example.com" or "*.example.com" (no scheme, port or upper case)');
      const pathProblem = rule.path === undefined ? undefined : ingressPathProblem(rule.path);
      if (pathProblem) problems.add(`rule path ${pathProblem}`, rule.path, 'give an absolute, normalized path such as "/api"');
    }
    if (!isDns1123Subdomain(this.ingressClassName)) {
      problems.add('ingressClassName must be a lower-case DNS-1123 subdomain (the name of an IngressClass)', this.ingressClassName, 'use e.g. "alb"');
    }
    if (!isDns1123Subdomain(this.annotationPrefix)) {
      problems.add('annotationPrefix must be a lower-case DNS-1123 subdomain (it becomes the prefix of annotation keys such as <prefix>/actions.<name>)',
        this.annotationPrefix, `use e.g. "${AlbIngress.DEFAULT_ANNOTATION_PREFIX}"`);
    }
    for (const [key, value] of Object.entries(props.annotations ?? {})) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) problems.add(`annotation key ${keyProblem}`, key, 'use "<dns-prefix>/<name>" or "<name>"');
      if (typeof value !== 'string') problems.add(`annotation "${key}" must have a string value, not a ${typeof value}`, value, `quote it, e.g. "${String(value)}"`);
    }
    if (props.groupName !== undefined && !GROUP_NAME.test(props.groupName)) {
      problems.add('groupName is invalid', props.groupName, 'use at most 63 lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit');
    }
    if (props.sslRedirectPort !== undefined) {
      const https = (props.listenPorts ?? []).filter(p => p.protocol === 'HTTPS').map(p => p.port);
      if (!https.includes(props.sslRedirectPort)) {
        problems.add(`sslRedirectPort ${props.sslRedirectPort} is not an HTTPS listen port`, https, `add AlbListenPort.https(${props.sslRedirectPort}) to listenPorts`);
      }
    }
    for (const key of Object.keys(props.annotations ?? {})) {
      if (key === 'kubernetes.io/ingress.class') {
        problems.add(`annotation kubernetes.io/ingress.class cannot be set together with spec.ingressClassName ("${this.ingressClassName}")`, props.annotations![key], 'use ingressClassName only');
      }
      if (key.startsWith(`${this.annotationPrefix}/actions.`) || key.startsWith(`${this.annotationPrefix}/conditions.`)) {
        problems.add('annotation is written by the Rollouts controller', key, 'configure stickiness and header routes on the Rollout instead');
      }
    }
    problems.throwIfAny();

    this.apiObject = new kplus.k8s.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, annotations: this.renderAnnotations() },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation({
      validate: () => this.action ? [] : new Problems(this).add(`Ingress "${this.name}" is not used by any Rollout, so its use-annotation backend has no action`, 'pass it to a Rollout\'s ALB traffic routing').messages,
    });
  }

  /** The rules of the Ingress. */
  public get ingressRules(): AlbIngressRule[] {
    return [...this.rules];
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
      fail(this, `Ingress "${this.name}" is already used by the Rollout at ${this.action.rolloutPath}`, 'each Rollout needs its own Ingress (or an IngressGroup with groupName)');
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
    // the controller's ingressutil.ForwardConfig, in its JSON spelling
    const forwardConfig = {
      TargetGroups: [
        { ServiceName: a.canaryServiceName, ServicePort: port, Weight: 0 },
        { ServiceName: a.stableServiceName, ServicePort: port, Weight: 100 },
      ],
      TargetGroupStickinessConfig: a.stickiness ? { Enabled: true, DurationSeconds: a.stickiness.toSeconds() } : undefined,
    };
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
  public _toKube(): kplus.k8s.IngressSpec {
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

const MAX_STICKINESS_SECONDS = 604800;

/**
 * The ALB as a traffic router of a Rollout: binds the weighted action into its Ingresses,
 * renders `trafficRouting.alb` and records the action annotation and header-route paths the
 * controller writes. `CanaryTrafficRouting.alb` creates one; use it directly in `routers`.
 */
export class AlbTrafficRouter extends TrafficRouter {
  constructor(
    /** The ALB routing options. */
    public readonly options: AlbTrafficRouting) {
    super();
  }

  /** @internal */
  public _validate(ctx: TrafficRouterContext): string[] {
    const alb = this.options;
    const c = ctx.canary;
    const problems = new Problems(ctx.rollout);
    const instanceIngress = alb.verifyTargetGroups ? alb.ingresses.find(i => i.targetType !== AlbTargetType.IP) : undefined;
    if (instanceIngress) {
      problems.add(`ALB verifyTargetGroups checks that the ALB registered the pod IPs, which needs targetType ip, but Ingress "${instanceIngress.name}" uses another`,
        instanceIngress.targetType, 'use AlbTargetType.IP on the Ingress, or remove verifyTargetGroups');
    }
    if (c.pingPong && !alb.rootServiceName) {
      problems.add('canary pingPong with ALB needs alb.rootServiceName', alb.rootServiceName, 'give the action name the Ingress backends use (e.g. "<app>-root")');
    }
    if (alb.ingresses.length === 0) problems.add('canary trafficRouting.alb needs at least one Ingress', { ingresses: [] }, 'pass the AlbIngress the Rollout splits traffic on');
    const prefixes = new Set(alb.ingresses.map(i => i.annotationPrefix));
    if (prefixes.size > 1) problems.add('canary trafficRouting.alb Ingresses use different annotation prefixes', [...prefixes], 'give them one prefix: the Rollout writes one prefix to all of them');
    // milliseconds: Duration.toSeconds() throws (without the construct path) on fractions
    const stickySeconds = alb.stickiness ? alb.stickiness.toMilliseconds({ integral: false }) / 1000 : undefined;
    if (stickySeconds !== undefined && (stickySeconds < 1 || stickySeconds > MAX_STICKINESS_SECONDS || !Number.isInteger(stickySeconds))) {
      problems.add(`canary ALB stickiness must be 1 to ${MAX_STICKINESS_SECONDS} whole seconds (7 days)`, `${stickySeconds}s`, 'give a whole number of seconds in that range, e.g. Duration.minutes(10)');
    }
    const action = this.actionName(ctx);
    if (action && !isDnsLabel(action, 55)) {
      problems.add(`canary ALB action name becomes the annotation key actions.${action}, so it must be a DNS-1035 label of at most 55 characters`, action,
        'use a shorter lower-case name');
    }
    if (!Number.isInteger(alb.servicePort) || alb.servicePort < 1 || alb.servicePort > 65535) {
      problems.add('canary ALB servicePort must be a port number 1-65535', alb.servicePort, 'give the port of the Services the Ingress forwards to');
    }
    return problems.messages;
  }

  /** @internal */
  public _needsStableAndCanary(ctx: TrafficRouterContext): string | undefined {
    return ctx.canary.pingPong ? undefined : 'ALB';
  }

  /** @internal */
  public _supportsStep(kind: StepKind): boolean {
    return kind === StepKind.SET_HEADER_ROUTE || kind === StepKind.EXPERIMENT;
  }

  /** @internal */
  public _unsupportedStepReason(kind: StepKind): string | undefined {
    return kind === StepKind.SET_MIRROR_ROUTE ? 'the ALB cannot mirror traffic' : undefined;
  }

  /** @internal */
  public _headerMatchProblem(at: string, m: HeaderMatch): Problem | undefined {
    return m.match.type === StringMatchType.EXACT ? undefined : {
      what: `${at}: ALB matches headers by exact value only`,
      value: shown(`${m.match} for header "${m.header}"`),
      fix: 'use HeaderMatch.exact (ALB treats * and ? in it as wildcards)',
    };
  }

  /** @internal */
  public _reservedRouteNames(ctx: TrafficRouterContext): [string, string][] {
    return [[this.actionName(ctx) ?? '', 'the ALB action (root Service)']];
  }

  /** @internal */
  public get _servicePort(): number | undefined {
    return this.options.servicePort;
  }

  /** @internal */
  public _bind(ctx: TrafficRouterContext): void {
    const c = ctx.canary;
    const canaryName = c.pingPong ? c.pingPong.pongService.name : c.canaryService?.name;
    const stableName = c.pingPong ? c.pingPong.pingService.name : c.stableService?.name;
    for (const ingress of this.options.ingresses) {
      ingress._bindAction({
        actionName: this.options.rootServiceName ?? stableName!,
        canaryServiceName: canaryName!,
        stableServiceName: stableName!,
        servicePort: this.options.servicePort,
        stickiness: this.options.stickiness,
        rolloutPath: ctx.rollout.node.path,
      });
    }
  }

  /** @internal */
  public _serviceProblems(ctx: TrafficRouterContext, service: kplus.Service, switchedByBlueGreen: boolean): string[] {
    const problems = new Problems(ctx.rollout);
    const alb = this.options;
    const instanceIngress = alb.ingresses.find(i => i.targetType !== AlbTargetType.IP);
    const serviceType: string = service.type;
    if (instanceIngress && !switchedByBlueGreen && !['NodePort', 'LoadBalancer'].includes(serviceType)) {
      problems.add(`Service "${service.name}" must be NodePort or LoadBalancer: Ingress "${instanceIngress.name}" uses instance targets (targetType ${instanceIngress.targetType}), which reach pods through node ports only`,
        serviceType, 'set targetType: AlbTargetType.IP on the Ingress, or make the Service NodePort');
    }
    const ports = service.ports.map(port => port.port);
    if (!ports.includes(alb.servicePort)) {
      problems.add(`ALB servicePort ${alb.servicePort} is not a port of Service "${service.name}"`, ports,
        'give one of the Service\'s ports: the weighted action would forward to a port the Service does not have');
    }
    return problems.messages;
  }

  /** @internal */
  public _references(): RouterReference[] {
    return this.options.ingresses.map(i => ({ kind: 'Ingress', name: i.name, construct: i }));
  }

  /** @internal */
  public _render(_ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting {
    const alb = this.options;
    return {
      alb: {
        ...(alb.ingresses.length === 1 ? { ingress: alb.ingresses[0].name } : { ingresses: alb.ingresses.map(i => i.name) }),
        servicePort: alb.servicePort,
        rootService: alb.rootServiceName,
        annotationPrefix: alb.ingresses[0].annotationPrefix === AlbIngress.DEFAULT_ANNOTATION_PREFIX ? undefined : alb.ingresses[0].annotationPrefix,
        stickinessConfig: alb.stickiness ? { enabled: true, durationSeconds: alb.stickiness.toSeconds() } : undefined,
      },
    };
  }

  /** @internal */
  public _runtimeOwnedFields(ctx: TrafficRouterContext): RuntimeOwnedFields[] {
    const headerRoutes = ctx.headerRoutes;
    return this.options.ingresses.map(ingress => ({
      group: 'networking.k8s.io',
      kind: 'Ingress',
      name: ingress.name,
      namespace: Chart.of(ingress).namespace,
      jsonPointers: [JsonPointer.of(['metadata', 'annotations', ingress.actionAnnotationKey!])],
      jqPathExpressions: headerRoutes.length > 0
        ? headerRoutes.map(r => `.spec.rules[]?.http.paths[]? | select(.backend.service.name == ${JSON.stringify(r)})`)
        : undefined,
      reason: `the Rollout ${ctx.rolloutName} rewrites the weighted action${headerRoutes.length > 0 ? ' and inserts header-route paths' : ''}`,
      unsafeToReset: pingPongReset(ctx),
    }));
  }

  private actionName(ctx: TrafficRouterContext): string | undefined {
    return this.options.rootServiceName ?? ctx.canary.stableService?.name;
  }
}
