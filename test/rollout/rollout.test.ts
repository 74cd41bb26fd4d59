import { App, Chart, Duration, Size as cdk8sSize, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { albCanary, albSetup, chart, containers, istioCanary, istioSubsetCanary, rollout, service, successRate } from './fixtures';
import { AnalysisArgument, PodTemplateHash } from '../../src/analysis/analysis-run';
import { AnalysisTemplate } from '../../src/analysis/analysis-template';
import { Metric } from '../../src/analysis/metric';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { Rollout } from '../../src/rollout/rollout';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { AntiAffinity, RolloutStrategy } from '../../src/rollout/strategy';
import { WorkloadRef, WorkloadRefScaleDown } from '../../src/rollout/workload-ref';
import { AlbIngress, AlbTargetType } from '../../src/routing/alb';
import { IstioDestinationRule, IstioVirtualService } from '../../src/routing/istio';
import { findManifest, synthValidated } from '../helpers/synth';

/** Synthesizes the whole app with its validations (as `cdk8s synth` does). */
function synthApp(scope: Construct): string {
  return (scope.node.root as App).synthYaml();
}

const basic = () => RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.pause()] });

describe('Rollout: spec-level rules (ValidateRollout)', () => {
  test('renders a basic canary with readable selector and pod labels', () => {
    const c = chart();
    rollout(c, basic());
    const r = findManifest(synthValidated(c), 'Rollout', 'checkout');
    expect(r.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'checkout' } });
    expect(r.spec.template.metadata.labels['app.kubernetes.io/name']).toEqual('checkout');
    expect(r.spec.replicas).toEqual(10);
    expect(r.spec.progressDeadlineSeconds).toEqual(600);
    expect(r.spec.strategy.canary.steps).toEqual([{ setWeight: 20 }, { pause: {} }]);
  });

  test('always renders replicas (default 1) so the controller default is not drift', () => {
    const c = chart();
    new Rollout(c, 'checkout', { containers: containers(), strategy: basic() });
    expect(findManifest(synthValidated(c), 'Rollout').spec.replicas).toEqual(1);
  });

  test('fails when replicas is negative', () => {
    expect(() => rollout(chart(), basic(), { replicas: -1 })).toThrow(/\[test\/checkout\] replicas must be a whole number >= 0; got -1/);
  });

  test('fails when replicas is not a whole number', () => {
    expect(() => rollout(chart(), basic(), { replicas: 1.5 })).toThrow(/replicas must be a whole number >= 0; got 1.5/);
  });

  test('fails when revisionHistoryLimit is negative', () => {
    expect(() => rollout(chart(), basic(), { revisionHistoryLimit: -2 })).toThrow(/revisionHistoryLimit must be a whole number >= 0; got -2/);
  });

  test('fails when progressDeadline is not greater than minReady (ValidateRollout)', () => {
    expect(() => rollout(chart(), basic(), { minReady: Duration.minutes(10) }))
      .toThrow(/progressDeadline must be greater than minReady \(600s\); got 600s; raise progressDeadline or lower minReady/);
  });

  test('renders minReadySeconds and progressDeadlineAbort when given', () => {
    const c = chart();
    rollout(c, basic(), {
      minReady: Duration.seconds(5), progressDeadline: Duration.minutes(15), progressDeadlineAbort: true, revisionHistoryLimit: 3,
    });
    const spec = findManifest(synthValidated(c), 'Rollout').spec;
    expect(spec).toMatchObject({ minReadySeconds: 5, progressDeadlineSeconds: 900, progressDeadlineAbort: true, revisionHistoryLimit: 3 });
  });

  test('fails at synth when the Rollout has no containers', () => {
    const c = chart();
    new Rollout(c, 'checkout', { strategy: basic() });
    expect(() => synthApp(c)).toThrow(/the Rollout has no containers; add one with containers or addContainer\(\), or use workloadRef/);
  });

  test('fails when a workloadRef Rollout also has containers (ValidateRollout)', () => {
    const c = chart();
    expect(() => new Rollout(c, 'checkout', {
      containers: containers(), workloadRef: WorkloadRef.deploymentName('legacy'), strategy: basic(),
    })).toThrow(/a Rollout with workloadRef \(Deployment legacy\) takes its pod template from that workload; remove containers, volumes and podMetadata/);
  });

  test('a workloadRef Rollout renders no template and the workload labels as selector (ValidateRollout)', () => {
    const c = chart();
    new Rollout(c, 'checkout', {
      workloadRef: WorkloadRef.deploymentName('legacy', { matchLabels: { app: 'legacy' }, scaleDown: WorkloadRefScaleDown.PROGRESSIVELY }),
      strategy: basic(),
    });
    const spec = findManifest(synthValidated(c), 'Rollout').spec;
    expect(spec.template).toBeUndefined();
    expect(spec.selector).toEqual({ matchLabels: { app: 'legacy' } });
    expect(spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'legacy', scaleDown: 'progressively' });
  });

  test('renders ReplicaSet and PodTemplate workload references', () => {
    expect(WorkloadRef.replicaSetName('rs', { app: 'x' })._toKube()).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', scaleDown: undefined });
    expect(WorkloadRef.podTemplateName('pt')._toKube()).toEqual({ apiVersion: 'v1', kind: 'PodTemplate', name: 'pt', scaleDown: undefined });
  });
});

