import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryApp } from '../../src/canary-app';
import { HeaderMatch, Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { IstioDestinationRule, IstioVirtualService } from '../../src/routing/istio';
import { IstioLoadBalancer, IstioTlsMode } from '../../src/routing/istio-traffic-policy';
import { IstioRoutingOptions, TrafficRouting } from '../../src/routing/traffic-routing';
import { findManifest, synthValidated } from '../helpers/synth';
import { chart, istioCanary, istioSetup, istioSubsetCanary, rollout, service } from '../rollout/fixtures';

describe('IstioVirtualService: props', () => {
  test('fails when there is no host', () => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: [] })).toThrow(/\[test\/vs\] a VirtualService needs at least one host; got \[\]; give the hosts it routes/);
  });

  test('fails when the route name is not a DNS-1035 label', () => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['a'], routeName: 'Primary' })).toThrow(/\[test\/vs\] routeName must be a DNS-1035 label; got "Primary"; use lower-case letters/);
  });

  test.each(['', 'a/b/c'])('fails when a gateway is malformed (%j)', (gateway) => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['a'], gateways: [gateway] })).toThrow(/must be "mesh", "<name>" or "<namespace>\/<name>"/);
  });

  test('fails when a TLS route has no SNI host', () => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['a'], tlsRoutes: [{ port: 443, sniHosts: [] }] })).toThrow(/the TLS route on port 443 needs at least one SNI host/);
  });

  test('fails when an SNI host is outside the VirtualService hosts, which istiod refuses', () => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['checkout'], tlsRoutes: [{ port: 443, sniHosts: ['checkout.example.com'] }] }))
      .toThrow(/SNI host "checkout.example.com", which none of the VirtualService hosts \["checkout"\] covers/);
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['*.example.com'], tlsRoutes: [{ port: 443, sniHosts: ['a.example.com', '*.b.example.com'] }] })).not.toThrow();
  });

  test('fails when a TCP port repeats', () => {
    expect(() => new IstioVirtualService(chart(), 'vs', { hosts: ['a'], tcpRoutes: [{ port: 5432 }, { port: 5432 }] }))
      .toThrow(/each port may appear once per kind; got \[5432,5432\]/);
  });

  test('fails at synth when no Rollout uses the VirtualService', () => {
    const c = chart();
    new IstioVirtualService(c, 'vs', { name: 'orphan', hosts: ['a'] });
    expect(() => synthValidated(c)).toThrow(/VirtualService "orphan" is not used by any Rollout, so its route has no destinations/);
  });

  test('fails when two Rollouts split one VirtualService', () => {
    const c = chart();
    const s = istioSetup(c);
    rollout(c, RolloutStrategy.canary({ stableService: s.stable, canaryService: s.canary, trafficRouting: { istio: { virtualServices: [s.vs] } } }), {}, 'a');
    expect(() => rollout(c, RolloutStrategy.canary({ stableService: service(c, 'b-stable'), canaryService: service(c, 'b-canary'), trafficRouting: { istio: { virtualServices: [s.vs] } } }), {}, 'b'))
      .toThrow(/VirtualService "checkout" is already split by the Rollout at test\/a; give each Rollout its own VirtualService/);
  });
});

