import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryApp, CanaryAppProps } from '../src/canary-app';
import { findManifest, synthValidated } from './helpers/synth';
import { HeaderMatch, Step, StringMatch } from '../src/rollout/step';
import { AntiAffinity } from '../src/rollout/strategy';
import { WorkloadRef, WorkloadRefScaleDown } from '../src/rollout/workload-ref';
import { AlbScheme, AlbTargetType } from '../src/routing/alb';
import { TrafficRouting } from '../src/routing/traffic-routing';

const IMAGE = 'ghcr.io/acme/checkout:1.4.2';
const chart = () => new Chart(new App(), 'checkout', { namespace: 'shop' });
const app = (props: Partial<CanaryAppProps> = {}) => {
  const c = chart();
  const a = new CanaryApp(c, 'checkout', { image: IMAGE, containerPort: 8080, replicas: 10, ...props });
  return { c, a };
};

const HEADER_STEPS = [
  Step.setCanaryScale({ weight: 10 }),
  Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
  Step.pause(Duration.seconds(60)),
  Step.setWeight(1),
  Step.pause(),
  Step.setCanaryScale({ matchTrafficWeight: true }),
  Step.setWeight(80),
];

describe('CanaryApp: errors', () => {
  test.each([['containerPort', { containerPort: 0 }], ['servicePort', { servicePort: 70000 }]])('fails when %s is not a port number', (field, props) => {
    expect(() => app(props as any)).toThrow(new RegExp(`\\[checkout/checkout\\] ${field} must be a port number 1-65535`));
  });

  test('fails when container.portNumber differs from containerPort', () => {
    expect(() => app({ container: { image: 'x', portNumber: 9090 } })).toThrow(/container.portNumber 9090 differs from containerPort 8080; set the port once, with containerPort/);
  });

  test('fails when pingPong is combined with Istio subset-level routing', () => {
    expect(() => app({ pingPong: true, routing: TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true }) }))
      .toThrow(/pingPong cannot be combined with Istio subset-level routing/);
  });

  test('fails when verifyTargetGroups is combined with instance targets', () => {
    expect(() => app({ routing: TrafficRouting.alb({ verifyTargetGroups: true, targetType: AlbTargetType.INSTANCE }) }))
      .toThrow(/\[checkout\/checkout\] verifyTargetGroups checks pod IPs, which needs targetType ip; got "instance"; remove targetType or use AlbTargetType.IP/);
  });

  test('fails when pingPong has no routing', () => {
    expect(() => app({ pingPong: true })).toThrow(/pingPong needs routing \(TrafficRouting.alb or TrafficRouting.istio\)/);
  });

  test('passes step errors through from the Rollout', () => {
    expect(() => app({ routing: TrafficRouting.alb(), steps: [Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.prefix('version', 'v2')])] }))
      .toThrow(/\[checkout\/checkout\/rollout\] step 1 setHeaderRoute "beta": ALB matches headers by exact value only; got prefix "v2"/);
  });
});