describe('Rollout: blue-green rules (ValidateRollout)', () => {
  const bg = (c: Construct, extra: any = {}) => RolloutStrategy.blueGreen({
    activeService: service(c, 'checkout-active'), previewService: service(c, 'checkout-preview'), ...extra,
  });

  test('fails when activeService and previewService are the same (ValidateRollout)', () => {
    const c = chart();
    const active = service(c, 'checkout-active');
    expect(() => rollout(c, RolloutStrategy.blueGreen({ activeService: active, previewService: active })))
      .toThrow(/blueGreen activeService and previewService are the same Service; got "checkout-active"; give two different Services/);
  });

  test('fails when scaleDownDelayRevisionLimit exceeds revisionHistoryLimit (ValidateRollout)', () => {
    const c = chart();
    expect(() => rollout(c, bg(c, { scaleDownDelayRevisionLimit: 5 }), { revisionHistoryLimit: 3 }))
      .toThrow(/blueGreen scaleDownDelayRevisionLimit is greater than revisionHistoryLimit 3; got 5; lower it or raise revisionHistoryLimit/);
  });

  test('compares scaleDownDelayRevisionLimit with the default revisionHistoryLimit of 10', () => {
    const c = chart();
    expect(() => rollout(c, bg(c, { scaleDownDelayRevisionLimit: 11 }))).toThrow(/greater than revisionHistoryLimit 10/);
  });

  test('fails when previewReplicaCount is negative', () => {
    const c = chart();
    expect(() => rollout(c, bg(c, { previewReplicaCount: -1 }))).toThrow(/blueGreen previewReplicaCount must be a whole number >= 0; got -1/);
  });

  test('fails when blue-green anti-affinity weight is outside 1-100 (ValidateRollout)', () => {
    const c = chart();
    expect(() => rollout(c, bg(c, { antiAffinity: AntiAffinity.preferred(101) }))).toThrow(/blueGreen antiAffinity weight must be a whole number from 1 to 100; got 101/);
  });

  test('fails when autoPromotionDelay is not whole seconds', () => {
    const c = chart();
    expect(() => rollout(c, bg(c, { autoPromotionDelay: Duration.millis(1500) }))).toThrow(/blueGreen autoPromotionDelay must be a whole number of seconds; got 1500ms/);
  });

  test('fails at synth when a promotion analysis runs indefinitely (upstream reference checks)', () => {
    const c = chart();
    const forever = new AnalysisTemplate(c, 'forever', {
      metrics: [Metric.prometheus({ name: 'rate', address: 'http://prom:9090', query: 'vector(1)', successCondition: 'result[0] == 1', interval: Duration.minutes(1) })],
    });
    rollout(c, bg(c, { prePromotionAnalysis: { templates: [forever] } }));
    expect(() => synthApp(c)).toThrow(/blueGreen prePromotionAnalysis: .*AnalysisTemplate "forever" has metric "rate" with an interval and no count/);
  });
});

