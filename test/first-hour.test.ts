// Issue #15: no traps in a user's first hour. One describe block per item of the issue; each test
// fails on the behaviour before the fix.
import { ApiObject, App, AppProps, Chart, Duration, JsonPatch, Testing, YamlOutputType } from 'cdk8s';
import { findManifest, synthValidated } from './helpers/synth';
import { chart, rollout, service } from './rollout/fixtures';
import { AnalysisArgument } from '../src/analysis/analysis-run';
import { AnalysisTemplate, ClusterAnalysisTemplate } from '../src/analysis/analysis-template';
import { BuiltinAnalysis } from '../src/analysis/builtin-analysis';
import { Metric } from '../src/analysis/metric';
import { MetricAuthentication } from '../src/analysis/metric-authentication';
import { SloRecordingRules } from '../src/analysis/slo-recording-rules';
import { RolloutsController, RolloutsControllerProps } from '../src/aws/rollouts-controller';
import { CanaryApp, CanaryAppProps } from '../src/canary-app';
import { ArgoCdApplication, ArgoCdApplicationProps } from '../src/gitops/argocd-application';
import { ExperimentSpecRef } from '../src/rollout/experiment';
import { Step } from '../src/rollout/step';
import { RolloutStrategy } from '../src/rollout/strategy';
import { AlbIngress, AlbTargetType } from '../src/routing/alb';
import { IstioApiVersion } from '../src/routing/istio';
import { TrafficRouting } from '../src/routing/traffic-routing';

describe('#15.7 blue-green autoPromotionDelay without auto-promotion', () => {
  test('rejects autoPromotionDelay with autoPromotionEnabled false, naming the Rollout and the fix', () => {
    const c = chart();
    const active = service(c, 'search-active');
    const preview = service(c, 'search-preview');
    expect(() => rollout(c, RolloutStrategy.blueGreen({
      activeService: active, previewService: preview, autoPromotionEnabled: false, autoPromotionDelay: Duration.minutes(10),
    }))).toThrow(/\[test\/checkout\] blueGreen autoPromotionDelay with autoPromotionEnabled false: .*ignores autoPromotionSeconds; got 10m; remove autoPromotionDelay/);
  });

  test('still accepts either setting alone', () => {
    const c = chart();
    const active = service(c, 'search-active');
    expect(() => rollout(c, RolloutStrategy.blueGreen({ activeService: active, autoPromotionDelay: Duration.minutes(10) }))).not.toThrow();
    const c2 = chart();
    expect(() => rollout(c2, RolloutStrategy.blueGreen({ activeService: service(c2, 'a'), autoPromotionEnabled: false }))).not.toThrow();
  });
});

describe('#15.11 every error names the construct and the step, all at once', () => {
  test('a sub-millisecond pause is reported with the Rollout path and the step, next to the other errors', () => {
    let message = '';
    try {
      rollout(chart(), RolloutStrategy.canary({
        steps: [Step.setWeight(20), Step.pause(Duration.millis(0.5)), Step.setWeight(120), Step.pause(Duration.millis(1500))],
      }));
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/^\[test\/checkout\] /);
    expect(message).toMatch(/step 1 pause 0\.5ms: duration must be a whole number of seconds; got 0\.5ms/);
    expect(message).toMatch(/step 2 setWeight 120: weight must be a whole number from 0 to 100; got 120/);
    expect(message).toMatch(/step 3 pause 1500ms: duration must be a whole number of seconds; got 1500ms/);
  });

  test('a sub-millisecond blue-green delay is reported, not thrown by cdk8s without a path', () => {
    const c = chart();
    expect(() => rollout(c, RolloutStrategy.blueGreen({ activeService: service(c, 'a'), scaleDownDelay: Duration.millis(0.25) })))
      .toThrow(/\[test\/checkout\] blueGreen scaleDownDelay must be a whole number of seconds; got 0.25ms/);
  });

  test('every bad metric of a template is reported together', () => {
    const c = chart();
    let message = '';
    try {
      new AnalysisTemplate(c, 'checks', {
        metrics: [
          Metric.prometheus({ name: 'a', address: 'prom', query: 'up' }),
          Metric.web({ name: 'b', url: 'http://x', count: 3 }),
        ],
      });
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/\[test\/checks\] AnalysisTemplate "checks": metric "a": prometheus address must be an http\(s\) URL; got "prom"/);
    expect(message).toMatch(/\[test\/checks\] AnalysisTemplate "checks": metric "b": interval must be specified when count > 1/);
  });
});