describe('CanaryApp: layouts', () => {
  test('no routing: stable and canary Services, no router', () => {
    const { c, a } = app({ steps: [Step.setWeight(20), Step.pause(), Step.setWeight(50), Step.pause(Duration.minutes(5))] });
    expect([a.stableService?.name, a.canaryService?.name, a.rootService, a.ingress, a.virtualService]).toEqual(['checkout-stable', 'checkout-canary', undefined, undefined, undefined]);
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/checkout-stable', 'Service/checkout-canary', 'Rollout/checkout']);
    expect(m).toMatchSnapshot();
  });

  test('ALB: stable, canary and root Services and the Ingress with header routes', () => {
    const { c, a } = app({ routing: TrafficRouting.alb({ host: 'qa-domain.com' }), steps: HEADER_STEPS });
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/checkout-stable', 'Service/checkout-canary', 'Service/checkout-root', 'Ingress/checkout', 'Rollout/checkout',
    ]);
    expect(findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting).toEqual({
      alb: { ingress: 'checkout', rootService: 'checkout-root', servicePort: 80 },
      managedRoutes: [{ name: 'canary-header-route-new' }],
    });
    expect(findManifest(m, 'Service', 'checkout-root').spec.selector).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    expect(a.rollout.runtimeOwnedFields().map(r => `${r.kind}/${r.name}`)).toEqual(['Service/checkout-stable', 'Service/checkout-canary', 'Ingress/checkout']);
    expect(m).toMatchSnapshot();
  });

  test('ALB ping-pong: ping, pong and root Services, verification sets ip targets', () => {
    const { c, a } = app({ pingPong: true, routing: TrafficRouting.alb({ host: 'qa-domain.com', verifyTargetGroups: true }), steps: [Step.setWeight(20), Step.pause()], strategy: { scaleDownDelay: Duration.seconds(30) } });
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/checkout-ping', 'Service/checkout-pong', 'Service/checkout-root', 'Ingress/checkout', 'Rollout/checkout',
    ]);
    expect(a.stableService).toBeUndefined();
    expect(findManifest(m, 'Ingress').metadata.annotations['alb.ingress.kubernetes.io/target-type']).toEqual('ip');
    expect(findManifest(m, 'Rollout').spec.strategy.canary).toMatchObject({
      pingPong: { pingService: 'checkout-ping', pongService: 'checkout-pong' },
      trafficRouting: { alb: { ingress: 'checkout', rootService: 'checkout-root', servicePort: 80 } },
      scaleDownDelaySeconds: 30,
    });
    expect(m).toMatchSnapshot();
  });

  test('Istio host-level: stable and canary Services and the VirtualService', () => {
    const { c } = app({
      routing: TrafficRouting.istio({ hosts: ['checkout', 'checkout.example.com'], gateways: ['istio-system/public', 'mesh'] }),
      steps: [
        Step.setCanaryScale({ weight: 20 }),
        Step.setHeaderRoute('hdr', [HeaderMatch.prefix('x-canary', 'beta')]),
        Step.setMirrorRoute({ name: 'mirror', percentage: 30, matches: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/api') }] }),
        Step.pause(Duration.minutes(10)),
        Step.setWeight(10),
      ],
    });
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/checkout-stable', 'Service/checkout-canary', 'Service/checkout', 'VirtualService/checkout', 'Rollout/checkout']);
    expect(m).toMatchSnapshot();
  });

  test('Istio ping-pong: ping and pong hosts in the VirtualService', () => {
    const { c, a } = app({ pingPong: true, routing: TrafficRouting.istio({ hosts: ['checkout'] }), steps: [Step.setWeight(20), Step.pause()] });
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/checkout-ping', 'Service/checkout-pong', 'Service/checkout', 'VirtualService/checkout', 'Rollout/checkout']);
    expect(findManifest(m, 'VirtualService').spec.http[0].route.map((r: any) => r.destination.host)).toEqual(['checkout-ping', 'checkout-pong']);
    expect(a.rollout.runtimeOwnedFields().map(r => `${r.kind}/${r.name}`)).toEqual(['Service/checkout-ping', 'Service/checkout-pong', 'VirtualService/checkout']);
    expect(m).toMatchSnapshot();
  });

  test('Istio subset-level: one Service and the DestinationRule', () => {
    const { c, a } = app({ routing: TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true }), steps: [Step.setWeight(5), Step.pause(Duration.minutes(10))] });
    const m = synthValidated(c);
    expect(m.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/checkout', 'DestinationRule/checkout', 'VirtualService/checkout', 'Rollout/checkout']);
    expect(a.rootService?.name).toEqual('checkout');
    expect(findManifest(m, 'Service').spec.selector).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    expect(m).toMatchSnapshot();
  });

  test('a name prop sets every object name', () => {
    const c = chart();
    new CanaryApp(c, 'App', { name: 'payments', image: IMAGE, containerPort: 8080, servicePort: 8080, routing: TrafficRouting.alb() });
    const names = synthValidated(c).map(o => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(['Service/payments-stable', 'Service/payments-canary', 'Service/payments-root', 'Ingress/payments', 'Rollout/payments']);
  });
});