describe('Rollout: cross-object rules (upstream reference checks, and more)', () => {
  test('selects the Rollout pods in an unselected stable/canary Service', () => {
    const c = chart();
    const r = albCanary(c, [Step.setWeight(10)]);
    const m = synthValidated(c);
    expect(r.managedRoutes).toEqual([]);
    for (const name of ['checkout-stable', 'checkout-canary', 'checkout-root']) {
      expect(findManifest(m, 'Service', name).spec.selector).toEqual({ 'app.kubernetes.io/name': 'checkout' });
    }
    expect(() => synthApp(c)).not.toThrow();
  });

  test('fails when a Service selects a label the pods do not have (upstream reference checks)', () => {
    const c = chart();
    const s = albSetup(c);
    const other = new kplus.Deployment(c, 'other', { containers: containers() });
    s.stable.select(other);
    const r = rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80, rootServiceName: 'checkout-root' } },
    }));
    s.root.select(r);
    expect(() => synthApp(c)).toThrow(/Service "checkout-stable" selects cdk8s.io\/metadata.addr=.*, but the Rollout's pods have no label cdk8s.io\/metadata.addr/);
  });

  test('fails when a Service selects a label key the pods lack (upstream reference checks)', () => {
    const c = chart();
    const stable = service(c, 'checkout-stable');
    stable.selectLabel('app', 'checkout');
    rollout(c, RolloutStrategy.canary({ stableService: stable, canaryService: service(c, 'checkout-canary') }));
    expect(() => synthApp(c)).toThrow(/Service "checkout-stable" selects app=checkout, but the Rollout's pods have no label app; got \{"app":"checkout"\}; select the Rollout's pods/);
  });

  test('fails when a Service selects the pod-template hash label (not checked upstream)', () => {
    const c = chart();
    const stable = service(c, 'checkout-stable');
    const r = rollout(c, RolloutStrategy.canary({ stableService: stable, canaryService: service(c, 'checkout-canary') }));
    stable.selectLabel('rollouts-pod-template-hash', 'abc123');
    void r;
    expect(() => synthApp(c)).toThrow(/Service "checkout-stable" selects rollouts-pod-template-hash, which the controller sets at runtime; got \{.*"rollouts-pod-template-hash":.*\}; remove it from the selector/);
  });

  test('fails when ALB servicePort is not a port of a switched Service (not checked upstream)', () => {
    const c = chart();
    albCanary(c, [Step.setWeight(10)], {}, { servicePort: 8080 });
    expect(() => synthApp(c)).toThrow(/\[test\/checkout\] ALB servicePort 8080 is not a port of Service "checkout-stable"; got \[80\]; give one of the Service's ports/);
  });

  test('fails when the Ingress is in another namespace than the Rollout (upstream reference checks)', () => {
    const app = new App();
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    const ingress = new AlbIngress(edge, 'ingress', { name: 'checkout' });
    const r = rollout(c, RolloutStrategy.canary({
      stableService: service(c, 'checkout-stable'),
      canaryService: service(c, 'checkout-canary'),
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80 } },
    }));
    void r;
    expect(() => app.synthYaml()).toThrow(/Ingress "checkout" is in another namespace than the Rollout \("shop"\); the controller looks it up in the Rollout's namespace; got "edge"; put it in the Rollout's chart namespace/);
  });

  test('fails when two Rollouts share a Service (upstream reference checks)', () => {
    const c = chart();
    const stable = service(c, 'shared-stable');
    rollout(c, RolloutStrategy.canary({ stableService: stable, canaryService: service(c, 'a-canary') }), {}, 'a');
    rollout(c, RolloutStrategy.canary({ stableService: stable, canaryService: service(c, 'b-canary') }), {}, 'b');
    expect(() => synthApp(c)).toThrow(/Service "shared-stable" is also used by the Rollout at test\/a \(the controller points a Service at one Rollout only\); got "shared-stable"; give each Rollout its own Services/);
  });
});