describe('IstioVirtualService: rendering', () => {
  test('host-level: one named route, stable 100 and canary 0 with the Service port (upstream reference checks)', () => {
    const c = chart();
    istioCanary(c, [Step.setCanaryScale({ weight: 20 }), Step.setHeaderRoute('hdr', [HeaderMatch.prefix('x-canary', 'beta')])]);
    const m = synthValidated(c);
    expect(findManifest(m, 'VirtualService').spec).toEqual({
      hosts: ['checkout'],
      gateways: ['mesh'],
      http: [{
        name: 'primary',
        route: [
          { destination: { host: 'checkout-stable', port: { number: 80 } }, weight: 100 },
          { destination: { host: 'checkout-canary', port: { number: 80 } }, weight: 0 },
        ],
      }],
    });
    expect(findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting).toEqual({
      istio: { virtualService: { name: 'checkout', routes: ['primary'] } },
      managedRoutes: [{ name: 'hdr' }],
    });
  });

  test('TLS and TCP routes are split too and listed in the Rollout (upstream reference checks)', () => {
    const c = chart();
    const vs = new IstioVirtualService(c, 'vs', {
      name: 'checkout',
      hosts: ['checkout', 'checkout.example.com'],
      exportTo: ['.'],
      routeName: 'main',
      tlsRoutes: [{ port: 443, sniHosts: ['checkout.example.com'] }],
      tcpRoutes: [{ port: 5432 }],
    });
    rollout(c, RolloutStrategy.canary({ stableService: service(c, 'checkout-stable'), canaryService: service(c, 'checkout-canary'), trafficRouting: { istio: { virtualServices: [vs] } } }));
    const m = synthValidated(c);
    const spec = findManifest(m, 'VirtualService').spec;
    const plain = [{ destination: { host: 'checkout-stable' }, weight: 100 }, { destination: { host: 'checkout-canary' }, weight: 0 }];
    expect(spec.exportTo).toEqual(['.']);
    expect(spec.http[0].name).toEqual('main');
    expect(spec.tls).toEqual([{ match: [{ port: 443, sniHosts: ['checkout.example.com'] }], route: plain }]);
    expect(spec.tcp).toEqual([{ match: [{ port: 5432 }], route: plain }]);
    expect(findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService).toEqual({
      name: 'checkout', routes: ['main'], tlsRoutes: [{ port: 443, sniHosts: ['checkout.example.com'] }], tcpRoutes: [{ port: 5432 }],
    });
  });

  test('several VirtualServices render virtualServices', () => {
    const c = chart();
    const a = new IstioVirtualService(c, 'a', { hosts: ['a'] });
    const b = new IstioVirtualService(c, 'b', { hosts: ['b'] });
    rollout(c, RolloutStrategy.canary({ stableService: service(c, 'checkout-stable'), canaryService: service(c, 'checkout-canary'), trafficRouting: { istio: { virtualServices: [a, b] } } }));
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting.istio).toEqual({
      virtualServices: [{ name: 'a', routes: ['primary'] }, { name: 'b', routes: ['primary'] }],
    });
  });

  test('subset-level: one host, stable and canary subsets, and no others (upstream reference checks)', () => {
    const c = chart();
    istioSubsetCanary(c, [Step.setWeight(5)]);
    const m = synthValidated(c);
    expect(findManifest(m, 'VirtualService').spec.http[0].route).toEqual([
      // no port: the Rollout knows no Service port here (Istio then uses the host's only port)
      { destination: { host: 'checkout', subset: 'stable' }, weight: 100 },
      { destination: { host: 'checkout', subset: 'canary' }, weight: 0 },
    ]);
    expect(findManifest(m, 'DestinationRule').spec).toEqual({
      host: 'checkout',
      subsets: [
        { name: 'stable', labels: { 'app.kubernetes.io/name': 'checkout' } },
        { name: 'canary', labels: { 'app.kubernetes.io/name': 'checkout' } },
      ],
    });
  });
});

describe('IstioDestinationRule', () => {
  test('fails when a subset name is not a DNS label', () => {
    expect(() => new IstioDestinationRule(chart(), 'dr', { host: 'a', stableSubsetName: 'Stable' })).toThrow(/\[test\/dr\] subset name must be a DNS-1123 label; got "Stable"; use lower-case letters/);
  });

  test('fails when the stable and canary subsets share a name', () => {
    expect(() => new IstioDestinationRule(chart(), 'dr', { host: 'a', stableSubsetName: 'v', canarySubsetName: 'v' }))
      .toThrow(/\[test\/dr\] the stable and canary subsets have the same name; got "v"; give them different names/);
  });

  test('fails at synth when no Rollout uses the DestinationRule', () => {
    const c = chart();
    new IstioDestinationRule(c, 'dr', { name: 'orphan', host: 'a' });
    expect(() => synthValidated(c)).toThrow(/DestinationRule "orphan" is not used by any Rollout, so its subsets select no pods/);
  });

  test('renders custom subset names in the Rollout and the VirtualService', () => {
    const c = chart();
    const svc = service(c, 'checkout', 80, undefined, 'svc');
    const vs = new IstioVirtualService(c, 'vs', { name: 'checkout', hosts: ['checkout'] });
    const dr = new IstioDestinationRule(c, 'dr', { name: 'checkout', host: 'checkout', stableSubsetName: 'v1', canarySubsetName: 'v2' });
    const r = rollout(c, RolloutStrategy.canary({ trafficRouting: { istio: { virtualServices: [vs], destinationRule: dr } } }));
    svc.select(r);
    const m = synthValidated(c);
    expect(findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting.istio.destinationRule).toEqual({ name: 'checkout', stableSubsetName: 'v1', canarySubsetName: 'v2' });
    expect(findManifest(m, 'VirtualService').spec.http[0].route.map((d: any) => d.destination.subset)).toEqual(['v1', 'v2']);
    void kplus;
  });
});

