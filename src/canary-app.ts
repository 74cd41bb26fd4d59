import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addPodProblems, addPortProblems, podTemplateProps, releaseRolloutProps } from './front-door-pod';
import { FrontDoorReleaseOptions } from './front-door-release';
import { isDnsLabel, readableName } from './private/names';
import { registerObject } from './private/object-registry';
import { applyPatchesLast } from './private/patches';
import { Problems, shown } from './private/problems';
import { Rollout } from './rollout/rollout';
import { Step } from './rollout/step';
import { CanaryStrategyBaseOptions, CanaryStrategyOptions, RolloutStrategy } from './rollout/strategy';
import { WorkloadRef } from './rollout/workload-ref';
import { AlbIngress, AlbLoadBalancerOptions } from './routing/alb';
import { IstioDestinationRule, IstioVirtualService } from './routing/istio';
import { TrafficRouting } from './routing/traffic-routing';

/** Properties of a `CanaryApp`. */
export interface CanaryAppProps extends FrontDoorReleaseOptions {
  /**
   * Base name of every object: Rollout `<name>`, Services `<name>-stable`, `<name>-canary`,
   * `<name>-root` (or `<name>-ping`, `<name>-pong`), Ingress / VirtualService / DestinationRule `<name>`.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The container image. Give this or `workloadRef`.
   * @default - none: `workloadRef` must be given
   */
  readonly image?: string;

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

  /**
   * Pod-level settings of the Rollout's pod template: service account, pod labels and
   * annotations, security context, volumes, init and sidecar containers, scheduling.
   * @default - cdk8s-plus defaults
   */
  readonly pod?: CanaryAppPodOptions;

  /**
   * Migrate an existing Deployment: the Rollout takes its pod template (`spec.workloadRef`)
   * instead of `image` and `container`, and the Services select the Deployment's pod labels.
   * @default - the Rollout's own pod template from `image`
   */
  readonly workloadRef?: WorkloadRef;

  /**
   * More ALB Ingresses for the same Rollout (e.g. an internal one beside an internet-facing
   * one), each named `<name>-<suffix>` and carrying the same weighted action. Needs
   * `TrafficRouting.alb`.
   * @default - only the Ingress of `routing`
   */
  readonly additionalIngresses?: CanaryAppIngressOptions[];
}

/** Pod-level settings a `CanaryApp` (or `BlueGreenApp`) passes to its Rollout's pod template. */
export interface CanaryAppPodOptions extends kplus.AbstractPodProps {
  /**
   * Labels and annotations of the pods (e.g. `sidecar.istio.io/inject`).
   * @default - only the app's selector label
   */
  readonly podMetadata?: ApiObjectMetadata;

  /**
   * Prefer spreading the pods across nodes and zones (preferred pod anti-affinity on hostname
   * and zone, so surge and canary pods still schedule on a small cluster).
   * @default false
   */
  readonly spread?: boolean;

  /**
   * Run only on nodes with these labels (node affinity).
   * @default - any node
   */
  readonly nodeLabels?: { [key: string]: string };

  /**
   * Taints the pods tolerate.
   * @default - none
   */
  readonly tolerations?: kplus.NodeTaintQuery[];
}

/** An extra ALB Ingress of a `CanaryApp`. */
export interface CanaryAppIngressOptions extends AlbLoadBalancerOptions {
  /** Suffix of the Ingress name, `<name>-<suffix>`, e.g. 'internal'. */
  readonly suffix: string;

  /**
   * Host the Ingress rule matches.
   * @default - any host
   */
  readonly host?: string;

  /**
   * Path the Ingress rule matches.
   * @default '/'
   */
  readonly path?: string;
}

