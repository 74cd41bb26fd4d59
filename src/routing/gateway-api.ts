import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { HttpRouteSpec } from './http-route-spec';
import { AppRouting, AppRoutingContext, AppRoutingResult, RouterReference, TrafficRouterContext } from './router-context';
import { TrafficRouter } from './traffic-router';
import type { ControllerPlugin } from '../aws/rollouts-controller';
import { RuntimeOwnedFields } from '../gitops/runtime-ownership';
import { RolloutSpecStrategyCanaryTrafficRouting } from '../imports/rollout-argoproj.io';
import { ingressHostProblem, ingressPathProblem } from '../private/checks';
import { isDns1123Label, isDns1123Subdomain, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { fail, Problem, Problems } from '../private/problems';
import { StepKind } from '../rollout/step';

/** The plugin's name in the controller's configuration and in `trafficRouting.plugins`. */
const PLUGIN = 'argoproj-labs/gatewayAPI';
const RELEASES = 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download';
const GROUP = 'gateway.networking.k8s.io';
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
/** The characters the HTTPRoute CRD allows in an Exact or PathPrefix path (its CEL rule). */
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Problem of an HTTPRoute PathPrefix value: the Ingress rules, plus the CRD's '#' and character rules. */
function httpRoutePathProblem(path: string): string | undefined {
  return ingressPathProblem(path)
    ?? (path.includes('#') ? 'must not contain "#"' : undefined)
    ?? (path.length > 1024 ? 'must be at most 1024 characters' : undefined)
    ?? (PATH_CHARS.test(path) ? undefined : 'must contain only URL path characters (letters, digits, "-._~!$&\'()*+,;=:@/" and %XX escapes)');
}

/** Properties of a `GatewayApiHttpRoute`. */
export interface GatewayApiHttpRouteProps {
  /**
   * `metadata.name` of the HTTPRoute.
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The Gateways the route attaches to, as `<name>` (the route's namespace) or `<namespace>/<name>`.
   */
  readonly gateways: string[];

  /**
   * Hostnames the route matches.
   * @default - every hostname of the Gateways
   */
  readonly hostnames?: string[];

  /**
   * Path prefix the route matches.
   * @default '/'
   */
  readonly path?: string;
}

/** Where a Rollout sends the route's traffic. @internal */
interface HttpRouteBinding {
  readonly stableService: string;
  readonly canaryService: string;
  readonly port?: number;
  readonly rolloutPath: string;
}

/**
 * A Gateway API `HTTPRoute` with one rule sending 100 percent to the stable Service and 0 to the
 * canary Service; the Argo Rollouts Gateway API plugin rewrites the weights during an update.
 *
 * @example
 * const route = new GatewayApiHttpRoute(chart, 'route', { gateways: ['infra/public'], hostnames: ['checkout.example.com'] });
 */
export class GatewayApiHttpRoute extends Construct {
  /** `metadata.name` of the HTTPRoute. */
  public readonly name: string;

  /** The HTTPRoute object. */
  public readonly apiObject: ApiObject;

  private readonly props: GatewayApiHttpRouteProps;
  private binding?: HttpRouteBinding;

  constructor(scope: Construct, id: string, props: GatewayApiHttpRouteProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? readableName(this);
    const problems = new Problems(this);
    if (!isDns1123Subdomain(this.name)) {
      problems.add('HTTPRoute name must be a lower-case DNS-1123 subdomain', this.name, 'use lower-case letters, digits, \'-\' and \'.\'');
    }
    if (props.gateways.length === 0) problems.add('an HTTPRoute needs at least one Gateway', { gateways: [] }, 'name the Gateway, e.g. "infra/public"');
    if (props.gateways.length > 32) problems.add('an HTTPRoute attaches to at most 32 Gateways', props.gateways.length, 'split the route');
    for (const [i, gateway] of props.gateways.entries()) {
      const parts = gateway.split('/');
      if (parts.length > 2 || !parts.every(isDns1123Label)) {
        problems.add('gateway must be "<name>" or "<namespace>/<name>" with lower-case DNS labels', gateway, 'give e.g. "infra/public"');
      }
      // the API server refuses two parentRefs to one Gateway without a sectionName
      if (props.gateways.indexOf(gateway) === i && props.gateways.lastIndexOf(gateway) !== i) problems.add('gateways name a Gateway twice', gateway, 'list each Gateway once');
    }
    const hostnames = props.hostnames ?? [];
    if (hostnames.length > 16) problems.add('an HTTPRoute matches at most 16 hostnames', hostnames.length, 'split the route or use a wildcard such as "*.example.com"');
    for (const hostname of hostnames) {
      const problem = ingressHostProblem(hostname);
      if (problem) problems.add(`hostname ${problem}`, hostname, 'use a host name such as "app.example.com" or "*.example.com" (no scheme, port or upper case)');
    }
    const pathProblem = props.path === undefined ? undefined : httpRoutePathProblem(props.path);
    if (pathProblem) problems.add(`path ${pathProblem}`, props.path, 'give an absolute, normalized path such as "/api"');
    problems.throwIfAny();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: `${GROUP}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: this.name },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation({
      validate: () => this.binding ? [] : new Problems(this).add(`HTTPRoute "${this.name}" is not used by any Rollout, so its rule has no backends`,
        'pass it to a GatewayApiTrafficRouter of a Rollout\'s trafficRouting').messages,
    });
  }

  /**
   * Binds the stable and canary Services; called by the router.
   * @internal
   */
  public _bind(binding: HttpRouteBinding): void {
    if (this.binding && this.binding.rolloutPath !== binding.rolloutPath) {
      fail(this, `HTTPRoute "${this.name}" is already split by the Rollout at ${this.binding.rolloutPath}`, 'give each Rollout its own HTTPRoute');
    }
    this.binding = binding;
  }

  /** @internal */
  public _toKube(): HttpRouteSpec {
    const p = this.props;
    const b = this.binding;
    const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: b?.port, weight });
    return {
      parentRefs: p.gateways.map(g => {
        const [namespace, name] = g.includes('/') ? g.split('/') : [undefined, g];
        return { group: GROUP, kind: 'Gateway', namespace, name };
      }),
      hostnames: p.hostnames && p.hostnames.length > 0 ? p.hostnames : undefined,
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: p.path ?? '/' } }],
        backendRefs: b ? [backend(b.stableService, 100), backend(b.canaryService, 0)] : undefined,
      }],
    };
  }
}

/** Properties of a `GatewayApiTrafficRouter`. */
export interface GatewayApiTrafficRouterProps {
  /** The HTTPRoutes whose weights the plugin rewrites (in the Rollout's namespace). */
  readonly httpRoutes: GatewayApiHttpRoute[];
}

/**
 * The Gateway API as a traffic router of a Rollout, through the Argo Rollouts Gateway API plugin
 * (`argoproj-labs/gatewayAPI`): binds the stable and canary Services into its HTTPRoutes, renders
 * the plugin's configuration and records what the plugin writes at runtime (the backend weights
 * and the rules of header routes). The controller must load the plugin:
 * `RolloutsController` `trafficRouterPlugins: [GatewayApiTrafficRouter.controllerPlugin('0.15.0')]`.
 *
 * @example
 * const route = new GatewayApiHttpRoute(chart, 'route', { gateways: ['infra/public'] });
 * const router = new GatewayApiTrafficRouter({ httpRoutes: [route] });
 */
export class GatewayApiTrafficRouter extends TrafficRouter {
  /**
   * The plugin for `RolloutsController`'s `trafficRouterPlugins`, downloaded from the plugin's
   * GitHub release (linux-amd64 binary).
   * @param version the plugin release, e.g. '0.15.0'
   * @param sha256 checksum of the binary
   */
  public static controllerPlugin(version: string, sha256?: string): ControllerPlugin {
    if (!VERSION.test(version)) {
      fail('GatewayApiTrafficRouter.controllerPlugin', 'Gateway API plugin version must be a release number such as "0.15.0"', version, 'see the plugin\'s GitHub releases');
    }
    return { name: PLUGIN, location: `${RELEASES}/v${version}/gatewayapi-plugin-linux-amd64`, sha256 };
  }

  /**
   * How `TrafficRouting.gatewayApi` builds a `CanaryApp`'s HTTPRoute.
   * @internal
   */
  public static _appRouting(options: GatewayApiRoutingOptions): AppRouting {
    return new GatewayApiAppRouting(options);
  }

  /** The HTTPRoutes the router splits. */
  public readonly httpRoutes: GatewayApiHttpRoute[];

  constructor(props: GatewayApiTrafficRouterProps) {
    super();
    this.httpRoutes = [...props.httpRoutes];
  }

  /** @internal */
  public _validate(ctx: TrafficRouterContext): string[] {
    const problems = new Problems(ctx.rollout);
    if (this.httpRoutes.length === 0) problems.add('Gateway API routing needs at least one HTTPRoute', { httpRoutes: [] }, 'pass the GatewayApiHttpRoute the Rollout splits');
    if (ctx.canary.pingPong) {
      problems.add('Gateway API routing splits between stableService and canaryService', { pingPong: true }, 'use stableService and canaryService');
    }
    return problems.messages;
  }

  /** @internal */
  public _needsStableAndCanary(_ctx: TrafficRouterContext): string | undefined {
    return 'the Gateway API';
  }

  /** @internal */
  public _supportsStep(kind: StepKind): boolean {
    // the plugin turns exact, prefix and regex header matches into HTTPRoute header matches
    return kind === StepKind.SET_HEADER_ROUTE || kind === StepKind.EXPERIMENT;
  }

  /** @internal */
  public _unsupportedStepReason(kind: StepKind): string | undefined {
    return kind === StepKind.SET_MIRROR_ROUTE ? 'the controller refuses them with plugin routers: "SetMirrorRoute requires TrafficRouting, supports Istio only"' : undefined;
  }

  /** @internal */
  public get _pluginNames(): string[] {
    return [PLUGIN];
  }

  /** @internal */
  public _bind(ctx: TrafficRouterContext): void {
    const c = ctx.canary;
    if (!c.stableService || !c.canaryService) return; // reported by the Rollout's rules
    for (const route of this.httpRoutes) {
      route._bind({
        stableService: c.stableService.name,
        canaryService: c.canaryService.name,
        port: ctx.servicePort ?? c.stableService.ports[0]?.port,
        rolloutPath: ctx.rollout.node.path,
      });
    }
  }

  /** @internal */
  public _serviceProblems(ctx: TrafficRouterContext, service: kplus.Service, _byBlueGreen: boolean): string[] {
    const port = ctx.servicePort ?? ctx.canary.stableService?.ports[0]?.port;
    const ports = service.ports.map(p => p.port);
    if (port === undefined || ports.includes(port)) return [];
    return new Problems(ctx.rollout).add(`Service "${service.name}" has no port ${port}, which the HTTPRoute backends use`, ports, 'give the stable and canary Services the same port').messages;
  }

  /** @internal */
  public _references(): RouterReference[] {
    return this.httpRoutes.map(r => ({ kind: 'HTTPRoute', name: r.name, construct: r }));
  }

  /** @internal */
  public _render(ctx: TrafficRouterContext): RolloutSpecStrategyCanaryTrafficRouting {
    // header routes are cloned from the route's rule; the plugin adds them only where asked
    const useHeaderRoutes = ctx.headerRoutes.length > 0 ? true : undefined;
    return { plugins: { [PLUGIN]: { httpRoutes: this.httpRoutes.map(r => ({ name: r.name, useHeaderRoutes })) } } };
  }

  /**
   * The plugin rewrites the backend weights and adds one rule per header route, named after it.
   * Its in-progress label is a key Git never has, so Argo CD's key-by-key merge never shows it.
   * @internal
   */
  public _runtimeOwnedFields(ctx: TrafficRouterContext): RuntimeOwnedFields[] {
    const headerRoutes = ctx.headerRoutes;
    return this.httpRoutes.map(route => ({
      group: GROUP,
      kind: 'HTTPRoute',
      name: route.name,
      namespace: Chart.of(route).namespace,
      jqPathExpressions: [
        '.spec.rules[]?.backendRefs[]?.weight',
        ...headerRoutes.map(r => `.spec.rules[]? | select(.name == ${JSON.stringify(r)})`),
      ],
      reason: `the Gateway API plugin of the Rollout ${ctx.rolloutName} rewrites the backend weights${headerRoutes.length > 0 ? ' and adds the header-route rules' : ''}`,
    }));
  }
}

/** Options of `TrafficRouting.gatewayApi`. */
export interface GatewayApiRoutingOptions {
  /** The Gateways the app's HTTPRoute attaches to, as `<name>` or `<namespace>/<name>`. */
  readonly gateways: string[];

  /**
   * Hostnames the HTTPRoute matches.
   * @default - every hostname of the Gateways
   */
  readonly hostnames?: string[];

  /**
   * Path prefix the HTTPRoute matches.
   * @default '/'
   */
  readonly path?: string;
}

/** A `CanaryApp` behind a Gateway API HTTPRoute, split by the Gateway API plugin. */
class GatewayApiAppRouting extends AppRouting {
  constructor(private readonly options: GatewayApiRoutingOptions) {
    super();
  }

  public get label(): string {
    return 'Gateway API';
  }

  public problems(pingPong: boolean): Problem[] {
    return pingPong ? [{ what: 'Gateway API routing splits between the stable and canary Services', value: { pingPong }, fix: 'remove pingPong' }] : [];
  }

  public build(ctx: AppRoutingContext): AppRoutingResult {
    const route = new GatewayApiHttpRoute(ctx.scope, 'http-route', { name: ctx.name, ...this.options });
    return { trafficRouting: { routers: [new GatewayApiTrafficRouter({ httpRoutes: [route] })] } };
  }
}