describe('#15.6 analysis settings the controller ignores', () => {
  const template = (metric: Metric) => new AnalysisTemplate(chart(), 'checks', { metrics: [metric] });

  test('rejects web sigv4, which the v1.9.0 web provider never reads', () => {
    expect(() => template(Metric.web({ name: 'w', url: 'https://api.example.com/health', authentication: MetricAuthentication.sigv4({ region: 'eu-west-1' }) })))
      .toThrow(/\[test\/checks\] AnalysisTemplate "checks": metric "w": web sigv4 authentication is ignored by the controller: the v1.9.0 web provider reads only authentication.oauth2/);
  });

  test('rejects web basic auth, which v1.9.0 does not have', () => {
    expect(() => template(Metric.web({ name: 'w', url: 'https://api.example.com/health', authentication: MetricAuthentication.basic('u', '{{args.p}}') })))
      .toThrow(/metric "w": web basic authentication is ignored by the controller: .*has no basicAuth field/);
  });

  test('rejects Prometheus sigv4 against an address that is not an AMP workspace', () => {
    expect(() => template(Metric.prometheus({ name: 'p', address: 'http://prometheus.monitoring:9090', query: 'up', authentication: MetricAuthentication.sigv4() })))
      .toThrow(/metric "p": prometheus sigv4 authentication with an address which is not an Amazon Managed Service for Prometheus workspace: .*; got "http:\/\/prometheus.monitoring:9090"; use the workspace URL/);
  });

  test('accepts Prometheus sigv4 on an AMP workspace and web oauth2', () => {
    expect(() => template(Metric.prometheus({
      name: 'p', address: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-123/', query: 'up', authentication: MetricAuthentication.sigv4(),
    }))).not.toThrow();
    expect(() => template(Metric.web({
      name: 'w', url: 'https://api.example.com/health', authentication: MetricAuthentication.oauth2({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: '{{args.s}}' }),
    }))).toThrow(/declares no argument "s"/); // oauth2 itself is accepted; only the undeclared argument fails
  });
});

describe('#15.9 inputs upstream accepts', () => {
  test('an experiment template with a weight and no serviceName is accepted (the controller creates the Service)', () => {
    const c = chart();
    const app = new CanaryApp(c, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.4.2',
      containerPort: 8080,
      replicas: 4,
      routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
      steps: [Step.experiment({ duration: Duration.minutes(5), templates: [{ name: 'canary', specRef: ExperimentSpecRef.CANARY, weight: 10 }] })],
    });
    const r = findManifest(synthValidated(c), 'Rollout', 'checkout');
    expect(r.spec.strategy.canary.steps[0].experiment.templates).toEqual([{ name: 'canary', specRef: 'canary', weight: 10 }]);
    expect(app.rollout).toBeDefined();
  });

  test('CanaryApp with ALB instance targets makes its Services NodePort', () => {
    const c = chart();
    new CanaryApp(c, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.4.2',
      containerPort: 8080,
      routing: TrafficRouting.alb({ host: 'qa-domain.com', targetType: AlbTargetType.INSTANCE }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    const manifests = synthValidated(c);
    for (const name of ['checkout-stable', 'checkout-canary', 'checkout-root']) {
      expect(findManifest(manifests, 'Service', name).spec.type).toEqual('NodePort');
    }
    expect(findManifest(manifests, 'Ingress', 'checkout').metadata.annotations['alb.ingress.kubernetes.io/target-type']).toEqual('instance');
  });
});

describe('#15.2 built-in templates keep measuring in background analysis', () => {
  const build = () => {
    const c = chart();
    const budget = BuiltinAnalysis.sloBurnRate(c, 'ErrorBudget', {
      prometheusAddress: 'http://prometheus.monitoring:9090', rules: SloRecordingRules.sloth('checkout', 'availability'),
    });
    return { c, budget };
  };

  test('background analysis passes measurement-count 0: the metric measures until the update ends', () => {
    const { c, budget } = build();
    rollout(c, RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.pause()], analysis: { templates: [budget] } }));
    const manifests = synthValidated(c);
    const template = findManifest(manifests, 'AnalysisTemplate', 'error-budget');
    expect(template.spec.metrics[0].count).toEqual('{{args.measurement-count}}');
    expect(template.spec.metrics[0].interval).toEqual('1m');
    expect(template.spec.args).toContainEqual({ name: 'measurement-count', value: '5' });
    const r = findManifest(manifests, 'Rollout', 'checkout');
    expect(r.spec.strategy.canary.analysis.args).toEqual([{ name: 'measurement-count', value: '0' }]);
  });

  test('an analysis step keeps the count (the template default, 5)', () => {
    const { c, budget } = build();
    rollout(c, RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.analysis({ templates: [budget] })] }));
    const r = findManifest(synthValidated(c), 'Rollout', 'checkout');
    expect(r.spec.strategy.canary.steps[1].analysis.args).toBeUndefined();
  });

  test('a background analysis that sets the count itself keeps it', () => {
    const { c, budget } = build();
    rollout(c, RolloutStrategy.canary({
      steps: [Step.setWeight(20), Step.pause()],
      analysis: { templates: [budget], args: [AnalysisArgument.value('measurement-count', '30')] },
    }));
    const r = findManifest(synthValidated(c), 'Rollout', 'checkout');
    expect(r.spec.strategy.canary.analysis.args).toEqual([{ name: 'measurement-count', value: '30' }]);
  });
});