describe('Rollout: runtimeOwnedFields()', () => {
  const svcRecord = (name: string) => ({
    group: '',
    kind: 'Service',
    name,
    namespace: 'shop',
    jsonPointers: ['/spec/selector/rollouts-pod-template-hash'],
    reason: 'the Rollout checkout points the Service at a ReplicaSet by adding the pod-template hash to its selector',
  });

  test('basic canary without Services owns nothing', () => {
    const c = chart();
    expect(rollout(c, basic()).runtimeOwnedFields()).toEqual([]);
  });

  test('ALB without header routes: Services and the action annotation', () => {
    const c = chart();
    const r = albCanary(c, [Step.setWeight(10)]);
    expect(r.runtimeOwnedFields()).toEqual([
      svcRecord('checkout-stable'),
      svcRecord('checkout-canary'),
      {
        group: 'networking.k8s.io',
        kind: 'Ingress',
        name: 'checkout',
        namespace: 'shop',
        jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'],
        jqPathExpressions: undefined,
        reason: 'the Rollout checkout rewrites the weighted action',
      },
    ]);
  });

  test('ALB with a header route: also the inserted path (its annotations are not in Git, so never drift)', () => {
    const c = chart();
    const r = albCanary(c, [
      Step.setCanaryScale({ replicas: 1 }),
      Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('X-Canary', 'true')]),
      Step.pause(),
      Step.setWeight(25),
      Step.removeHeaderRoute('canary-hdr'),
    ]);
    const ingress = r.runtimeOwnedFields().find(f => f.kind === 'Ingress');
    expect(ingress).toEqual({
      group: 'networking.k8s.io',
      kind: 'Ingress',
      name: 'checkout',
      namespace: 'shop',
      jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'],
      jqPathExpressions: ['.spec.rules[]?.http.paths[]? | select(.backend.service.name == "canary-hdr")'],
      reason: 'the Rollout checkout rewrites the weighted action and inserts header-route paths',
    });
  });

  test('ALB ping-pong: ping and pong Services and the root action', () => {
    const c = chart();
    const ping = service(c, 'checkout-ping');
    const pong = service(c, 'checkout-pong');
    const ingress = new AlbIngress(c, 'ingress', { name: 'checkout' });
    const r = rollout(c, RolloutStrategy.canary({
      pingPong: { pingService: ping, pongService: pong },
      trafficRouting: { alb: { ingresses: [ingress], servicePort: 80, rootServiceName: 'checkout-root' } },
      scaleDownDelay: Duration.seconds(30),
      steps: [Step.setWeight(10), Step.pause()],
    }));
    expect(r.runtimeOwnedFields()).toEqual([
      svcRecord('checkout-ping'),
      svcRecord('checkout-pong'),
      {
        group: 'networking.k8s.io',
        kind: 'Ingress',
        name: 'checkout',
        namespace: 'shop',
        jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'],
        jqPathExpressions: undefined,
        reason: 'the Rollout checkout rewrites the weighted action',
        unsafeToReset: 'with ping-pong the Git weights send all traffic to ping, which every second release holds the previous, scaled-down pods',
      },
    ]);
    synthValidated(c);
  });

  test('Istio host-level with header and mirror routes: weights and select-by-name routes', () => {
    const c = chart();
    const r = istioCanary(c, [
      Step.setCanaryScale({ weight: 20 }),
      Step.setHeaderRoute('hdr', [HeaderMatch.prefix('x-canary', 'beta')]),
      Step.setMirrorRoute({ name: 'mirror', percentage: 30, matches: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/api') }] }),
      Step.pause(Duration.minutes(10)),
      Step.setWeight(10),
    ]);
    expect(r.runtimeOwnedFields()).toEqual([
      svcRecord('checkout-stable'),
      svcRecord('checkout-canary'),
      {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: 'checkout',
        namespace: 'shop',
        jqPathExpressions: [
          '.spec.http[]?.route[]?.weight',
          '.spec.http[]? | select(.name == "hdr")',
          '.spec.http[]? | select(.name == "mirror")',
        ],
        reason: 'the Rollout checkout rewrites the route weights and adds its managed header/mirror routes',
      },
    ]);
  });

  test('Istio subset-level: weights and the DestinationRule hash labels, no Services', () => {
    const c = chart();
    const { rollout: r } = istioSubsetCanary(c, [Step.setWeight(5), Step.pause(Duration.minutes(10))]);
    expect(r.runtimeOwnedFields()).toEqual([
      {
        group: 'networking.istio.io',
        kind: 'VirtualService',
        name: 'checkout',
        namespace: 'shop',
        jqPathExpressions: ['.spec.http[]?.route[]?.weight'],
        reason: 'the Rollout checkout rewrites the route weights',
      },
      {
        group: 'networking.istio.io',
        kind: 'DestinationRule',
        name: 'checkout',
        namespace: 'shop',
        jqPathExpressions: ['.spec.subsets[]?.labels."rollouts-pod-template-hash"'],
        reason: 'the Rollout checkout adds the pod-template hash to the stable and canary subsets',
      },
    ]);
  });

  test('HPA: the autoscaler owns spec.replicas, which is no longer rendered', () => {
    const c = chart();
    const r = new Rollout(c, 'checkout', { containers: containers(), strategy: basic() });
    const hpa = new kplus.HorizontalPodAutoscaler(c, 'hpa', { target: r, maxReplicas: 10, minReplicas: 2 });
    expect(r.hasAutoscaler).toBe(true);
    expect(r.runtimeOwnedFields()).toEqual([{
      group: 'argoproj.io',
      kind: 'Rollout',
      name: 'checkout',
      namespace: 'shop',
      jsonPointers: ['/spec/replicas'],
      reason: 'an autoscaler sets the Rollout\'s replicas',
    }]);
    const m = synthValidated(c);
    expect(findManifest(m, 'Rollout').spec.replicas).toBeUndefined();
    expect(findManifest(m, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'checkout' });
    void hpa;
  });

  test('workloadRef with scaleDown: the Rollout owns the Deployment replicas', () => {
    const c = chart();
    const deployment = new kplus.Deployment(c, 'legacy', { metadata: { name: 'legacy' }, containers: containers() });
    const r = new Rollout(c, 'checkout', {
      workloadRef: WorkloadRef.deployment(deployment, { scaleDown: WorkloadRefScaleDown.ON_SUCCESS }),
      strategy: basic(),
    });
    expect(r.runtimeOwnedFields()).toEqual([{
      group: 'apps',
      kind: 'Deployment',
      name: 'legacy',
      namespace: 'shop',
      jsonPointers: ['/spec/replicas'],
      reason: 'the Rollout checkout scales the referenced Deployment down (workloadRef.scaleDown onsuccess)',
      unsafeToReset: 'a sync scales the Deployment back up, and the controller scales it down only once, so capacity stays doubled',
    }]);
    const spec = findManifest(synthValidated(c), 'Rollout').spec;
    expect(spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'legacy', scaleDown: 'onsuccess' });
    expect(spec.selector.matchLabels).toEqual(deployment.matchLabels);
  });

  test('workloadRef with scaleDown never: nothing owned', () => {
    const c = chart();
    const r = new Rollout(c, 'checkout', { workloadRef: WorkloadRef.deploymentName('legacy', { scaleDown: WorkloadRefScaleDown.NEVER }), strategy: basic() });
    expect(r.runtimeOwnedFields()).toEqual([]);
  });
});

