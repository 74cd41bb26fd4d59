import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackgroundAnalysisOptions } from './analysis/analysis-run';
import { readableName } from './private/names';
import { Rollout } from './rollout/rollout';
import { Step } from './rollout/step';
import { CanaryStrategyOptions, CanaryTrafficRouting, RolloutStrategy } from './rollout/strategy';
import { AlbIngress, AlbTargetType } from './routing/alb';
import { IstioDestinationRule, IstioVirtualService } from './routing/istio';
import { TrafficRouting } from './routing/traffic-routing';

/** Properties of a `CanaryApp`. */
export interface CanaryAppProps {
  /**
   * Base name of every object: Rollout `<name>`, Services `<name>-stable`, `<name>-canary`,
   * `<name>-root` (or `<name>-ping`, `<name>-pong`), Ingress / VirtualService / DestinationRule `<name>`.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /** The container image. */
  readonly image: string;

  /** The port the container listens on. */
  readonly containerPort: number;

  /**
   * The port of the Services.
   * @default 80
   */
  readonly servicePort?: number;

  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * How traffic is shifted; without it the weight is approximated by pod counts.
   * @default - no traffic routing
   */
  readonly routing?: TrafficRouting;

  /**
   * Ping and pong Services that swap roles after every release, instead of stable and canary.
   * The ALB then keeps registered targets across a promotion (no 503 while targets register).
   * @default false
   */
  readonly pingPong?: boolean;

  /**
   * The canary steps; header and mirror routes become managed routes.
   * @default - none (a rolling update)
   */
  readonly steps?: Step[];

  /**
   * The rest of the main container: env, probes, resources, security context, volume mounts.
   * `image` and the port come from `image` and `containerPort`.
   * @default - cdk8s-plus defaults (non-root, read-only root filesystem, resource limits)
   */
  readonly container?: kplus.ContainerProps;

  /**
   * Everything else of the canary strategy (scale-down delays, background analysis, surge...).
   * `steps`, Services and traffic routing are set by the app.
   * @default - none
   */
  readonly strategy?: CanaryAppStrategyOptions;
}

/** Canary strategy options a `CanaryApp` passes through to its Rollout. */
export interface CanaryAppStrategyOptions {
  /** @default - 25% */
  readonly maxSurge?: kplus.PercentOrAbsolute;
  /** @default - 25% */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
  /** Keeps the old version running this long after a promotion (traffic routing only). @default - 30 seconds */
  readonly scaleDownDelay?: Duration;
  /** @default - 30 seconds */
  readonly abortScaleDownDelay?: Duration;
  /** @default false */
  readonly dynamicStableScale?: boolean;
  /** @default - none */
  readonly minPodsPerReplicaSet?: number;
  /** Background analysis for the whole update. @default - none */
  readonly analysis?: BackgroundAnalysisOptions;
}

/**
 * A whole canary app from a few props: the Rollout, its Services for the chosen layout, the ALB
 * Ingress or Istio VirtualService (and DestinationRule), with names that agree and the
 * runtime-ownership records `ArgoCdApplication` turns into `ignoreDifferences`.
 *
 * @example
 * const checkout = new CanaryApp(chart, 'checkout', {
 *   image: 'ghcr.io/acme/checkout:1.4.2',
 *   containerPort: 8080,
 *   replicas: 10,
 *   routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
 *   steps: [
 *     Step.scaleCanary({ weight: 10 }),
 *     Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
 *     Step.pause(Duration.seconds(60)),
 *     Step.shiftTraffic(1),
 *     Step.pause(),
 *     Step.scaleCanary({ matchTrafficWeight: true }),
 *     Step.shiftTraffic(80),
 *   ],
 * });
 */
