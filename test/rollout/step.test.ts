import { App, Chart, Duration } from 'cdk8s';
import { albCanary, chart, istioCanary, rollout, service, successRate } from './fixtures';
import { AnalysisArgument } from '../../src/analysis/analysis-run';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { TemplateArgument } from '../../src/analysis/template-argument';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { Rollout } from '../../src/rollout/rollout';
import { HeaderMatch, Step, StepKind, StringMatch } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { IstioVirtualService } from '../../src/routing/istio';
import { findManifest, synthValidated } from '../helpers/synth';

const basic = (steps: Step[]) => rollout(chart(), RolloutStrategy.canary({ steps }));
const hdr = (name = 'canary-hdr') => Step.setHeaderRoute(name, [HeaderMatch.exact('x-canary', 'true')]);
const mirror = (name = 'canary-mirror') => Step.setMirrorRoute({ name, matches: [{ path: StringMatch.prefix('/api') }] });

describe('Step rendering', () => {
  test('renders every kind in the upstream shape', () => {
    expect(Step.setWeight(20)._toKube()).toEqual({ setWeight: 20 });
    expect(Step.pause()._toKube()).toEqual({ pause: {} });
    expect(Step.pause(Duration.seconds(30))._toKube()).toEqual({ pause: { duration: '30s' } });
    expect(Step.pause(Duration.minutes(90))._toKube()).toEqual({ pause: { duration: '90m' } });
    expect(Step.pause(Duration.hours(2))._toKube()).toEqual({ pause: { duration: '2h' } });
    expect(Step.pause(Duration.seconds(0))._toKube()).toEqual({ pause: { duration: '0s' } });
    expect(Step.setCanaryScale({ replicas: 2 })._toKube()).toEqual({ setCanaryScale: { replicas: 2 } });
    expect(hdr()._toKube()).toEqual({ setHeaderRoute: { name: 'canary-hdr', match: [{ headerName: 'x-canary', headerValue: { exact: 'true' } }] } });
    expect(Step.removeHeaderRoute('canary-hdr')._toKube()).toEqual({ setHeaderRoute: { name: 'canary-hdr', match: undefined } });
    expect(Step.removeMirrorRoute('m')._toKube()).toEqual({ setMirrorRoute: { name: 'm', percentage: undefined, match: undefined } });
    expect(Step.plugin('p', { a: 1 })._toKube()).toEqual({ plugin: { name: 'p', config: { a: 1 } } });
  });

  test('describes steps readably for error messages', () => {
    expect(`${Step.setWeight(5)}`).toEqual('setWeight 5');
    expect(`${Step.pause(Duration.minutes(1))}`).toEqual('pause 1m');
    expect(`${hdr()}`).toEqual('setHeaderRoute "canary-hdr"');
    expect(`${Step.removeMirrorRoute('m')}`).toEqual('removeMirrorRoute "m"');
    expect(`${Step.plugin('p', {})}`).toEqual('plugin "p"');
    expect(Step.removeHeaderRoute('x').removesRoute).toBe(true);
    expect(hdr().kind).toBe(StepKind.SET_HEADER_ROUTE);
  });

  test('derives managedRoutes from the steps, in order of first use (ValidateRollout)', () => {
    const c = chart();
    const r = istioCanary(c, [Step.setCanaryScale({ weight: 10 }), mirror('m1'), hdr('h1'), Step.removeMirrorRoute('m1'), mirror('m1')]);
    expect(r.managedRoutes).toEqual(['m1', 'h1']);
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'm1' }, { name: 'h1' }]);
  });
});

describe('setWeight and pause (ValidateRollout)', () => {
  test.each([-1, 101, 12.5])('fails when setWeight is %s', (w) => {
    expect(() => basic([Step.setWeight(w)])).toThrow(new RegExp(`step 0 setWeight ${w}: weight must be a whole number from 0 to 100; got ${w}`));
  });

  test('fails when a pause duration is not whole seconds', () => {
    expect(() => basic([Step.setWeight(10), Step.pause(Duration.millis(1500))]))
      .toThrow(/\[test\/checkout\] step 1 pause 1500ms: duration must be a whole number of seconds; got 1500ms; the controller truncates it to seconds, use Duration.seconds\(2\)/);
  });
});