describe('Rollout: snapshots', () => {
  test('canary with every step kind, Istio routing', () => {
    const c = chart();
    const t = successRate(c);
    istioCanary(c, [
      Step.setCanaryScale({ weight: 10 }),
      Step.setHeaderRoute('canary-hdr', [HeaderMatch.exact('x-canary', 'true'), HeaderMatch.regex('user-agent', '.*Chrome.*')]),
      Step.setMirrorRoute({ name: 'canary-mirror', percentage: 30, matches: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/api'), headers: { 'x-b': StringMatch.exact('1'), 'x-a': StringMatch.prefix('v') } }] }),
      Step.pause(Duration.minutes(5)),
      Step.setWeight(10),
      Step.analysis({ templates: [t], args: [AnalysisArgument.podTemplateHash('canary-hash', PodTemplateHash.LATEST)] }),
      Step.experiment({
        duration: Duration.minutes(10),
        templates: [
          { name: 'baseline', specRef: ExperimentSpecRef.STABLE, replicas: 1 },
          { name: 'candidate', specRef: ExperimentSpecRef.CANARY, replicas: 1, weight: 5, serviceName: 'checkout-candidate' },
        ],
        analyses: [{ name: 'compare', template: t, requiredForCompletion: true }],
      }),
      Step.plugin('acme/notify', { channel: '#releases' }),
      Step.removeHeaderRoute('canary-hdr'),
      Step.removeMirrorRoute('canary-mirror'),
      Step.pause(),
      Step.setCanaryScale({ matchTrafficWeight: true }),
      Step.setWeight(50),
    ]);
    expect(synthValidated(c)).toMatchSnapshot();
  });

  test('blue-green with pre- and post-promotion analysis', () => {
    const c = chart();
    const t = successRate(c);
    rollout(c, RolloutStrategy.blueGreen({
      activeService: service(c, 'checkout-active'),
      previewService: service(c, 'checkout-preview'),
      autoPromotionEnabled: false,
      previewReplicaCount: 2,
      scaleDownDelay: Duration.seconds(60),
      prePromotionAnalysis: { templates: [t], args: [AnalysisArgument.value('service', 'checkout-preview')] },
      postPromotionAnalysis: { templates: [t], args: [AnalysisArgument.value('service', 'checkout-active')] },
      antiAffinity: AntiAffinity.preferred(50),
      previewMetadata: { labels: { role: 'preview' } },
    }));
    const m = synthValidated(c);
    expect(findManifest(m, 'Rollout').spec.strategy.blueGreen).toMatchObject({
      activeService: 'checkout-active',
      previewService: 'checkout-preview',
      prePromotionAnalysis: { templates: [{ templateName: 'success-rate' }] },
      postPromotionAnalysis: { templates: [{ templateName: 'success-rate' }] },
    });
    expect(m).toMatchSnapshot();
  });
});

describe('Rollout: durations', () => {
  test('fails when minReady is not whole seconds', () => {
    expect(() => rollout(chart(), basic(), { minReady: Duration.millis(2500) })).toThrow(/minReady must be a whole number of seconds; got 2500ms/);
  });

  test('fails when progressDeadline is not whole seconds', () => {
    expect(() => rollout(chart(), basic(), { progressDeadline: Duration.millis(600500) })).toThrow(/progressDeadline must be a whole number of seconds; got 600500ms/);
  });

  test('fails when an HPA targets a Rollout with a fixed replica count (cdk8s-plus rule)', () => {
    const c = chart();
    const r = rollout(c, basic(), { replicas: 4 });
    new kplus.HorizontalPodAutoscaler(c, 'hpa', { target: r, maxReplicas: 10 });
    expect(() => synthApp(c)).toThrow(/HorizontalPodAutoscaler target cannot have a fixed number of replicas \(4\)/);
  });
});

describe('Rollout: pod template and namespaces (ValidateRollout, upstream reference checks)', () => {
  test('writes the pod template\'s quantities in the canonical form Argo CD normalises them to (argo-cd#23283)', () => {
    const c = chart();
    new Rollout(c, 'checkout', {
      strategy: basic(),
      containers: [{
        name: 'main',
        image: 'ghcr.io/acme/checkout:1.4.2',
        portNumber: 8080,
        // cdk8s-plus writes these as 2000m and 3072Mi (and its defaults as 1000m and 2048Mi)
        resources: { cpu: { request: kplus.Cpu.millis(2000) }, memory: { limit: cdk8sSize.gibibytes(3) } },
      }],
      volumes: [kplus.Volume.fromEmptyDir(c, 'scratch', 'scratch', { sizeLimit: cdk8sSize.mebibytes(1024) })],
    });
    const spec = findManifest(synthValidated(c), 'Rollout').spec.template.spec;
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '2' }, limits: { memory: '3Gi' } });
    expect(spec.volumes[0].emptyDir).toEqual({ sizeLimit: '1Gi' });
  });

  test('fails when restartPolicy is not Always (ValidateRollout)', () => {
    expect(() => rollout(chart(), basic(), { restartPolicy: kplus.RestartPolicy.NEVER }))
      .toThrow(/restartPolicy must be Always for a Rollout's pods \(the controller validates the template as a ReplicaSet's\); got Never/);
  });

  test('accepts restartPolicy Always', () => {
    const c = chart();
    rollout(c, basic(), { restartPolicy: kplus.RestartPolicy.ALWAYS });
    expect(findManifest(synthValidated(c), 'Rollout').spec.template.spec.restartPolicy).toEqual('Always');
  });

  test('fails when a Service is in another namespace than the Rollout (upstream reference checks)', () => {
    const app = new App();
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    const other = new Chart(app, 'other', { namespace: 'other' });
    rollout(c, RolloutStrategy.canary({ stableService: service(other, 'checkout-stable'), canaryService: service(c, 'checkout-canary') }));
    expect(() => app.synthYaml()).toThrow(/Service "checkout-stable" is in another namespace than the Rollout \("shop"\).*; got "other"/);
  });

  test('fails when a VirtualService or DestinationRule is in another namespace than the Rollout (upstream reference checks)', () => {
    const app = new App();
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    const mesh = new Chart(app, 'mesh', { namespace: 'mesh' });
    const vs = new IstioVirtualService(mesh, 'vs', { name: 'checkout', hosts: ['checkout'] });
    const dr = new IstioDestinationRule(mesh, 'dr', { name: 'checkout', host: 'checkout' });
    rollout(c, RolloutStrategy.canary({ trafficRouting: { istio: { virtualServices: [vs], destinationRule: dr } } }));
    expect(() => app.synthYaml()).toThrow(/VirtualService "checkout" is in another namespace than the Rollout \("shop"\).*; got "mesh"[\s\S]*DestinationRule "checkout" is in another namespace than the Rollout .*; got "mesh"/);
  });
});