describe('IstioDestinationRule subset names', () => {
  test('accepts DNS-1123 labels that start with a digit, as istiod does', () => {
    const c = Testing.chart();
    expect(() => new IstioDestinationRule(c, 'dr', { host: 'checkout', stableSubsetName: '1-stable', canarySubsetName: '2-canary' })).not.toThrow();
  });
});

describe('Istio traffic settings', () => {
  const subsetApp = (istio: Partial<IstioRoutingOptions>) => {
    const c = chart();
    const app = new CanaryApp(c, 'catalog', {
      image: 'ghcr.io/acme/catalog:1.0.0',
      containerPort: 8080,
      replicas: 4,
      routing: TrafficRouting.istio({ hosts: ['catalog'], subsetLevel: true, ...istio }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    return { c, app };
  };

  test('renders timeout and retries on the split route, and a trafficPolicy on the DestinationRule', () => {
    const { c } = subsetApp({
      httpRoute: { timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.millis(2500), retryOn: ['5xx', 'reset'] } },
      trafficPolicy: {
        tlsMode: IstioTlsMode.ISTIO_MUTUAL,
        loadBalancer: IstioLoadBalancer.LEAST_REQUEST,
        connectionPool: { maxConnections: 100, connectTimeout: Duration.seconds(3), http2MaxRequests: 1000 },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      },
    });
    const m = synthValidated(c);
    const route = findManifest(m, 'VirtualService').spec.http[0];
    expect(route).toMatchObject({ name: 'primary', timeout: '10s', retries: { attempts: 3, perTryTimeout: '2500ms', retryOn: '5xx,reset' } });
    expect(findManifest(m, 'DestinationRule').spec.trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      loadBalancer: { simple: 'LEAST_REQUEST' },
      connectionPool: { tcp: { maxConnections: 100, connectTimeout: '3s' }, http: { http2MaxRequests: 1000 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
    });
  });

  test.each([
    [{ httpRoute: { retries: { attempts: -1 } } }, /httpRoute retries attempts must be from 0 to 2147483647 .*; got -1/],
    [{ httpRoute: { timeout: Duration.millis(0.5) } }, /httpRoute timeout must be a whole number of milliseconds, at least 1ms; got "0.5ms"; give e.g. Duration.millis/],
    [{ httpRoute: { retries: { attempts: 2, retryOn: ['5xx,reset'] } } }, /retryOn condition must be an Envoy retry condition .*; got "5xx,reset"/],
    [{ trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } } }, /outlierDetection maxEjectionPercent must be a whole number from 0 to 100; got 150/],
    [{ trafficPolicy: { connectionPool: { maxConnections: 0 } } }, /connectionPool maxConnections must be from 1 to 2147483647 .*; got 0/],
  ])('fails on %j, which istiod would refuse', (istio, message) => {
    expect(() => subsetApp(istio)).toThrow(message);
  });

  test('fails on a trafficPolicy with host-level routing, which has no DestinationRule to carry it', () => {
    const c = chart();
    expect(() => new CanaryApp(c, 'reviews', {
      image: 'ghcr.io/acme/reviews:1.0.0',
      containerPort: 8080,
      routing: TrafficRouting.istio({ hosts: ['reviews'], trafficPolicy: { tlsMode: IstioTlsMode.ISTIO_MUTUAL } }),
      steps: [Step.setWeight(20)],
    })).toThrow(/Istio trafficPolicy lives in a DestinationRule, which only subset-level routing creates/);
  });
});