describe('#15.1 the documented Application points at the deployed chart', () => {
  const build = (appProps: AppProps, appOptions: Partial<ArgoCdApplicationProps> = {}) => {
    const app = new App(appProps);
    const workload = new Chart(app, 'checkout', { namespace: 'shop' });
    new CanaryApp(workload, 'checkout', { image: 'ghcr.io/acme/checkout:1.4.2', containerPort: 8080, steps: [Step.setWeight(20), Step.pause()] });
    const apps = new Chart(app, 'apps', { namespace: 'argocd' });
    new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://github.com/acme/platform.git', destinationNamespace: 'shop', deploys: [workload], ...appOptions });
    return apps;
  };
  const sourceOf = (apps: Chart) => findManifest(Testing.synth(apps), 'Application', 'checkout').spec.source;

  test('new App() (FILE_PER_CHART into dist): the source is dist with directory.include of the chart file', () => {
    expect(sourceOf(build({ outdir: 'dist' }))).toEqual({
      repoURL: 'https://github.com/acme/platform.git', path: 'dist', targetRevision: 'HEAD', directory: { include: 'checkout.k8s.yaml' },
    });
  });

  test('FOLDER_PER_CHART_FILE_PER_RESOURCE: the chart folder', () => {
    expect(sourceOf(build({ outdir: 'dist', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE }))).toEqual({
      repoURL: 'https://github.com/acme/platform.git', path: 'dist/checkout', targetRevision: 'HEAD',
    });
  });

  test('outdirInRepo says where the output folder is committed', () => {
    expect(sourceOf(build({ outdir: '/tmp/out', outputFileExtension: '.yaml' }, { outdirInRepo: 'deploy/k8s/' }))).toMatchObject({
      path: 'deploy/k8s', directory: { include: 'checkout.yaml' },
    });
  });

  test('an absolute outdir without outdirInRepo fails and names the fix', () => {
    expect(() => sourceOf(build({ outdir: '/tmp/out' })))
      .toThrow(/\[apps\/checkout\] path not given and the App's outdir is absolute, so where it sits in the Git repository is unknown; got "\/tmp\/out"; give outdirInRepo/);
  });

  test('the old documented pairing, new App() with path dist/checkout, fails at synth with the output type and the paths that work', () => {
    expect(() => sourceOf(build({ outdir: 'dist' }, { path: 'dist/checkout' })))
      .toThrow(/\[apps\/checkout\] path "dist\/checkout" cannot select chart "checkout": the App writes FILE_PER_CHART .*omit path to derive path "dist" with directory.include "checkout.k8s.yaml", or use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE with path "dist\/checkout"/);
  });

  test('a folder path that is not the chart folder fails', () => {
    expect(() => sourceOf(build({ outdir: 'dist', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE }, { path: 'dist/shop' })))
      .toThrow(/path "dist\/shop" does not select chart "checkout": .*use path "dist\/checkout"/);
  });

  test('FILE_PER_APP cannot be selected per chart', () => {
    expect(() => sourceOf(build({ outdir: 'dist', yamlOutputType: YamlOutputType.FILE_PER_APP })))
      .toThrow(/path not given and the App writes FILE_PER_APP \(all charts in one file\).*use YamlOutputType.FILE_PER_CHART/);
  });
});

describe('#15.3 the Istio in-mesh host has a Service', () => {
  test.each([['reviews.shop.svc.cluster.local'], ['reviews'], ['reviews.shop']])('host %s gets Service reviews selecting every pod of the app', (host) => {
    const c = chart();
    const reviews = new CanaryApp(c, 'reviews', {
      image: 'ghcr.io/acme/reviews:2.0.0',
      containerPort: 9080,
      routing: TrafficRouting.istio({ hosts: [host, 'reviews.example.com'], gateways: ['mesh', 'istio-system/public'] }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    const manifests = synthValidated(c);
    const svc = findManifest(manifests, 'Service', 'reviews');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'reviews' });
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 9080 })]);
    expect(reviews.rootService?.name).toEqual('reviews');
    // the controller switches only the Services the Rollout references
    const r = findManifest(manifests, 'Rollout', 'reviews');
    expect([r.spec.strategy.canary.stableService, r.spec.strategy.canary.canaryService]).toEqual(['reviews-stable', 'reviews-canary']);
    expect(manifests.filter(m => m.kind === 'Service').map(m => m.metadata.name).sort()).toEqual(['reviews', 'reviews-canary', 'reviews-stable']);
  });

  test('a host in another namespace or outside the cluster gets no Service', () => {
    const c = chart();
    new CanaryApp(c, 'reviews', {
      image: 'ghcr.io/acme/reviews:2.0.0',
      containerPort: 9080,
      routing: TrafficRouting.istio({ hosts: ['reviews.other.svc.cluster.local', 'reviews.example.com'] }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    expect(synthValidated(c).filter(m => m.kind === 'Service').map(m => m.metadata.name).sort()).toEqual(['reviews-canary', 'reviews-stable']);
  });
});

describe('#15.8 the Istio API version is the widest served one, and selectable', () => {
  const build = (apiVersion?: IstioApiVersion) => {
    const c = chart();
    new CanaryApp(c, 'catalog', {
      image: 'ghcr.io/acme/catalog:1.0.0',
      containerPort: 8080,
      routing: TrafficRouting.istio({ hosts: ['catalog'], subsetLevel: true, apiVersion }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    return synthValidated(c);
  };

  test('defaults to networking.istio.io/v1beta1, which every supported Istio serves (v1 needs 1.22)', () => {
    const m = build();
    expect(findManifest(m, 'VirtualService').apiVersion).toEqual('networking.istio.io/v1beta1');
    expect(findManifest(m, 'DestinationRule').apiVersion).toEqual('networking.istio.io/v1beta1');
  });

  test.each([[IstioApiVersion.V1, 'networking.istio.io/v1'], [IstioApiVersion.V1ALPHA3, 'networking.istio.io/v1alpha3']])('renders the chosen version %#', (version, expected) => {
    const m = build(version);
    expect(findManifest(m, 'VirtualService').apiVersion).toEqual(expected);
    expect(findManifest(m, 'DestinationRule').apiVersion).toEqual(expected);
  });
});

/** An App with the controller in chart "platform" and a CanaryApp with ALB routing in chart "shop". */
type AppPropsOrBuilder = Partial<CanaryAppProps> | ((shop: Chart) => Partial<CanaryAppProps>);
function platformApp(controllerProps: Partial<RolloutsControllerProps> | undefined, appProps: AppPropsOrBuilder = {}) {
  const app = Testing.app();
  if (controllerProps) {
    const platform = new Chart(app, 'platform', { namespace: 'argocd' });
    new RolloutsController(platform, 'rollouts', { region: 'eu-west-1', ...controllerProps });
  }
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const checkout = new CanaryApp(shop, 'checkout', {
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
    steps: [Step.setWeight(20), Step.pause()],
    ...(typeof appProps === 'function' ? appProps(shop) : appProps),
  });
  return { app, shop, checkout };
}

describe('#15.4 TrafficRouting.alb verifyTargetGroups means what it says', () => {
  test('fails at synth when the RolloutsController of the App does not verify target groups, naming both paths and the fix', () => {
    const { app } = platformApp({ verifyTargetGroups: false }, { routing: TrafficRouting.alb({ host: 'qa-domain.com', verifyTargetGroups: true }) });
    expect(() => app.synthYaml()).toThrow(/\[platform\/rollouts\] Rollout "checkout" at shop\/checkout\/rollout relies on target-group verification \(alb verifyTargetGroups: true\), but the RolloutsController at platform\/rollouts has verifyTargetGroups false.*set verifyTargetGroups: true on the controller/);
  });

  test('passes with the controller default (verification on), and the YAML is unchanged by the flag', () => {
    const verified = platformApp({}, { routing: TrafficRouting.alb({ host: 'qa-domain.com', verifyTargetGroups: true }) });
    const plain = platformApp({});
    expect(verified.app.synthYaml()).toEqual(plain.app.synthYaml());
    expect(verified.checkout.rollout.strategy.canaryOptions?.trafficRouting?.alb?.verifyTargetGroups).toBe(true);
  });

  test('without a RolloutsController in the App nothing can be checked (the docs ask the user to enable it)', () => {
    const { app } = platformApp(undefined, { routing: TrafficRouting.alb({ host: 'qa-domain.com', verifyTargetGroups: true }) });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a Rollout with verifyTargetGroups and an instance-target Ingress is rejected', () => {
    const c = chart();
    const ingress = new AlbIngress(c, 'ingress', { name: 'checkout', targetType: AlbTargetType.INSTANCE });
    expect(() => rollout(c, RolloutStrategy.canary({
      stableService: service(c, 'checkout-stable'),
      canaryService: service(c, 'checkout-canary'),
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'checkout-root', verifyTargetGroups: true } },
      steps: [Step.setWeight(20), Step.pause()],
    }))).toThrow(/ALB verifyTargetGroups checks that the ALB registered the pod IPs, which needs targetType ip, but Ingress "checkout" uses another; got "instance"; use AlbTargetType.IP/);
  });
});

describe('#15.5 the controller and the apps of one App agree', () => {
  test('(a) an Ingress class the controller does not treat as ALB fails, naming both paths and the fix', () => {
    const { app } = platformApp({}, { routing: TrafficRouting.alb({ host: 'qa-domain.com', ingressClassName: 'alb-internal' }) });
    expect(() => app.synthYaml()).toThrow(/\[platform\/rollouts\] Rollout "checkout" at shop\/checkout\/rollout routes through Ingress "checkout" \(shop\/checkout\/ingress\) of class "alb-internal", but the RolloutsController at platform\/rollouts treats only \["alb"\] as ALB \(--alb-ingress-classes\).*add "alb-internal" to the controller's albIngressClasses/);
  });

  test('(a) passes when the class is listed; a list without alb fails the default class', () => {
    expect(() => platformApp({ albIngressClasses: ['alb', 'alb-internal'] }, { routing: TrafficRouting.alb({ ingressClassName: 'alb-internal' }) }).app.synthYaml()).not.toThrow();
    expect(() => platformApp({ albIngressClasses: ['alb-internal'] }).app.synthYaml())
      .toThrow(/of class "alb", but the RolloutsController at platform\/rollouts treats only \["alb-internal"\] as ALB .*\(the list replaces the default "alb"\)/);
  });

  test('(b) ALB CloudWatch templates read status.alb, which a controller without verification never fills', () => {
    const build = (verifyTargetGroups: boolean) => platformApp({ verifyTargetGroups }, shop => ({
      steps: [Step.setWeight(20), Step.analysis({ templates: [BuiltinAnalysis.albErrorRate(shop, 'alb-errors')], args: BuiltinAnalysis.albCanaryArguments() })],
    }));
    expect(() => build(false).app.synthYaml()).toThrow(/Rollout "checkout" at shop\/checkout\/rollout passes analysis arguments from status.alb.loadBalancer.fullName \("alb-load-balancer"\), status.alb.canaryTargetGroup.fullName \("alb-canary-target-group"\), which the controller writes only while it verifies target groups, but the RolloutsController at platform\/rollouts has verifyTargetGroups false/);
    expect(() => build(true).app.synthYaml()).not.toThrow();
  });

  test('(c) a traffic-router or step plugin the controller does not load fails; listing it renders the chart values', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform', { namespace: 'argocd' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const stable = service(shop, 'checkout-stable');
    const canary = service(shop, 'checkout-canary');
    rollout(shop, RolloutStrategy.canary({
      stableService: stable,
      canaryService: canary,
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'checkout' } } },
      steps: [Step.setWeight(20), Step.plugin('acme/notify', { channel: 'releases' }), Step.pause()],
    }));
    const controller = new RolloutsController(platform, 'rollouts', { region: 'eu-west-1' });
    expect(() => app.synthYaml()).toThrow(/Rollout "checkout" at shop\/checkout uses the traffic-router plugin "argoproj-labs\/gatewayAPI", but the RolloutsController at platform\/rollouts does not load it \(trafficRouterPlugins: \[\]\).*add \{ name: "argoproj-labs\/gatewayAPI", location: .* \} to the controller's trafficRouterPlugins/);
    expect(() => app.synthYaml()).toThrow(/uses the step plugin "acme\/notify", but the RolloutsController at platform\/rollouts does not load it \(stepPlugins: \[\]\)/);
    expect(controller.stepPluginNames).toEqual([]);

    const app2 = Testing.app();
    const platform2 = new Chart(app2, 'platform', { namespace: 'argocd' });
    const shop2 = new Chart(app2, 'shop', { namespace: 'shop' });
    rollout(shop2, RolloutStrategy.canary({
      stableService: service(shop2, 'checkout-stable'),
      canaryService: service(shop2, 'checkout-canary'),
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'checkout' } } },
      steps: [Step.setWeight(20), Step.plugin('acme/notify', { channel: 'releases' }), Step.pause()],
    }));
    new RolloutsController(platform2, 'rollouts', {
      region: 'eu-west-1',
      trafficRouterPlugins: [{ name: 'argoproj-labs/gatewayAPI', location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.8.0/gatewayapi-plugin-linux-amd64' }],
      stepPlugins: [{ name: 'acme/notify', location: 'file:///plugins/notify', sha256: 'a'.repeat(64), args: ['--verbose'] }],
    });
    expect(() => app2.synthYaml()).not.toThrow();
    const values = findManifest(Testing.synth(platform2), 'Application', 'argo-rollouts').spec.source.helm.valuesObject.controller;
    expect(values.trafficRouterPlugins).toEqual([{ name: 'argoproj-labs/gatewayAPI', location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.8.0/gatewayapi-plugin-linux-amd64' }]);
    expect(values.stepPlugins).toEqual([{ name: 'acme/notify', location: 'file:///plugins/notify', sha256: 'a'.repeat(64), args: ['--verbose'] }]);
  });

  test('(c) plugin settings are checked: name form, location, checksum, duplicates', () => {
    const make = (plugin: any) => new RolloutsController(new Chart(Testing.app(), 'platform'), 'rollouts', { region: 'eu-west-1', stepPlugins: [plugin] });
    expect(() => make({ name: 'notify', location: 'https://x/y' })).toThrow(/\[platform\/rollouts\] stepPlugins: plugin name must be "<owner>\/<name>".*got "notify"/);
    expect(() => make({ name: 'acme/notify', location: 's3://bucket/notify' })).toThrow(/plugin "acme\/notify" location must be an http\(s\):\/\/ URL or a file:\/\/ path; got "s3:\/\/bucket\/notify"/);
    expect(() => make({ name: 'acme/notify', location: 'https://x/y', sha256: 'abc' })).toThrow(/sha256 must be 64 lower-case hex digits; got "abc"/);
    expect(() => new RolloutsController(new Chart(Testing.app(), 'platform'), 'rollouts', {
      region: 'eu-west-1',
      trafficRouterPlugins: [{ name: 'a/b', location: 'https://x/1' }, { name: 'a/b', location: 'https://x/2' }],
    })).toThrow(/\[platform\/rollouts\] trafficRouterPlugins lists a plugin twice; got "a\/b"; list each plugin once/);
  });

  test('with two controllers in one App (two clusters) the apps are not checked against either', () => {
    const { app } = platformApp({ verifyTargetGroups: false }, { routing: TrafficRouting.alb({ ingressClassName: 'other' }) });
    new RolloutsController(new Chart(app, 'platform-2', { namespace: 'argocd-2' }), 'rollouts', { region: 'eu-west-1' });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('#15.10 JSON patches apply to the rendered Kubernetes JSON, last and losslessly', () => {
  const istioApp = (c: Chart) => new CanaryApp(c, 'checkout', {
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    routing: TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true }),
    steps: [Step.setWeight(20), Step.pause()],
  });
  const jobMetric = () => Metric.job({ name: 'smoke', containers: [{ name: 'smoke', image: 'ghcr.io/acme/smoke:1.0.0' }] });

  test('Application: spec.source.repoURL (Kubernetes spelling; the L1 spells it repoUrl)', () => {
    const c = chart('argocd');
    const app = new ArgoCdApplication(c, 'checkout', { repoUrl: 'https://github.com/acme/platform.git', path: 'dist', destinationNamespace: 'shop' });
    ApiObject.of(app).addJsonPatch(JsonPatch.replace('/spec/source/repoURL', 'https://github.com/acme/mirror.git'));
    ApiObject.of(app).addJsonPatch(JsonPatch.add('/spec/source/directory', { recurse: true }));
    const source = findManifest(synthValidated(c), 'Application', 'checkout').spec.source;
    expect(source).toEqual({ repoURL: 'https://github.com/acme/mirror.git', path: 'dist', targetRevision: 'HEAD', directory: { recurse: true } });
  });

  test('RolloutsController: a Helm value the construct has no prop for', () => {
    const c = chart('argocd');
    const controller = new RolloutsController(c, 'argo-rollouts', { region: 'eu-west-1' });
    ApiObject.of(controller).addJsonPatch(JsonPatch.add('/spec/source/helm/valuesObject/controller/replicas', 2));
    const manifest = findManifest(synthValidated(c), 'Application', 'argo-rollouts');
    expect(manifest.spec.source.repoURL).toEqual('https://argoproj.github.io/argo-helm');
    expect(manifest.spec.source.helm.valuesObject.controller).toMatchObject({ replicas: 2, extraArgs: ['--aws-verify-target-group'] });
    // the patch changes the YAML only, not the construct's values
    expect(controller.helmValues().controller.replicas).toBeUndefined();
  });

  test('DestinationRule: trafficPolicy.outlierDetection.consecutive5xxErrors', () => {
    const c = chart();
    const dr = istioApp(c).destinationRule!;
    ApiObject.of(dr).addJsonPatch(JsonPatch.add('/spec/trafficPolicy', { outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '1m' } }));
    const manifest = findManifest(Testing.synth(c), 'DestinationRule', 'checkout');
    expect(manifest.spec.trafficPolicy).toEqual({ outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '1m' } });
  });

  test('VirtualService: a patch on apiVersion is no longer overwritten, and routes keep their fields', () => {
    const c = chart();
    const vs = istioApp(c).virtualService!;
    ApiObject.of(vs).addJsonPatch(JsonPatch.replace('/apiVersion', 'networking.istio.io/v1'));
    ApiObject.of(vs).addJsonPatch(JsonPatch.add('/spec/http/0/retries', { attempts: 3, perTryTimeout: '2s', retryOn: '5xx' }));
    const manifest = findManifest(Testing.synth(c), 'VirtualService', 'checkout');
    expect(manifest.apiVersion).toEqual('networking.istio.io/v1');
    expect(manifest.spec.http[0].retries).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: '5xx' });
  });

  test.each([['AnalysisTemplate'], ['ClusterAnalysisTemplate']])('%s: a metric count: 5 and a Job pod annotation and pod-spec field survive', (kind) => {
    const c = chart();
    const props = { metrics: [Metric.web({ name: 'health', url: 'https://checkout.shop/health', interval: Duration.minutes(1) }), jobMetric()] };
    const template = kind === 'AnalysisTemplate' ? new AnalysisTemplate(c, 'checks', props) : new ClusterAnalysisTemplate(c, 'checks', props);
    const object = ApiObject.of(template);
    object.addJsonPatch(JsonPatch.add('/spec/metrics/0/count', 5));
    object.addJsonPatch(JsonPatch.add('/spec/metrics/1/provider/job/spec/template/metadata', { annotations: { 'sidecar.istio.io/inject': 'false' } }));
    object.addJsonPatch(JsonPatch.add('/spec/metrics/1/provider/job/spec/template/spec/priorityClassName', 'analysis'));
    const manifest = findManifest(synthValidated(c), kind, 'checks');
    expect(manifest.spec.metrics[0].count).toEqual(5);
    expect(manifest.spec.metrics[1].provider.job.spec.template.metadata).toEqual({ annotations: { 'sidecar.istio.io/inject': 'false' } });
    expect(manifest.spec.metrics[1].provider.job.spec.template.spec.priorityClassName).toEqual('analysis');
    // the library's own pod spec is still there, and a ClusterAnalysisTemplate still has no namespace
    expect(manifest.spec.metrics[1].provider.job.spec.template.spec.containers[0].image).toEqual('ghcr.io/acme/smoke:1.0.0');
    expect(manifest.metadata.namespace).toEqual(kind === 'AnalysisTemplate' ? 'shop' : undefined);
  });

  test('CanaryApp objects: a Service port with a plain targetPort, an Ingress TLS block, Rollout pod fields', () => {
    const c = chart();
    const app = new CanaryApp(c, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.4.2',
      containerPort: 8080,
      routing: TrafficRouting.alb({ host: 'qa-domain.com' }),
      steps: [Step.setWeight(20), Step.pause()],
    });
    ApiObject.of(app.stableService!).addJsonPatch(JsonPatch.add('/spec/ports/-', { name: 'metrics', port: 9090, targetPort: 9090 }));
    ApiObject.of(app.ingress!).addJsonPatch(JsonPatch.add('/spec/tls', [{ hosts: ['qa-domain.com'], secretName: 'qa-tls' }]));
    ApiObject.of(app.rollout).addJsonPatch(JsonPatch.add('/spec/template/spec/hostIPC', false));
    const manifests = synthValidated(c);
    expect(findManifest(manifests, 'Service', 'checkout-stable').spec.ports).toContainEqual({ name: 'metrics', port: 9090, targetPort: 9090 });
    expect(findManifest(manifests, 'Ingress', 'checkout').spec.tls).toEqual([{ hosts: ['qa-domain.com'], secretName: 'qa-tls' }]);
    expect(findManifest(manifests, 'Rollout', 'checkout').spec.template.spec.hostIPC).toBe(false);
  });

  test('without patches every object renders exactly as before (the patch hook is transparent)', () => {
    const build = (patch: boolean) => {
      const c = chart();
      const app = istioApp(c);
      if (patch) ApiObject.of(app.rollout).addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'payments' }));
      return Testing.synth(c);
    };
    const plain = build(false);
    const patched = build(true);
    expect(patched.map(m => m.kind === 'Rollout' ? { ...m, metadata: { ...m.metadata, labels: undefined } } : m)).toEqual(plain.map(m => m.kind === 'Rollout' ? { ...m, metadata: { ...m.metadata, labels: undefined } } : m));
    expect(Object.keys(findManifest(patched, 'Rollout')).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  test('a patch that does not apply names the object and the fix', () => {
    const c = chart('argocd');
    const app = new ArgoCdApplication(c, 'checkout', { repoUrl: 'https://github.com/acme/platform.git', path: 'dist', destinationNamespace: 'shop' });
    ApiObject.of(app).addJsonPatch(JsonPatch.add('/spec/source/helm/valuesObject/replicas', 2));
    expect(() => Testing.synth(c)).toThrow(/\[test\/checkout\/Resource\] a JSON patch does not apply to the rendered Application "checkout": .*patch paths address the Kubernetes JSON as written to the YAML \(e.g. \/spec\/source\/repoURL\)/);
  });
});