describe('Rollout: ALB target type', () => {
  test('AlbIngress renders ip targets by default, which reach ClusterIP Services', () => {
    const c = new Chart(new App(), 'shop', { namespace: 'shop' });
    const stable = new kplus.Service(c, 'stable', { metadata: { name: 'checkout-stable' }, ports: [{ port: 80, targetPort: 8080 }] });
    const canary = new kplus.Service(c, 'canary', { metadata: { name: 'checkout-canary' }, ports: [{ port: 80, targetPort: 8080 }] });
    const ingress = new AlbIngress(c, 'checkout');
    new Rollout(c, 'rollout', {
      metadata: { name: 'checkout' },
      containers: [{ image: 'nginx', portNumber: 8080 }],
      strategy: RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: { alb: { ingresses: [ingress], servicePort: 80 } },
      }),
    });
    expect(findManifest(synthValidated(c), 'Ingress').metadata.annotations['alb.ingress.kubernetes.io/target-type']).toEqual('ip');
  });

  test('fails when instance targets meet a ClusterIP Service', () => {
    const c = new Chart(new App(), 'shop', { namespace: 'shop' });
    const stable = new kplus.Service(c, 'stable', { metadata: { name: 'checkout-stable' }, ports: [{ port: 80, targetPort: 8080 }] });
    const canary = new kplus.Service(c, 'canary', { metadata: { name: 'checkout-canary' }, type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80, targetPort: 8080 }] });
    const ingress = new AlbIngress(c, 'checkout', { targetType: AlbTargetType.INSTANCE });
    new Rollout(c, 'rollout', {
      metadata: { name: 'checkout' },
      containers: [{ image: 'nginx', portNumber: 8080 }],
      strategy: RolloutStrategy.canary({
        stableService: stable,
        canaryService: canary,
        trafficRouting: { alb: { ingresses: [ingress], servicePort: 80 } },
      }),
    });
    expect(() => Testing.synth(c)).toThrow(/Service "checkout-stable" must be NodePort or LoadBalancer: Ingress "checkout" uses instance targets \(targetType instance\), which reach pods through node ports only; got "ClusterIP"; set targetType: AlbTargetType.IP on the Ingress, or make the Service NodePort/);
  });
});