export class CanaryApp extends Construct {
  /** The base name of the objects. */
  public readonly name: string;
  /** The Rollout. */
  public readonly rollout: Rollout;
  /** The stable Service (stable/canary layouts). */
  public readonly stableService?: kplus.Service;
  /** The canary Service (stable/canary layouts). */
  public readonly canaryService?: kplus.Service;
  /** The root Service: the ALB action name, or the one Service of Istio subset-level routing. */
  public readonly rootService?: kplus.Service;
  /** The ping Service (ping-pong layouts). */
  public readonly pingService?: kplus.Service;
  /** The pong Service (ping-pong layouts). */
  public readonly pongService?: kplus.Service;
  /** The ALB Ingress (ALB routing). */
  public readonly ingress?: AlbIngress;
  /** The Istio VirtualService (Istio routing). */
  public readonly virtualService?: IstioVirtualService;
  /** The Istio DestinationRule (Istio subset-level routing). */
  public readonly destinationRule?: IstioDestinationRule;

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    this.name = props.name ?? readableName(this);
    const servicePort = props.servicePort ?? 80;
    const where = `[${this.node.path}]`;
    for (const [field, port] of [['containerPort', props.containerPort], ['servicePort', servicePort]] as const) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${where} ${field} must be a port number 1-65535; got ${port}`);
    }
    if (props.container?.portNumber !== undefined && props.container.portNumber !== props.containerPort) {
      throw new Error(`${where} container.portNumber ${props.container.portNumber} differs from containerPort ${props.containerPort}; set the port once, with containerPort`);
    }
    const alb = props.routing?.albOptions;
    const istio = props.routing?.istioOptions;
    if (istio?.subsetLevel && props.pingPong) {
      throw new Error(`${where} pingPong cannot be combined with Istio subset-level routing, which splits subsets of one Service; use host-level routing (subsetLevel: false) for ping-pong`);
    }
    if (alb?.verifyTargetGroups && alb.targetType === AlbTargetType.INSTANCE) {
      throw new Error(`${where} verifyTargetGroups checks pod IPs, which needs targetType ip; got instance. Remove targetType or use AlbTargetType.IP`);
    }
    if (props.pingPong && !props.routing) {
      throw new Error(`${where} pingPong needs routing (TrafficRouting.alb or TrafficRouting.istio); without it the ping and pong Services are never switched`);
    }

    const service = (suffix: string | undefined) => new kplus.Service(this, suffix ?? 'service', {
      metadata: { name: suffix ? `${this.name}-${suffix}` : this.name },
      ports: [{ name: 'http', port: servicePort, targetPort: props.containerPort }],
    });

    let trafficRouting: CanaryTrafficRouting | undefined;
    const strategy: { -readonly [K in keyof CanaryStrategyOptions]: CanaryStrategyOptions[K] } = { ...props.strategy, steps: props.steps };
    if (istio?.subsetLevel) {
      this.rootService = service(undefined);
      this.destinationRule = new IstioDestinationRule(this, 'destination-rule', { name: this.name, host: this.name });
    } else if (props.pingPong) {
      this.pingService = service('ping');
      this.pongService = service('pong');
      strategy.pingPong = { pingService: this.pingService, pongService: this.pongService };
    } else {
      this.stableService = service('stable');
      this.canaryService = service('canary');
      strategy.stableService = this.stableService;
      strategy.canaryService = this.canaryService;
    }

    if (alb) {
      this.rootService = service('root');
      const { host, path, stickiness, verifyTargetGroups, ...loadBalancer } = alb;
      this.ingress = new AlbIngress(this, 'ingress', {
        ...loadBalancer,
        name: this.name,
        rules: [{ host, path }],
      });
      trafficRouting = {
        alb: { ingresses: [this.ingress], servicePort, rootServiceName: this.rootService.name, stickiness },
      };
    } else if (istio) {
      this.virtualService = new IstioVirtualService(this, 'virtual-service', {
        name: this.name,
        hosts: istio.hosts,
        gateways: istio.gateways,
        exportTo: istio.exportTo,
        routeName: istio.routeName,
      });
      trafficRouting = { istio: { virtualServices: [this.virtualService], destinationRule: this.destinationRule } };
    }
    strategy.trafficRouting = trafficRouting;

    this.rollout = new Rollout(this, 'rollout', {
      metadata: { name: this.name },
      replicas: props.replicas,
      containers: [{ name: 'main', ...props.container, image: props.image, portNumber: props.containerPort }],
      strategy: RolloutStrategy.canary(strategy),
    });
    // the root / subset-level Service selects every pod of the app; the controller never switches it
    this.rootService?.select(this.rollout);
  }
}