describe('setCanaryScale (ValidateRollout, step semantics)', () => {
  test('fails when more than one option is set', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ weight: 10, replicas: 2 })]))
      .toThrow(/step 0 setCanaryScale: set exactly one of weight, replicas or matchTrafficWeight; got \{"weight":10,"replicas":2\}/);
  });

  test('fails when no option is set', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({})])).toThrow(/set exactly one of weight, replicas or matchTrafficWeight; got none/);
  });

  test('fails when matchTrafficWeight is false', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ matchTrafficWeight: false })])).toThrow(/matchTrafficWeight must be true when given/);
  });

  test('fails when the weight is out of range', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ weight: 150 })])).toThrow(/step 0 setCanaryScale: weight must be a whole number from 0 to 100; got 150/);
  });

  test('fails when replicas is negative', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ replicas: -1 })])).toThrow(/replicas must be a whole number >= 0; got -1/);
  });

  test('fails without trafficRouting (ValidateRollout)', () => {
    expect(() => basic([Step.setCanaryScale({ weight: 10 })]))
      .toThrow(/step 0 setCanaryScale: setCanaryScale needs trafficRouting \(without it pod counts follow setWeight\); add trafficRouting/);
  });
});

describe('header and mirror routes (ValidateRollout, not checked upstream)', () => {
  test('fails when a header route comes before any canary pods (not checked upstream)', () => {
    expect(() => albCanary(chart(), [hdr(), Step.setWeight(10)]))
      .toThrow(/step 0 setHeaderRoute "canary-hdr": no earlier step gives the canary pods, and the controller removes managed routes while the canary has no available pods/);
  });

  test('fails when a mirror route comes after setCanaryScale to zero', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setCanaryScale({ replicas: 0 }), mirror()]))
      .toThrow(/step 2 setMirrorRoute "canary-mirror": no earlier step gives the canary pods/);
  });

  test('passes when setCanaryScale comes before the header route (recommended order)', () => {
    const c = chart();
    albCanary(c, [Step.setCanaryScale({ weight: 10 }), hdr(), Step.pause(), Step.removeHeaderRoute('canary-hdr'), Step.setWeight(50)]);
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-hdr' }]);
  });

  test('fails when a route is still active when the canary loses its pods', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), hdr(), Step.setWeight(0)]))
      .toThrow(/step 2 setWeight 0: leaves the canary with no pods while route "canary-hdr" \(set at step 1 setHeaderRoute "canary-hdr"\) is active; the controller removes the route and does not re-apply it/);
  });

  test('a route set under setCanaryScale survives setWeight 0 while the explicit scale holds', () => {
    const c = chart();
    albCanary(c, [Step.setCanaryScale({ replicas: 1 }), hdr(), Step.setWeight(0), Step.removeHeaderRoute('canary-hdr')]);
    expect(() => synthValidated(c)).not.toThrow();
  });

  test('fails when matchTrafficWeight drops the canary to zero pods under an active route', () => {
    expect(() => albCanary(chart(), [Step.setCanaryScale({ replicas: 1 }), hdr(), Step.setCanaryScale({ matchTrafficWeight: true })]))
      .toThrow(/step 2 setCanaryScale: leaves the canary with no pods while route "canary-hdr"/);
  });

  test('fails when a route name is longer than 52 characters (not checked upstream)', () => {
    const name = 'h'.repeat(53);
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute(name, [HeaderMatch.exact('a', 'b')])]))
      .toThrow(/route name must be a DNS-1035 label of at most 52 characters .*; got "h{53}"; use lower-case letters/);
  });

  test('accepts a route name of exactly 52 characters', () => {
    const c = chart();
    albCanary(c, [Step.setWeight(10), Step.setHeaderRoute('h'.repeat(52), [HeaderMatch.exact('a', 'b')])]);
    expect(() => synthValidated(c)).not.toThrow();
  });

  test('fails when a route name is not a DNS-1035 label', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('Canary_Hdr', [HeaderMatch.exact('a', 'b')])]))
      .toThrow(/route name must be a DNS-1035 label.*; got "Canary_Hdr"; use lower-case letters/);
  });

  test('fails when a header route name is reused for a mirror route', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), hdr('r'), mirror('r')])).toThrow(/step 2 setMirrorRoute "r": the name is already a header route; got "r"; give each route its own name/);
  });

  test('fails when a header route has no trafficRouting (ValidateRollout)', () => {
    expect(() => basic([Step.setWeight(10), hdr()])).toThrow(/step 1 setHeaderRoute "canary-hdr": header routes need ALB, Istio or plugin trafficRouting/);
  });

  test('fails when a mirror route is used with ALB (ValidateRollout)', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), mirror()]))
      .toThrow(/step 1 setMirrorRoute "canary-mirror": mirror routes need Istio trafficRouting \(the ALB cannot mirror traffic\); use Istio, or a header route instead/);
  });

  test('fails when a mirror route has no trafficRouting (ValidateRollout)', () => {
    expect(() => basic([Step.setWeight(10), mirror()])).toThrow(/mirror routes need Istio trafficRouting; use Istio/);
  });

  test('fails when a step removes a route no earlier step sets', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.removeHeaderRoute('nope')])).toThrow(/step 1 removeHeaderRoute "nope": removes a route which no earlier step sets; got "nope"; remove this step/);
  });

  test('fails when a header route has no matches', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('h', [])]))
      .toThrow(/step 1 setHeaderRoute "h": needs at least one HeaderMatch; got \[\]; add a HeaderMatch, or use Step.removeHeaderRoute\("h"\) to remove the route/);
  });

  test('fails when a header name or value is empty', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('h', [HeaderMatch.exact(' ', 'x')])])).toThrow(/a header name is empty/);
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('h', [HeaderMatch.prefix('x', '')])])).toThrow(/header "x" has an empty prefix value/);
  });

  test('fails when ALB header match is a prefix (ValidateRollout)', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.prefix('version', 'v2')])]))
      .toThrow(/\[test\/checkout\] step 1 setHeaderRoute "beta": ALB matches headers by exact value only; got prefix "v2" for header "version"; use HeaderMatch.exact/);
  });

  test('fails when ALB header match is a regex (ValidateRollout)', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.regex('version', 'v.*')])]))
      .toThrow(/ALB matches headers by exact value only; got regex "v.\*"/);
  });

  test('Istio accepts prefix and regex header matches (ValidateRollout)', () => {
    const c = chart();
    istioCanary(c, [Step.setWeight(10), Step.setHeaderRoute('beta', [HeaderMatch.prefix('version', 'v2'), HeaderMatch.regex('ua', '.*Chrome.*')])]);
    expect(() => synthValidated(c)).not.toThrow();
  });

  test('fails when a mirror route has no match blocks', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [] })]))
      .toThrow(/needs at least one MirrorMatch; got \[\]; add a MirrorMatch, or use Step.removeMirrorRoute\("m"\) to remove the route/);
  });

  test('fails when a mirror percentage is out of range', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setMirrorRoute({ name: 'm', percentage: 101, matches: [{ method: StringMatch.exact('GET') }] })]))
      .toThrow(/percentage must be a whole number from 0 to 100; got 101/);
  });

  test('fails when a mirror match block has no condition', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [{}] })]))
      .toThrow(/match 0 has no condition, so it would mirror every request; got \{\}; give a method, path or header/);
  });

  test('fails when a mirror header match has an empty value (not checked upstream)', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), Step.setMirrorRoute({ name: 'm', matches: [{ headers: { 'x-a': StringMatch.exact('') } }] })]))
      .toThrow(/match 0 has an empty exact value/);
  });

  test('renders mirror header matches sorted by name', () => {
    const step = Step.setMirrorRoute({ name: 'm', matches: [{ headers: { b: StringMatch.exact('1'), a: StringMatch.regex('x') } }] });
    expect(Object.keys(step._toKube().setMirrorRoute!.match![0].headers!)).toEqual(['a', 'b']);
  });

  test('fails when a managed route has the name of a Service the Rollout uses (not checked upstream)', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), hdr('checkout-canary')]))
      .toThrow(/managed route has the same name as a Service the Rollout uses; the controller deletes every route and Ingress path with a managed route's name.*; got "checkout-canary"; rename the header or mirror route/);
  });

  test('fails when a managed route has the name of the ALB action (not checked upstream)', () => {
    expect(() => albCanary(chart(), [Step.setWeight(10), hdr('checkout-root')]))
      .toThrow(/managed route has the same name as the ALB action \(root Service\).*; got "checkout-root"/);
  });

  test('fails when a managed route has the name of the VirtualService route (not checked upstream)', () => {
    expect(() => istioCanary(chart(), [Step.setWeight(10), mirror('primary')]))
      .toThrow(/managed route has the same name as the route of VirtualService "checkout".*; got "primary"/);
  });
});

