import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HeaderMatch, Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { AlbIngress, AlbListenPort, AlbScheme, AlbTargetType } from '../../src/routing/alb';
import { findManifest, synthValidated } from '../helpers/synth';
import { albCanary, albSetup, chart, rollout, service } from '../rollout/fixtures';

describe('AlbIngress: props', () => {
  test('fails when a rule host is empty', () => {
    expect(() => new AlbIngress(chart(), 'ingress', { rules: [{ host: ' ' }] })).toThrow(/\[test\/ingress\] a rule's host is an empty string; got " "; omit it to match any host/);
  });

  test('fails when a rule path does not start with /', () => {
    expect(() => new AlbIngress(chart(), 'ingress', { rules: [{ path: 'api' }] })).toThrow(/rule path must start with "\/"; got "api"/);
  });

  test('fails when the groupName is invalid', () => {
    expect(() => new AlbIngress(chart(), 'ingress', { groupName: 'Shop_Group' })).toThrow(/\[test\/ingress\] groupName is invalid; got "Shop_Group"; use at most 63/);
  });

  test('fails when sslRedirectPort is not an HTTPS listen port', () => {
    expect(() => new AlbIngress(chart(), 'ingress', { listenPorts: [AlbListenPort.http()], sslRedirectPort: 443 }))
      .toThrow(/\[test\/ingress\] sslRedirectPort 443 is not an HTTPS listen port; got \[\]; add AlbListenPort.https\(443\) to listenPorts/);
  });

  test('fails when the legacy ingress.class annotation is set', () => {
    expect(() => new AlbIngress(chart(), 'ingress', { annotations: { 'kubernetes.io/ingress.class': 'alb' } }))
      .toThrow(/annotation kubernetes.io\/ingress.class cannot be set together with spec.ingressClassName \("alb"\)/);
  });

  test.each(['actions.checkout-root', 'conditions.canary-hdr'])('fails when a controller-written annotation (%s) is set', (key) => {
    expect(() => new AlbIngress(chart(), 'ingress', { annotations: { [`alb.ingress.kubernetes.io/${key}`]: '{}' } }))
      .toThrow(new RegExp(`\\[test/ingress\\] annotation is written by the Rollouts controller; got "alb.ingress.kubernetes.io/${key}"; configure`));
  });

  test('fails at synth when no Rollout uses the Ingress', () => {
    const c = chart();
    new AlbIngress(c, 'ingress', { name: 'orphan' });
    expect(() => synthValidated(c)).toThrow(/Ingress "orphan" is not used by any Rollout, so its use-annotation backend has no action/);
  });

  test('fails when two Rollouts share one Ingress', () => {
    const c = chart();
    const s = albSetup(c);
    const strategy = () => RolloutStrategy.canary({
      stableService: s.stable, canaryService: s.canary, trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80 } },
    });
    rollout(c, strategy(), {}, 'a');
    expect(() => rollout(c, strategy(), {}, 'b')).toThrow(/\[test\/checkout-ingress\] Ingress "checkout" is already used by the Rollout at test\/a; each Rollout needs its own Ingress/);
  });
});

describe('AlbIngress: rendering', () => {
  test('every rule backend is the root action with port name use-annotation (not checked upstream), with the initial 0/100 action', () => {
    const c = chart();
    const s = albSetup(c);
    const ingress = new AlbIngress(c, 'public', {
      name: 'checkout-public',
      rules: [{ host: 'a.example.com' }, { host: 'b.example.com', path: '/api', pathType: kplus.HttpIngressPathType.EXACT }],
      scheme: AlbScheme.INTERNET_FACING,
      targetType: AlbTargetType.IP,
      listenPorts: [AlbListenPort.http(), AlbListenPort.https()],
      certificateArns: ['arn:aws:acm:eu-west-1:123456789012:certificate/a', 'arn:aws:acm:eu-west-1:123456789012:certificate/b'],
      sslRedirectPort: 443,
      healthcheckPath: '/healthz',
      groupName: 'shop',
      annotations: { 'zzz/custom': 'x' },
    });
    const r = rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { alb: { ingresses: [s.ingress, ingress], servicePort: 80, rootServiceName: 'checkout-root' } },
      steps: [Step.setWeight(10)],
    }));
    s.root.select(r);
    const obj = findManifest(synthValidated(c), 'Ingress', 'checkout-public');
    expect(ingress.actionAnnotationKey).toEqual('alb.ingress.kubernetes.io/actions.checkout-root');
    expect(obj.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/actions.checkout-root': '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"checkout-canary","ServicePort":"80","Weight":0},{"ServiceName":"checkout-stable","ServicePort":"80","Weight":100}]}}',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:eu-west-1:123456789012:certificate/a,arn:aws:acm:eu-west-1:123456789012:certificate/b',
      'alb.ingress.kubernetes.io/group.name': 'shop',
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'zzz/custom': 'x',
    });
    const backend = { service: { name: 'checkout-root', port: { name: 'use-annotation' } } };
    expect(obj.spec).toEqual({
      ingressClassName: 'alb',
      rules: [
        { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
        { host: 'b.example.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend }] } },
      ],
    });
  });

  test('without a root Service the action is the stable Service (upstream reference checks)', () => {
    const c = chart();
    const s = albSetup(c);
    rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80 } },
      steps: [Step.setWeight(10)],
    }));
    s.root.node.scope!.node.tryRemoveChild(s.root.node.id);
    const m = synthValidated(c);
    const obj = findManifest(m, 'Ingress');
    expect(obj.spec.rules[0].http.paths[0].backend.service.name).toEqual('checkout-stable');
    expect(Object.keys(obj.metadata.annotations)).toEqual(['alb.ingress.kubernetes.io/actions.checkout-stable', 'alb.ingress.kubernetes.io/target-type']);
    expect(findManifest(m, 'Rollout').spec.strategy.canary.trafficRouting.alb).toEqual({ ingress: 'checkout', servicePort: 80 });
  });

  test('ping-pong: the action forwards to pong (canary) and ping (stable)', () => {
    const c = chart();
    const ingress = new AlbIngress(c, 'ingress', { name: 'checkout' });
    rollout(c, RolloutStrategy.canary({
      pingPong: { pingService: service(c, 'checkout-ping'), pongService: service(c, 'checkout-pong') },
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'checkout-root', stickiness: Duration.hours(1) } },
      steps: [Step.setWeight(10)],
    }));
    const action = JSON.parse(findManifest(synthValidated(c), 'Ingress').metadata.annotations['alb.ingress.kubernetes.io/actions.checkout-root']);
    expect(action).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { ServiceName: 'checkout-pong', ServicePort: '80', Weight: 0 },
          { ServiceName: 'checkout-ping', ServicePort: '80', Weight: 100 },
        ],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
      },
    });
  });

  test('header routes add no annotations in Git (the controller writes them)', () => {
    const c = chart();
    albCanary(c, [Step.setCanaryScale({ replicas: 1 }), Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('X-Canary', 'true')])]);
    const obj = findManifest(synthValidated(c), 'Ingress');
    expect(Object.keys(obj.metadata.annotations)).toEqual(['alb.ingress.kubernetes.io/actions.checkout-root', 'alb.ingress.kubernetes.io/target-type']);
    expect(obj.spec.rules[0].http.paths).toHaveLength(1);
  });
});
