/**
 * Hand-written manifests of canary apps (what a correct generator should emit), used to test
 * the controller simulator and the Argo CD diff model independently of the constructs.
 */

const NS = 'shop';

export function service(name: string, selector: Record<string, string> = { app: 'checkout' }): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function rollout(canary: any): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: NS },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/checkout:1.4.2', ports: [{ containerPort: 8080 }] }] },
      },
      strategy: { canary },
    },
  };
}

export function albIngress(backend: string, annotations: Record<string, string> = {}): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'checkout', namespace: NS, annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', ...annotations } },
    spec: {
      ingressClassName: 'alb',
      rules: [{
        host: 'qa-domain.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { name: 'use-annotation' } } } }] },
      }],
    },
  };
}

export const HEADER_STEPS = [
  { setCanaryScale: { weight: 10 } },
  { setHeaderRoute: { name: 'canary-header', match: [{ headerName: 'version', headerValue: { exact: '2' } }] } },
  { pause: { duration: '60s' } },
  { setWeight: 1 },
  { pause: {} },
  { setHeaderRoute: { name: 'canary-header' } },
  { setWeight: 80 },
];

/** ALB canary with stable/canary/root Services and one header route. */
export function albApp(): any[] {
  return [
    service('checkout-stable'),
    service('checkout-canary'),
    service('checkout-root'),
    albIngress('checkout-root', {
      'alb.ingress.kubernetes.io/actions.checkout-root': JSON.stringify({
        type: 'forward',
        forwardConfig: { targetGroups: [{ serviceName: 'checkout-canary', servicePort: '80', weight: 0 }, { serviceName: 'checkout-stable', servicePort: '80', weight: 100 }] },
      }),
    }),
    rollout({
      canaryService: 'checkout-canary',
      stableService: 'checkout-stable',
      trafficRouting: {
        alb: { ingress: 'checkout', rootService: 'checkout-root', servicePort: 80 },
        managedRoutes: [{ name: 'canary-header' }],
      },
      steps: HEADER_STEPS,
    }),
  ];
}

/**
 * The ignore rules an ALB app with header routes needs. The `managed-by-rollouts` annotation is
 * not ignored: annotations are a granular map and it is not in Git, so it never drifts.
 */
export const ALB_RULES = [
  { kind: 'Service', name: 'checkout-stable', namespace: NS, jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] },
  { kind: 'Service', name: 'checkout-canary', namespace: NS, jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] },
  {
    group: 'networking.k8s.io',
    kind: 'Ingress',
    name: 'checkout',
    namespace: NS,
    jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'],
    jqPathExpressions: ['.spec.rules[]?.http.paths[]? | select(.backend.service.name == "canary-header")'],
  },
];

/** Istio host-level canary with a header route and a mirror route. */
export function istioHostApp(): any[] {
  return [
    service('checkout-stable'),
    service('checkout-canary'),
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'checkout', namespace: NS },
      spec: {
        hosts: ['checkout.example.com'],
        gateways: ['istio-system/public', 'mesh'],
        http: [{
          name: 'primary',
          route: [
            { destination: { host: 'checkout-stable', port: { number: 80 } }, weight: 100 },
            { destination: { host: 'checkout-canary', port: { number: 80 } }, weight: 0 },
          ],
        }],
      },
    },
    rollout({
      canaryService: 'checkout-canary',
      stableService: 'checkout-stable',
      trafficRouting: {
        istio: { virtualService: { name: 'checkout', routes: ['primary'] } },
        managedRoutes: [{ name: 'mirror-post' }, { name: 'canary-header' }],
      },
      steps: [
        { setWeight: 5 },
        { setHeaderRoute: { name: 'canary-header', match: [{ headerName: 'version', headerValue: { prefix: 'v2' } }, { headerName: 'x-beta', headerValue: { regex: '^y.*' } }] } },
        { setMirrorRoute: { name: 'mirror-post', percentage: 35, match: [{ method: { exact: 'POST' }, path: { prefix: '/api' } }] } },
        { pause: {} },
        { setMirrorRoute: { name: 'mirror-post' } },
        { setWeight: 50 },
      ],
    }),
  ];
}

export const ISTIO_HOST_RULES = [
  { kind: 'Service', name: 'checkout-stable', namespace: NS, jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] },
  { kind: 'Service', name: 'checkout-canary', namespace: NS, jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] },
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    name: 'checkout',
    namespace: NS,
    jqPathExpressions: [
      '.spec.http[]? | select(.name == "canary-header")',
      '.spec.http[]? | select(.name == "mirror-post")',
      '.spec.http[]?.route[]?.weight',
    ],
  },
];

/** Istio subset-level canary. */
export function istioSubsetApp(): any[] {
  return [
    service('checkout'),
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'checkout', namespace: NS },
      spec: {
        hosts: ['checkout'],
        http: [{
          name: 'primary',
          route: [
            { destination: { host: 'checkout', subset: 'stable' }, weight: 100 },
            { destination: { host: 'checkout', subset: 'canary' }, weight: 0 },
          ],
        }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: { name: 'checkout', namespace: NS },
      spec: { host: 'checkout', subsets: [{ name: 'canary', labels: { app: 'checkout' } }, { name: 'stable', labels: { app: 'checkout' } }] },
    },
    rollout({
      trafficRouting: {
        istio: {
          virtualService: { name: 'checkout', routes: ['primary'] },
          destinationRule: { name: 'checkout', canarySubsetName: 'canary', stableSubsetName: 'stable' },
        },
      },
      steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }],
    }),
  ];
}

export const ISTIO_SUBSET_RULES = [
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    name: 'checkout',
    namespace: NS,
    jqPathExpressions: ['.spec.subsets[]?.labels."rollouts-pod-template-hash"'],
  },
  { group: 'networking.istio.io', kind: 'VirtualService', name: 'checkout', namespace: NS, jqPathExpressions: ['.spec.http[]?.route[]?.weight'] },
];

/** ALB ping-pong canary. */
export function albPingPongApp(): any[] {
  return [
    service('checkout-ping'),
    service('checkout-pong'),
    service('checkout-root'),
    albIngress('checkout-root'),
    rollout({
      pingPong: { pingService: 'checkout-ping', pongService: 'checkout-pong' },
      trafficRouting: { alb: { ingress: 'checkout', rootService: 'checkout-root', servicePort: 80 } },
      steps: [{ setWeight: 20 }, { pause: {} }],
    }),
  ];
}