describe('analysis and experiment steps (ValidateRollout, upstream reference checks)', () => {
  test('fails when an analysis step does not supply a required argument', () => {
    const c = chart();
    const t = new AnalysisTemplate(c, 'needs-arg', {
      args: [TemplateArgument.required('service')],
      metrics: [Metric.prometheus({ name: 'm', address: 'http://prom:9090', query: 'vector({{args.service}})', successCondition: 'true', count: 1 })],
    });
    expect(() => rollout(c, RolloutStrategy.canary({ steps: [Step.setWeight(10), Step.analysis({ templates: [t] })] })))
      .toThrow(/step 1 analysis: .*AnalysisTemplate "needs-arg" needs argument "service"/);
  });

  test('fails when an analysis step argument reads an unsupported fieldRef (ValidateRollout)', () => {
    const c = chart();
    const t = successRate(c);
    expect(() => rollout(c, RolloutStrategy.canary({ steps: [Step.analysis({ templates: [t], args: [AnalysisArgument.fieldRef('x', 'spec.replicas[')] })] })))
      .toThrow(/argument "x" reads a fieldRef which the controller cannot resolve from the Rollout; got "spec.replicas\["; other paths must be/);
  });

  test('fails when an experiment step has no templates', () => {
    expect(() => basic([Step.experiment({ templates: [] })])).toThrow(/step 0 experiment: needs at least one template/);
  });

  test('fails when experiment template names repeat', () => {
    expect(() => basic([Step.experiment({ templates: [{ name: 'a', specRef: ExperimentSpecRef.CANARY }, { name: 'a', specRef: ExperimentSpecRef.STABLE }] })]))
      .toThrow(/template names must be unique; got \["a","a"\]/);
  });

  test('fails when an experiment template weight is used without trafficRouting (ValidateRollout)', () => {
    expect(() => basic([Step.experiment({ templates: [{ name: 'a', specRef: ExperimentSpecRef.CANARY, weight: 5 }] })]))
      .toThrow(/template "a" has a weight, which needs trafficRouting/);
  });

  test('accepts an experiment template weight without serviceName with ALB or Istio (the controller creates the Service, #15.9)', () => {
    expect(() => albCanary(chart(), [Step.experiment({ templates: [{ name: 'a', specRef: ExperimentSpecRef.CANARY, weight: 5 }] })]))
      .not.toThrow();
  });

  test('fails when an experiment duration is not whole seconds', () => {
    expect(() => basic([Step.experiment({ duration: Duration.millis(500), templates: [{ name: 'a', specRef: ExperimentSpecRef.CANARY }] })]))
      .toThrow(/step 0 experiment duration must be a whole number of seconds; got 500ms/);
  });

  test('renders an experiment with analyses', () => {
    const c = chart();
    const t = successRate(c);
    albCanary(c, [Step.experiment({
      duration: Duration.hours(1),
      templates: [{ name: 'canary', specRef: ExperimentSpecRef.CANARY, weight: 5, serviceName: 'checkout-exp' }],
      analyses: [{ name: 'rate', template: t, args: [AnalysisArgument.value('service', 'checkout-exp')] }],
    })]);
    const step = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.steps[0];
    expect(step.experiment.duration).toEqual('1h');
    expect(step.experiment.templates).toEqual([{ name: 'canary', specRef: 'canary', weight: 5, service: { name: 'checkout-exp' } }]);
    expect(step.experiment.analyses[0]).toMatchObject({ name: 'rate', templateName: 'success-rate' });
  });

  test('allows a plugin step with any configuration', () => {
    const c = chart();
    rollout(c, RolloutStrategy.canary({ stableService: service(c, 's'), canaryService: service(c, 'cs'), steps: [Step.plugin('acme/step', { nested: { list: [1, 2] } })] }));
    expect(findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.steps).toEqual([{ plugin: { name: 'acme/step', config: { nested: { list: [1, 2] } } } }]);
  });

  test('header routes with plugin routers need no ALB or Istio', () => {
    const c = chart();
    rollout(c, RolloutStrategy.canary({
      stableService: service(c, 's'),
      canaryService: service(c, 'cs'),
      trafficRouting: { plugins: { 'acme/router': {} } },
      steps: [Step.setWeight(10), hdr()],
    }));
    expect(() => synthValidated(c)).not.toThrow();
    void IstioVirtualService;
  });

  // found by the conformance suite: ValidateRollout (v1.9.0) allows setMirrorRoute with Istio only
  test('fails on a mirror route with a plugin router, which the controller refuses', () => {
    const c = chart();
    expect(() => rollout(c, RolloutStrategy.canary({
      stableService: service(c, 's'),
      canaryService: service(c, 'cs'),
      trafficRouting: { plugins: { 'acme/router': {} } },
      steps: [Step.setWeight(10), mirror()],
    }))).toThrow(/mirror routes need Istio trafficRouting \(the controller refuses them with plugin routers: "SetMirrorRoute requires TrafficRouting, supports Istio only"\)/);
  });
});

