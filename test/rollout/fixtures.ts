import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { Rollout, RolloutProps } from '../../src/rollout/rollout';
import { Step } from '../../src/rollout/step';
import { CanaryStrategyOptions, CanaryTrafficRouting, RolloutStrategy } from '../../src/rollout/strategy';
import { AlbIngress } from '../../src/routing/alb';
import { IstioDestinationRule, IstioVirtualService } from '../../src/routing/istio';

/** Test fixtures shared by the rollout, routing and scenario tests. */

export const IMAGE = 'ghcr.io/acme/checkout:1.4.2';

export function chart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

export function service(scope: Construct, name: string, port = 80, selector?: kplus.IPodSelector, id = name): kplus.Service {
  return new kplus.Service(scope, id, {
    metadata: { name },
    ports: [{ name: 'http', port, targetPort: 8080 }],
    selector,
  });
}

export function containers(): kplus.ContainerProps[] {
  return [{ name: 'main', image: IMAGE, portNumber: 8080 }];
}

export function rollout(scope: Construct, strategy: RolloutStrategy, extra: Partial<RolloutProps> = {}, id = 'checkout'): Rollout {
  return new Rollout(scope, id, { containers: containers(), replicas: 10, strategy, ...extra });
}

export interface AlbSetup {
  readonly stable: kplus.Service;
  readonly canary: kplus.Service;
  readonly root: kplus.Service;
  readonly ingress: AlbIngress;
}

export function albSetup(scope: Construct): AlbSetup {
  return {
    stable: service(scope, 'checkout-stable'),
    canary: service(scope, 'checkout-canary'),
    root: service(scope, 'checkout-root'),
    ingress: new AlbIngress(scope, 'checkout-ingress', { name: 'checkout', rules: [{ host: 'qa-domain.com' }] }),
  };
}

/** An ALB canary (stable/canary/root) with the given steps and strategy options. */
export function albCanary(scope: Construct, steps: Step[], options: Partial<CanaryStrategyOptions> = {}, routing: Partial<CanaryTrafficRouting['alb']> = {}): Rollout {
  const s = albSetup(scope);
  const r = rollout(scope, RolloutStrategy.canary({
    stableService: s.stable,
    canaryService: s.canary,
    trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80, rootServiceName: 'checkout-root', ...routing } },
    steps,
    ...options,
  }));
  s.root.select(r);
  return r;
}

export interface IstioSetup {
  readonly stable: kplus.Service;
  readonly canary: kplus.Service;
  readonly vs: IstioVirtualService;
}

export function istioSetup(scope: Construct): IstioSetup {
  return {
    stable: service(scope, 'checkout-stable'),
    canary: service(scope, 'checkout-canary'),
    vs: new IstioVirtualService(scope, 'checkout-vs', { name: 'checkout', hosts: ['checkout'], gateways: ['mesh'] }),
  };
}

/** An Istio host-level canary with the given steps and strategy options. */
export function istioCanary(scope: Construct, steps: Step[], options: Partial<CanaryStrategyOptions> = {}): Rollout {
  const s = istioSetup(scope);
  return rollout(scope, RolloutStrategy.canary({
    stableService: s.stable,
    canaryService: s.canary,
    trafficRouting: { istio: { virtualServices: [s.vs] } },
    steps,
    ...options,
  }));
}

/** An Istio subset-level canary. */
export interface IstioSubsetSetup {
  readonly rollout: Rollout;
  readonly dr: IstioDestinationRule;
  readonly vs: IstioVirtualService;
  readonly svc: kplus.Service;
}

export function istioSubsetCanary(scope: Construct, steps: Step[]): IstioSubsetSetup {
  const svc = service(scope, 'checkout', 80, undefined, 'checkout-svc');
  const vs = new IstioVirtualService(scope, 'checkout-vs', { name: 'checkout', hosts: ['checkout'] });
  const dr = new IstioDestinationRule(scope, 'checkout-dr', { name: 'checkout', host: 'checkout' });
  const r = rollout(scope, RolloutStrategy.canary({ trafficRouting: { istio: { virtualServices: [vs], destinationRule: dr } }, steps }));
  svc.select(r);
  return { rollout: r, dr, vs, svc };
}

/** A template with a counted Prometheus metric (valid for steps and promotion analysis). */
export function successRate(scope: Construct, name = 'success-rate'): AnalysisTemplate {
  return new AnalysisTemplate(scope, name, {
    name,
    metrics: [Metric.prometheus({
      name: 'success-rate',
      address: 'http://prometheus.monitoring:9090',
      query: 'sum(rate(http_requests_total{code!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
      successCondition: 'result[0] >= 0.99',
      interval: Duration.minutes(1),
      count: 5,
      failureLimit: 1,
    })],
  });
}

/** Runs the construct's (and its children's) validations, as synth does. */
export function validationErrors(scope: Construct): string[] {
  const errors: string[] = [];
  for (const c of scope.node.findAll()) errors.push(...c.node.validate());
  return errors;
}
