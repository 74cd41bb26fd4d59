import { Duration } from 'cdk8s';
import { CanaryApp } from '../../src/canary-app';
import { Step } from '../../src/rollout/step';
import { IstioLoadBalancer, IstioTlsMode } from '../../src/routing/istio-traffic-policy';
import { IstioRoutingOptions, TrafficRouting } from '../../src/routing/traffic-routing';
import { findManifest, synthValidated } from '../helpers/synth';
import { chart } from '../rollout/fixtures';

/** The Istio route settings and DestinationRule traffic policy (istio-traffic-policy.ts). */
function subsetApp(istio: Partial<IstioRoutingOptions>) {
  const c = chart();
  new CanaryApp(c, 'catalog', {
    image: 'ghcr.io/acme/catalog:1.0.0',
    containerPort: 8080,
    replicas: 4,
    routing: TrafficRouting.istio({ hosts: ['catalog'], subsetLevel: true, ...istio }),
    steps: [Step.setWeight(20), Step.pause()],
  });
  return c;
}

describe('Istio traffic policy', () => {
  test('renders only the HTTP connection pool when no TCP limit is given', () => {
    const m = synthValidated(subsetApp({ trafficPolicy: { connectionPool: { http1MaxPendingRequests: 64, maxRequestsPerConnection: 1 } } }));
    expect(findManifest(m, 'DestinationRule').spec.trafficPolicy).toEqual({
      connectionPool: { http: { http1MaxPendingRequests: 64, maxRequestsPerConnection: 1 } },
    });
  });

  test('renders TLS mode and load balancer alone, without empty sections', () => {
    const m = synthValidated(subsetApp({ trafficPolicy: { tlsMode: IstioTlsMode.DISABLE, loadBalancer: IstioLoadBalancer.ROUND_ROBIN } }));
    expect(findManifest(m, 'DestinationRule').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' }, loadBalancer: { simple: 'ROUND_ROBIN' } });
  });

  test('renders a sub-second connect timeout in milliseconds', () => {
    const m = synthValidated(subsetApp({ trafficPolicy: { connectionPool: { connectTimeout: Duration.millis(250) } } }));
    expect(findManifest(m, 'DestinationRule').spec.trafficPolicy.connectionPool).toEqual({ tcp: { connectTimeout: '250ms' } });
  });

  test('accepts maxRequestsPerConnection 0 but refuses http1MaxPendingRequests 0', () => {
    expect(() => subsetApp({ trafficPolicy: { connectionPool: { maxRequestsPerConnection: 0 } } })).not.toThrow();
    expect(() => subsetApp({ trafficPolicy: { connectionPool: { http1MaxPendingRequests: 0 } } }))
      .toThrow(/trafficPolicy connectionPool http1MaxPendingRequests must be from 1 to 2147483647 .*; got 0/);
  });

  test('fails when the outlier baseEjectionTime is below a millisecond', () => {
    expect(() => subsetApp({ trafficPolicy: { outlierDetection: { baseEjectionTime: Duration.millis(0) } } }))
      .toThrow(/\[test\/catalog\/destination-rule\] trafficPolicy outlierDetection baseEjectionTime must be a whole number of milliseconds, at least 1ms; got "0ms"; give e.g. Duration.millis/);
  });

  test('reports every trafficPolicy problem in one error', () => {
    const build = () => subsetApp({ trafficPolicy: { outlierDetection: { consecutive5xxErrors: -1, maxEjectionPercent: 101 } } });
    expect(build).toThrow(/outlierDetection maxEjectionPercent must be a whole number from 0 to 100; got 101; give a percentage, e.g. 50\n.*outlierDetection consecutive5xxErrors must be from 0 to 2147483647 .*; got -1; give a whole number in that range/);
  });
});

describe('Istio HTTP route settings', () => {
  test('renders retries without retryOn when no condition is given', () => {
    const m = synthValidated(subsetApp({ httpRoute: { retries: { attempts: 2 } } }));
    const route = findManifest(m, 'VirtualService').spec.http[0];
    expect(route.retries).toEqual({ attempts: 2 });
    expect(route.timeout).toBeUndefined();
  });

  test('fails when a retry condition has upper-case letters', () => {
    expect(() => subsetApp({ httpRoute: { retries: { attempts: 2, retryOn: ['Reset'] } } }))
      .toThrow(/\[test\/catalog\/virtual-service\] httpRoute retries retryOn condition must be an Envoy retry condition or status code; got "Reset"; use e.g. "5xx", "reset" or "503"/);
  });
});