/** Canary strategy options a `CanaryApp` passes through to its Rollout (it makes the Services, steps and routing itself). */
export interface CanaryAppStrategyOptions extends CanaryStrategyBaseOptions {}

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
  /**
   * The root Service: the ALB action name, the one Service of Istio subset-level routing, or, with
   * Istio host-level routing, the Service behind the in-mesh host `<name>`.
   */
  public readonly rootService?: kplus.Service;
  /**
   * Services the in-mesh hosts of Istio host-level routing need (e.g. `reviews` for the host
   * `reviews.shop.svc.cluster.local`), so that in-mesh clients can resolve them. They select every
   * pod of the app; the controller never switches them.
   */
  public readonly meshHostServices: kplus.Service[] = [];
  /** The ping Service (ping-pong layouts). */
  public readonly pingService?: kplus.Service;
  /** The pong Service (ping-pong layouts). */
  public readonly pongService?: kplus.Service;
  /** The ALB Ingress (ALB routing). */
  public readonly ingress?: AlbIngress;
  /** The extra ALB Ingresses (`additionalIngresses`). */
  public readonly additionalIngresses: AlbIngress[] = [];
  /** The Istio VirtualService (Istio routing). */
  public readonly virtualService?: IstioVirtualService;
  /** The Istio DestinationRule (Istio subset-level routing). */
  public readonly destinationRule?: IstioDestinationRule;

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    this.name = props.name ?? readableName(this);
    const servicePort = props.servicePort ?? 80;
    const problems = new Problems(this);
    addPortProblems(problems, props, servicePort);
    const routing = props.routing?._app;
    // Services are named <name>-<suffix> and must be DNS-1035 labels (start with a letter, at most 63 characters)
    const suffixes = routing?.singleService ? [] : props.pingPong ? ['ping', 'pong'] : ['stable', 'canary'];
    suffixes.push(...routing?.extraServiceSuffixes ?? []);
    const longest = Math.max(0, ...suffixes.map(x => x.length + 1));
    const limit = routing?.nameLimit(suffixes);
    const max = limit?.max ?? 63 - longest;
    if (!isDnsLabel(this.name, max)) {
      const why = limit?.why ?? (longest > 0 ? `, so that the Service names ${suffixes.map(x => `"<name>-${x}"`).join(', ')} fit 63` : '');
      problems.add(`name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter; no '.') of at most ${max} characters${why}`,
        shown(`"${this.name}" (${this.name.length} characters)`), 'pass a shorter lower-case name');
    }
    addPodProblems(problems, props);
    if (props.additionalIngresses?.length && !routing?.takesAdditionalIngresses) {
      problems.add('additionalIngresses are ALB Ingresses and need routing: TrafficRouting.alb(...)', shown(routing ? `${routing.label} routing` : 'no routing'),
        'use TrafficRouting.alb(...), or remove additionalIngresses');
    }
    if (props.pingPong && !props.routing) {
      problems.add('pingPong needs routing (TrafficRouting.alb or TrafficRouting.istio); without it the ping and pong Services are never switched',
        'add routing, or remove pingPong');
    }
    for (const p of routing?.problems(props.pingPong ?? false) ?? []) problems.addProblem(p);
    problems.throwIfAny();

    const service = (suffix: string | undefined) => {
      const created = new kplus.Service(this, suffix ?? 'service', {
        metadata: { name: suffix ? `${this.name}-${suffix}` : this.name },
        type: routing?.serviceType,
        ports: [{ name: 'http', port: servicePort, targetPort: props.containerPort }],
      });
      applyPatchesLast(ApiObject.of(created));
      registerObject(created, ApiObject.of(created));
      return created;
    };

    const strategy: { -readonly [K in keyof CanaryStrategyOptions]: CanaryStrategyOptions[K] } = { ...props.strategy, steps: props.steps };
    let rootService: kplus.Service | undefined;
    if (routing?.singleService) {
      rootService = service(undefined);
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

    const built = routing?.build({
      scope: this,
      name: this.name,
      servicePort,
      containerPort: props.containerPort,
      stableService: this.stableService,
      canaryService: this.canaryService,
      pingService: this.pingService,
      pongService: this.pongService,
      rootService,
      additionalIngresses: props.additionalIngresses,
      service,
    });
    this.rootService = built?.rootService ?? rootService;
    this.meshHostServices.push(...built?.meshHostServices ?? []);
    this.ingress = built?.ingress;
    this.additionalIngresses.push(...built?.additionalIngresses ?? []);
    this.virtualService = built?.virtualService;
    this.destinationRule = built?.destinationRule;
    strategy.trafficRouting = built?.trafficRouting;

    const pod = podTemplateProps(props);
    this.rollout = new Rollout(this, 'rollout', {
      ...pod.rolloutProps,
      metadata: { name: this.name },
      replicas: props.replicas,
      strategy: RolloutStrategy.canary(strategy),
      ...releaseRolloutProps(props),
    });
    pod.applyScheduling(this.rollout);
    // the root / subset-level / mesh-host Services select every pod of the app; the controller never switches them
    this.rootService?.select(this.rollout);
    for (const meshService of this.meshHostServices) if (meshService !== this.rootService) meshService.select(this.rollout);
  }
}
