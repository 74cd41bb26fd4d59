// Issue #12: every class of value the API server, istiod or the Rollouts controller refuses
// fails at synth with the construct path, the value and the fix.
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArgument } from '../src/analysis/analysis-run';
import { AnalysisTemplate } from '../src/analysis/analysis-template';
import { Metric } from '../src/analysis/metric';
import { TemplateArgument } from '../src/analysis/template-argument';
import { CanaryApp, CanaryAppProps } from '../src/canary-app';
import { ArgoCdApplication } from '../src/gitops/argocd-application';
import { Rollout } from '../src/rollout/rollout';
import { HeaderMatch, Step, StringMatch } from '../src/rollout/step';
import { RolloutStrategy } from '../src/rollout/strategy';
import { AlbIngress } from '../src/routing/alb';
import { IstioDestinationRule, IstioVirtualService } from '../src/routing/istio';
import { TrafficRouting } from '../src/routing/traffic-routing';

const IMAGE = 'ghcr.io/acme/checkout:1.4.2';
const chart = (app = new App(), id = 'shop', namespace = 'shop') => new Chart(app, id, { namespace });
const canary = (props: Partial<CanaryAppProps> = {}, scope: Chart = chart(), id = 'orders') =>
  new CanaryApp(scope, id, { image: IMAGE, containerPort: 8080, replicas: 4, ...props });
const synth = (c: Chart) => Testing.synth(c);
const alb = (options: any = {}) => TrafficRouting.alb({ host: 'qa-domain.com', ...options });
const istio = (options: any = {}) => TrafficRouting.istio({ hosts: ['orders'], ...options });
const prom = (name: string) => Metric.prometheus({ name, address: 'http://prometheus.monitoring:9090', query: 'vector(1)', successCondition: 'result[0] == 1' });