describe('fast rollback (rollbackWindow, scale-down revision limit, paused, restartAt)', () => {
  test('renders rollbackWindow, paused, restartAt and the canary scaleDownDelayRevisionLimit', () => {
    const c = chart();
    const s = albSetup(c);
    const r = rollout(c, RolloutStrategy.canary({
      stableService: s.stable,
      canaryService: s.canary,
      trafficRouting: { alb: { ingresses: [s.ingress], servicePort: 80, rootServiceName: 'checkout-root' } },
      steps: [Step.setWeight(20), Step.pause()],
      scaleDownDelay: Duration.minutes(10),
      scaleDownDelayRevisionLimit: 1,
    }), { rollbackWindow: { revisions: 2 }, paused: true, restartAt: new Date('2026-11-29T10:00:00.000Z') });
    s.root.select(r);
    const spec = findManifest(synthValidated(c), 'Rollout', 'checkout').spec;
    expect(spec.rollbackWindow).toEqual({ revisions: 2 });
    expect(spec.paused).toBe(true);
    expect(spec.restartAt).toEqual('2026-11-29T10:00:00Z');
    expect(spec.strategy.canary).toMatchObject({ scaleDownDelaySeconds: 600, scaleDownDelayRevisionLimit: 1 });
  });

  test.each([
    [{ rollbackWindow: { revisions: 0 } }, /rollbackWindow revisions must be from 1 to 2147483647 \(an int32 field\); got 0/],
    [{ rollbackWindow: { revisions: 12 } }, /rollbackWindow revisions is greater than revisionHistoryLimit 10.*; got 12; lower it or raise revisionHistoryLimit/],
    [{ restartAt: new Date('not a date') }, /restartAt must be a valid Date; got Invalid Date/],
  ])('fails on %j', (extra, message) => {
    const c = chart();
    expect(() => rollout(c, basic(), extra)).toThrow(message);
  });

  test('fails when scaleDownDelayRevisionLimit has no traffic routing to keep old versions warm for', () => {
    const c = chart();
    expect(() => rollout(c, RolloutStrategy.canary({ steps: [Step.setWeight(20)], scaleDownDelayRevisionLimit: 1 })))
      .toThrow(/canary scaleDownDelayRevisionLimit only works with trafficRouting .*; got 1/);
  });
});