describe('experiment analyses', () => {
  const indefinite = (scope: Chart) => new AnalysisTemplate(scope, 'load', {
    metrics: [Metric.web({ name: 'load', url: 'http://load.example.com/ok', interval: Duration.minutes(1) })],
  });

  test('accepts a metric without count in an experiment with a duration, which ends the analysis', () => {
    const c = new Chart(new App(), 'shop', { namespace: 'shop' });
    const template = indefinite(c);
    expect(() => new Rollout(c, 'checkout', {
      containers: [{ image: 'nginx', portNumber: 8080 }],
      strategy: RolloutStrategy.canary({
        steps: [Step.experiment({
          duration: Duration.minutes(10),
          templates: [{ name: 'canary', specRef: ExperimentSpecRef.CANARY }],
          analyses: [{ name: 'load', template }],
        })],
      }),
    })).not.toThrow();
  });

  test('fails on a metric without count in an experiment without a duration', () => {
    const c = new Chart(new App(), 'shop', { namespace: 'shop' });
    const template = indefinite(c);
    expect(() => new Rollout(c, 'checkout', {
      containers: [{ image: 'nginx', portNumber: 8080 }],
      strategy: RolloutStrategy.canary({
        steps: [Step.experiment({
          templates: [{ name: 'canary', specRef: ExperimentSpecRef.CANARY }],
          analyses: [{ name: 'load', template }],
        })],
      }),
    })).toThrow(/step 0 experiment analysis "load": AnalysisTemplate "load" has metric "load" with an interval and no count, so it runs indefinitely/);
  });
});