describe('#12 object names', () => {
  test.each([
    ['upper case', 'Orders', /\[shop\/orders\] name must be a DNS-1035 label .*got "Orders"/],
    ['a dot', 'with.dot', /\[shop\/orders\] name must be a DNS-1035 label .*no '.'.*got "with.dot"/],
    ['a leading digit', '9orders', /\[shop\/orders\] name must be a DNS-1035 label \(.*starting with a letter.*got "9orders"/],
  ])('a CanaryApp name with %s fails', (_what, name, expected) => {
    expect(() => canary({ name })).toThrow(expected);
  });

  test('a name too long once "-stable"/"-canary" is added fails, naming the suffixes', () => {
    const name = 'a'.repeat(57);
    expect(() => canary({ name })).toThrow(new RegExp(`\\[shop/orders\\] name must be .* of at most 56 characters, so that the Service names "<name>-stable", "<name>-canary" fit 63; got "${name}" \\(57 characters\\)`));
    expect(() => canary({ name: 'a'.repeat(56) })).not.toThrow();
  });

  test.each([
    ['ping-pong with Istio', { pingPong: true, routing: istio() }, 58, '"<name>-ping", "<name>-pong"'],
    ['ALB', { routing: alb() }, 50, undefined],
    ['Istio subset-level', { routing: istio({ subsetLevel: true }) }, 63, undefined],
  ])('the length limit follows the layout (%s)', (_what, props, max, suffixes) => {
    expect(() => canary({ ...props, name: 'a'.repeat(max + 1) })).toThrow(new RegExp(`of at most ${max} characters${suffixes ? `, so that the Service names ${suffixes}` : ''}.*; got "a{${max + 1}}"`));
    expect(() => canary({ ...props, name: 'a'.repeat(max) })).not.toThrow();
  });

  test('a Rollout name that is not a DNS name fails', () => {
    expect(() => new Rollout(chart(), 'r', { metadata: { name: 'Orders' }, containers: [{ image: IMAGE }], strategy: RolloutStrategy.canary() }))
      .toThrow(/\[shop\/r\] Rollout name must be a lower-case DNS-1123 name of at most 63 characters .*; got "Orders"/);
  });

  test('a switched Service whose name is not a DNS-1035 label fails', () => {
    const c = chart();
    const stable = new kplus.Service(c, 's', { metadata: { name: '1-stable' }, ports: [{ port: 80 }] });
    const canarySvc = new kplus.Service(c, 'c', { metadata: { name: 'orders-canary' }, ports: [{ port: 80 }] });
    expect(() => new Rollout(c, 'r', { containers: [{ image: IMAGE }], strategy: RolloutStrategy.canary({ stableService: stable, canaryService: canarySvc }) }))
      .toThrow(/\[shop\/r\] Service name must be a DNS-1035 label .*; got "1-stable"/);
  });

  test.each([
    ['VirtualService', () => new IstioVirtualService(chart(), 'vs', { name: 'with.dot', hosts: ['orders'] }), /\[shop\/vs\] VirtualService name must be a lower-case DNS-1123 label \(no '.': the Rollouts controller reads "a.b" as VirtualService "a" in namespace "b"\); got "with.dot"/],
    ['DestinationRule', () => new IstioDestinationRule(chart(), 'dr', { name: 'Orders', host: 'orders' }), /\[shop\/dr\] DestinationRule name must be a lower-case DNS-1123 label .*got "Orders"/],
    ['Ingress', () => new AlbIngress(chart(), 'ing', { name: 'Orders' }), /\[shop\/ing\] Ingress name must be a lower-case DNS-1123 subdomain .*got "Orders"/],
  ])('a %s name that is not a DNS name fails', (_kind, build, expected) => {
    expect(build).toThrow(expected);
  });
});

describe('#12 Ingress fields', () => {
  test.each([
    ['upper case', 'QA-domain.com'], ['a port', 'qa-domain.com:443'], ['an IP address', '10.0.0.1'], ['a wildcard inside', 'a.*.com'],
  ])('a host with %s fails', (_what, host) => {
    expect(() => canary({ routing: alb({ host }) })).toThrow(new RegExp(`\\[shop/orders/ingress\\] rule host .*; got "${host.replace(/[.*]/g, '\\$&')}"; use a host name`));
  });

  test('a wildcard first label is accepted', () => {
    expect(() => synth(canary({ routing: alb({ host: '*.example.com' }) }).node.scope as Chart)).not.toThrow();
  });

  test.each([['//'], ['/a/../b'], ['api'], ['/a/..']])('the path %s fails', path => {
    expect(() => canary({ routing: alb({ path }) })).toThrow(new RegExp(`\\[shop/orders/ingress\\] rule path must .*; got "${path.replace(/[.]/g, '\\.')}"; give an absolute, normalized path`));
  });

  test('an ingressClassName that is not a DNS subdomain fails', () => {
    expect(() => canary({ routing: alb({ ingressClassName: 'My_ALB' }) })).toThrow(/\[shop\/orders\/ingress\] ingressClassName must be a lower-case DNS-1123 subdomain .*; got "My_ALB"; use e.g. "alb"/);
  });

  test('an invalid annotationPrefix fails', () => {
    expect(() => canary({ routing: alb({ annotationPrefix: 'ALB.ingress' }) })).toThrow(/\[shop\/orders\/ingress\] annotationPrefix must be a lower-case DNS-1123 subdomain .*; got "ALB.ingress"/);
  });

  test.each([['Bad.io/x'], ['a.io/-x'], [`a.io/${'x'.repeat(64)}`], ['a b']])('the annotation key %s fails', key => {
    expect(() => canary({ routing: alb({ annotations: { [key]: 'v' } }) })).toThrow(/\[shop\/orders\/ingress\] annotation key .*; got ".*"; use "<dns-prefix>\/<name>" or "<name>"/);
  });

  test('an annotation value that is not a string fails', () => {
    expect(() => canary({ routing: alb({ annotations: { 'example.com/retries': 3 as any } }) }))
      .toThrow(/\[shop\/orders\/ingress\] annotation "example.com\/retries" must have a string value, not a number; got 3; quote it/);
  });
});

describe('#12 Istio fields', () => {
  test.each([['http://orders.example.com'], ['orders:80'], ['orders/api'], ['a..b']])('the host %s fails', host => {
    expect(() => canary({ routing: istio({ hosts: [host] }) })).toThrow(/\[shop\/orders\/virtual-service\] VirtualService host .*; got ".*"; use a host such as "checkout"/);
  });

  test('"*" on the mesh gateway fails (also when gateways default to mesh)', () => {
    expect(() => canary({ routing: istio({ hosts: ['*'] }) })).toThrow(/\[shop\/orders\/virtual-service\] the host "\*" cannot be used by a VirtualService bound to the mesh gateway .*; got \{"hosts":\["\*"\],"gateways":\["mesh"\]\}; name the hosts/);
    expect(() => canary({ routing: istio({ hosts: ['*'], gateways: ['istio-system/public'] }) })).not.toThrow();
  });

  test.each([['ns/'], ['/gw'], ['Public'], ['istio-system/Public']])('the gateway %s fails', gateway => {
    expect(() => canary({ routing: istio({ gateways: [gateway] }) })).toThrow(/\[shop\/orders\/virtual-service\] gateway must be "mesh", "<name>" or "<namespace>\/<name>" .*; got ".*"/);
  });

  test.each([[['Shop']], [['~']], [['*', '.']], [['a.b']]])('exportTo %j fails', exportTo => {
    expect(() => canary({ routing: istio({ exportTo }) })).toThrow(/\[shop\/orders\/virtual-service\] exportTo .*; got \[.*\]; use namespace names, "." \(this namespace\) or "\*" \(all\)/);
  });

  test('a DestinationRule host that is a URL fails', () => {
    expect(() => new IstioDestinationRule(chart(), 'dr', { host: 'http://orders' })).toThrow(/\[shop\/dr\] DestinationRule host must be a host name, not a URL.*; got "http:\/\/orders"/);
  });
});

describe('#12 int32 ranges', () => {
  const OVER = 2147483648;
  test('replicas above int32 fail', () => {
    expect(() => canary({ replicas: OVER })).toThrow(/\[shop\/orders\/rollout\] replicas must be at most 2147483647 \(an int32 field\); got 2147483648; lower it/);
  });
  test('setCanaryScale replicas above int32 fail', () => {
    expect(() => canary({ routing: alb(), steps: [Step.setCanaryScale({ replicas: OVER })] })).toThrow(/step 0 setCanaryScale: replicas must be at most 2147483647 \(an int32 field\); got 2147483648/);
  });
  test('minPodsPerReplicaSet above int32 fails', () => {
    expect(() => canary({ routing: alb(), strategy: { minPodsPerReplicaSet: OVER } })).toThrow(/canary minPodsPerReplicaSet must be at most 2147483647 \(an int32 field\); got 2147483648/);
  });
  test.each([
    ['scaleDownDelay', { strategy: { scaleDownDelay: Duration.seconds(OVER) } }, /canary scaleDownDelay must be from 0 to 2147483647 seconds \(an int32 field\); got 2147483648s/],
    ['abortScaleDownDelay', { strategy: { abortScaleDownDelay: Duration.days(30000) } }, /canary abortScaleDownDelay must be from 0 to 2147483647 seconds \(an int32 field\); got 2592000000s/],
    ['a pause', { steps: [Step.setWeight(10), Step.pause(Duration.seconds(OVER))] }, /step 1 pause 2147483648s: duration must be from 0 to 2147483647 seconds \(an int32 field\); got 2147483648s/],
  ])('%s out of range fails', (_what, props, expected) => {
    expect(() => canary({ routing: alb(), ...props })).toThrow(expected);
  });
  test('progressDeadline above int32 fails', () => {
    expect(() => new Rollout(chart(), 'r', { containers: [{ image: IMAGE }], strategy: RolloutStrategy.canary(), progressDeadline: Duration.seconds(OVER) }))
      .toThrow(/\[shop\/r\] progressDeadline must be from 0 to 2147483647 seconds \(an int32 field\); got 2147483648s/);
  });
  test('blue-green previewReplicaCount and scaleDownDelayRevisionLimit above int32 fail', () => {
    const c = chart();
    const active = new kplus.Service(c, 'a', { metadata: { name: 'orders-active' }, ports: [{ port: 80 }] });
    expect(() => new Rollout(c, 'r', { containers: [{ image: IMAGE }], revisionHistoryLimit: 10, strategy: RolloutStrategy.blueGreen({ activeService: active, previewReplicaCount: OVER }) }))
      .toThrow(/\[shop\/r\] blueGreen previewReplicaCount must be at most 2147483647 \(an int32 field\); got 2147483648/);
  });
});

describe('#12 images, headers and regexes', () => {
  test.each([[''], ['   ']])('an empty image %j fails', image => {
    expect(() => canary({ image })).toThrow(/\[shop\/orders\] image must not be empty; got ".*"; give an image reference/);
  });
  test('a Rollout container with an empty image fails', () => {
    expect(() => new Rollout(chart(), 'r', { containers: [{ name: 'main', image: ' ' }], strategy: RolloutStrategy.canary() }))
      .toThrow(/\[shop\/r\] container "main" has an empty image; got " "; give an image reference/);
  });

  const headerSteps = (match: HeaderMatch) => [Step.setCanaryScale({ weight: 10 }), Step.setHeaderRoute('beta', [match])];
  test.each([['x canary'], ['x:canary'], ['(x)']])('the header name %j fails', header => {
    expect(() => canary({ routing: alb(), steps: headerSteps(HeaderMatch.exact(header, '1')) }))
      .toThrow(/step 1 setHeaderRoute "beta": header name must be an HTTP token \(RFC 7230.*\); got ".*"; remove spaces/);
  });

  test.each([['a(?=b)', 'lookahead'], ['(?<!a)b', 'lookbehind'], ['(a)\\1', 'backreference'], ['(?>a)', 'atomic group'], ['a*+', 'possessive'], ['(a', 'does not compile']])('the header regex %s fails (%s)', (regex, what) => {
    expect(() => canary({ routing: istio(), steps: headerSteps(HeaderMatch.regex('x-canary', regex)) }))
      .toThrow(new RegExp(`step 1 setHeaderRoute "beta": header "x-canary" regex .*${what}.*\\(the regex engine is RE2, as in Envoy and Go\\); got ".*"`));
  });

  const mirror = (match: any) => [Step.setCanaryScale({ weight: 10 }), Step.setMirrorRoute({ name: 'shadow', matches: [match] })];
  test('an empty header name in a mirror match fails', () => {
    expect(() => canary({ routing: istio(), steps: mirror({ headers: { '': StringMatch.exact('1') } }) }))
      .toThrow(/step 1 setMirrorRoute "shadow": match 0 has an empty header name; got ""; name the header/);
  });
  test('a mirror header name that is not a token fails', () => {
    expect(() => canary({ routing: istio(), steps: mirror({ headers: { 'x canary': StringMatch.exact('1') } }) }))
      .toThrow(/match 0 header name must be an HTTP token .*; got "x canary"/);
  });
  test('a mirror path regex RE2 cannot compile fails', () => {
    expect(() => canary({ routing: istio(), steps: mirror({ path: StringMatch.regex('/(?!admin)') }) }))
      .toThrow(/step 1 setMirrorRoute "shadow": match 0 path regex has a lookahead \(\?!, which RE2 does not support \(the regex engine is RE2, as in Envoy and Go\); got "\/\(\?!admin\)"/);
  });
});

describe('#12 duplicate objects in one App', () => {
  test('two CanaryApps named orders in namespace shop, in two charts, fail naming both paths', () => {
    const app = new App();
    canary({}, chart(app, 'one'));
    canary({}, chart(app, 'two'));
    expect(() => app.synthYaml()).toThrow(/\[two\/orders\/rollout\] Rollout "orders" in namespace "shop" is also emitted by one\/orders\/rollout; got .*; give one of them another name or namespace/);
  });
  test('the same names in different namespaces are fine', () => {
    const app = new App();
    canary({}, chart(app, 'one', 'shop'));
    canary({}, chart(app, 'two', 'shop2'));
    expect(() => app.synthYaml()).not.toThrow();
  });
  test('two ArgoCdApplications with one name fail', () => {
    const app = new App();
    const apps = chart(app, 'apps', 'argocd');
    new ArgoCdApplication(apps, 'orders', { repoUrl: 'https://github.com/acme/platform.git', path: 'a', destinationNamespace: 'shop' });
    new ArgoCdApplication(chart(app, 'more', 'argocd'), 'orders', { repoUrl: 'https://github.com/acme/platform.git', path: 'b', destinationNamespace: 'shop' });
    expect(() => app.synthYaml()).toThrow(/\[more\/orders\] Application "orders" in namespace "argocd" is also emitted by apps\/orders/);
  });
});

describe('#12 merged analysis runs', () => {
  test('two templates with the same metric name fail', () => {
    const c = chart();
    const a = new AnalysisTemplate(c, 'a', { metrics: [prom('success-rate')] });
    const b = new AnalysisTemplate(c, 'b', { metrics: [prom('success-rate')] });
    expect(() => canary({ routing: alb(), steps: [Step.setWeight(10), Step.analysis({ templates: [a, b] })] }, c))
      .toThrow(/step 1 analysis: metric "success-rate" is defined by templates "a" and "b", and the controller fails the merged AnalysisRun .*; got metric "success-rate" 2 times; rename the metric in one template/);
  });
  test('two templates giving one argument different values fail', () => {
    const c = chart();
    const a = new AnalysisTemplate(c, 'a', { args: [TemplateArgument.withDefault('threshold', '0.99')], metrics: [prom('m1')] });
    const b = new AnalysisTemplate(c, 'b', { args: [TemplateArgument.withDefault('threshold', '0.95')], metrics: [prom('m2')] });
    expect(() => canary({ routing: alb(), strategy: { analysis: { templates: [a, b] } } }, c))
      .toThrow(/canary background analysis: templates "a" and "b" give argument "threshold" different values, .*; got "0.99" and "0.95"/);
  });
  test('the same argument value in two templates is fine', () => {
    const c = chart();
    const a = new AnalysisTemplate(c, 'a', { args: [TemplateArgument.withDefault('t', '1')], metrics: [prom('m1')] });
    const b = new AnalysisTemplate(c, 'b', { args: [TemplateArgument.withDefault('t', '1')], metrics: [prom('m2')] });
    expect(() => canary({ routing: alb(), strategy: { analysis: { templates: [a, b], args: [AnalysisArgument.value('t', '1')] } } }, c)).not.toThrow();
  });
  test('a measurement retention given twice in one template fails', () => {
    expect(() => new AnalysisTemplate(chart(), 'a', { metrics: [prom('m1')], measurementRetention: [{ metricName: 'm1', limit: 5 }, { metricName: 'm1', limit: 10 }] }))
      .toThrow(/\[shop\/a\] AnalysisTemplate "a": measurementRetention is given twice for metric "m1" .*; got .*; give each metric's retention once/);
  });
  test('a measurement retention given twice across merged templates fails', () => {
    const c = chart();
    const a = new AnalysisTemplate(c, 'a', { metrics: [prom('m1')], measurementRetention: [{ metricName: 'm1', limit: 5 }] });
    const b = new AnalysisTemplate(c, 'b', { metrics: [prom('m2')], measurementRetention: [{ metricName: 'm1', limit: 5 }] });
    expect(() => canary({ routing: alb(), steps: [Step.setWeight(10), Step.analysis({ templates: [a, b] })] }, c))
      .toThrow(/step 1 analysis: measurement retention for metric "m1" is given twice across the run and its templates .*; got "m1" twice/);
  });
});

describe('#12 strategies, managed-by annotations and selectors', () => {
  test('a canary strategy carrying blue-green options fails', () => {
    const c = chart();
    const active = new kplus.Service(c, 'a', { metadata: { name: 'orders-active' }, ports: [{ port: 80 }] });
    expect(() => new Rollout(c, 'r', { containers: [{ image: IMAGE }], strategy: RolloutStrategy.canary({ activeService: active } as any) }))
      .toThrow(/\[shop\/r\] the strategy carries both canary and blue-green options, .*; got canary options with \["activeService"\]; use either RolloutStrategy.canary\(...\) or RolloutStrategy.blueGreen\(...\)/);
    expect(() => canary({ strategy: { previewService: active } as any })).toThrow(/got canary options with \["previewService"\]/);
  });

  test('a Service annotated as managed by another Rollout fails', () => {
    const c = chart();
    const app = canary({ routing: alb() }, c);
    app.stableService!.metadata.addAnnotation('argo-rollouts.argoproj.io/managed-by-rollouts', 'payments');
    expect(() => synth(c)).toThrow(/\[shop\/orders\/rollout\] Service "orders-stable" is annotated argo-rollouts.argoproj.io\/managed-by-rollouts, .*\(this Rollout is "orders"\); got "payments"; remove the annotation/);
  });

  test('the same annotation naming this Rollout is fine', () => {
    const c = chart();
    const app = canary({ routing: alb() }, c);
    app.stableService!.metadata.addAnnotation('argo-rollouts.argoproj.io/managed-by-rollouts', 'orders');
    expect(() => synth(c)).not.toThrow();
  });

  test('a selector added with select() that the pod template does not match fails', () => {
    const c = chart();
    const app = canary({}, c);
    app.rollout.select(kplus.LabelSelector.of({ labels: { tier: 'web' } }));
    expect(() => synth(c)).toThrow(/\[shop\/orders\/rollout\] the Rollout's selector tier=web does not match its pod template, which has no label tier; got selector .*; add the label to the pods/);
    app.rollout.podMetadata.addLabel('tier', 'web');
    expect(() => synth(c)).not.toThrow();
  });

  test('a selector expression the pod template does not match fails', () => {
    const c = chart();
    const app = canary({}, c);
    app.rollout.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.in('tier', ['web'])] }));
    expect(() => synth(c)).toThrow(/the Rollout's selector expression tier In \["web"\] does not match its pod template, which has no label tier/);
  });
});