describe('CanaryApp: what teams set (#18.2)', () => {
  test('passes pod-level settings to the Rollout pod template', () => {
    // GIVEN
    const c = chart();
    const sa = kplus.ServiceAccount.fromServiceAccountName(c, 'sa', 'checkout');
    // WHEN
    new CanaryApp(c, 'checkout', {
      image: IMAGE,
      containerPort: 8080,
      pod: {
        serviceAccount: sa,
        podMetadata: { labels: { team: 'shop' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
        securityContext: { user: 1000, group: 3000, fsGroup: 2000 },
        volumes: [kplus.Volume.fromEmptyDir(c, 'tmp', 'tmp')],
        terminationGracePeriod: Duration.seconds(45),
        nodeLabels: { 'kubernetes.io/arch': 'arm64' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'shop')],
        spread: true,
      },
    });
    // THEN
    const tpl = findManifest(synthValidated(c), 'Rollout').spec.template;
    expect(tpl.metadata.labels).toEqual({ 'team': 'shop', 'app.kubernetes.io/name': 'checkout' });
    expect(tpl.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(tpl.spec.serviceAccountName).toBe('checkout');
    expect(tpl.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 });
    expect(tpl.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(tpl.spec.terminationGracePeriodSeconds).toBe(45);
    expect(tpl.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'shop', effect: undefined }].map(t => JSON.parse(JSON.stringify(t))));
    expect(tpl.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] },
    ]);
    expect(tpl.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.length).toBeGreaterThan(0);
  });

  test('passes canary/stable ReplicaSet metadata and anti-affinity to the strategy', () => {
    const { c } = app({
      strategy: {
        canaryMetadata: { labels: { role: 'canary' } },
        stableMetadata: { labels: { role: 'stable' } },
        antiAffinity: AntiAffinity.preferred(50),
      },
    });
    const canary = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary;
    expect(canary.canaryMetadata).toEqual({ labels: { role: 'canary' } });
    expect(canary.stableMetadata).toEqual({ labels: { role: 'stable' } });
    expect(canary.antiAffinity).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: { weight: 50 } });
  });

  test('one Rollout behind an internet-facing and an internal ALB Ingress', () => {
    const { c, a } = app({
      routing: TrafficRouting.alb({ host: 'shop.acme.example', scheme: AlbScheme.INTERNET_FACING }),
      additionalIngresses: [{ suffix: 'internal', host: 'shop.internal.acme.example', scheme: AlbScheme.INTERNAL }],
      steps: [Step.setWeight(20), Step.pause()],
    });
    const manifests = synthValidated(c);
    const ingresses = manifests.filter(m => m.kind === 'Ingress');
    expect(ingresses.map(i => i.metadata.name)).toEqual(['checkout', 'checkout-internal']);
    expect(ingresses.map(i => i.metadata.annotations['alb.ingress.kubernetes.io/scheme'])).toEqual(['internet-facing', 'internal']);
    expect(findManifest(manifests, 'Rollout').spec.strategy.canary.trafficRouting.alb.ingresses).toEqual(['checkout', 'checkout-internal']);
    expect(a.additionalIngresses).toHaveLength(1);
  });

  test('fails when additionalIngresses are given without ALB routing', () => {
    expect(() => app({ additionalIngresses: [{ suffix: 'internal' }] }))
      .toThrow('[checkout/checkout] additionalIngresses are ALB Ingresses and need routing: TrafficRouting.alb(...); got no routing');
  });

  test('migrates a Deployment with workloadRef (no image)', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      containerPort: 8080,
      workloadRef: WorkloadRef.deploymentName('checkout', { matchLabels: { app: 'checkout' }, scaleDown: WorkloadRefScaleDown.PROGRESSIVELY }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    const manifests = synthValidated(c);
    const r = findManifest(manifests, 'Rollout');
    expect(r.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', scaleDown: 'progressively' });
    expect(r.spec.template).toBeUndefined();
    expect(r.spec.selector).toEqual({ matchLabels: { app: 'checkout' } });
    expect(findManifest(manifests, 'Service', 'checkout-stable').spec.selector).toEqual({ app: 'checkout' });
  });

  test('fails when workloadRef is given with an image', () => {
    expect(() => app({ workloadRef: WorkloadRef.deploymentName('checkout') }))
      .toThrow('[checkout/checkout] workloadRef takes the pod template from Deployment "checkout"; got image too; remove image');
  });
});
