import { Testing } from 'cdk8s';
import { chart, service } from './fixtures';
import { Rollout } from '../../src/rollout/rollout';
import { Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { WorkloadRef } from '../../src/rollout/workload-ref';
import { findManifest, synthValidated } from '../helpers/synth';

/** Workload references (workload-ref.ts), seen through the Rollout that uses them. */
const basic = () => RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.pause()] });

describe('WorkloadRef', () => {
  test('a ReplicaSet reference renders its labels as the selector and no scaleDown', () => {
    const c = chart();
    new Rollout(c, 'checkout', { workloadRef: WorkloadRef.replicaSetName('legacy-rs', { app: 'legacy' }), strategy: basic() });
    const spec = findManifest(synthValidated(c), 'Rollout').spec;
    expect(spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'legacy-rs' });
    expect(spec.selector).toEqual({ matchLabels: { app: 'legacy' } });
  });

  test('a PodTemplate reference without labels renders no selector (the controller takes it from the workload)', () => {
    const c = chart();
    new Rollout(c, 'checkout', { workloadRef: WorkloadRef.podTemplateName('legacy-pt'), strategy: basic() });
    const spec = findManifest(Testing.synth(c), 'Rollout').spec;
    expect(spec.workloadRef).toEqual({ apiVersion: 'v1', kind: 'PodTemplate', name: 'legacy-pt' });
    expect(spec.selector).toBeUndefined();
  });

  test('fails at synth when a Service selects a label the referenced workload\'s pods lack', () => {
    const c = chart();
    const stable = service(c, 'checkout-stable');
    const canary = service(c, 'checkout-canary');
    stable.selectLabel('tier', 'web');
    canary.selectLabel('app', 'legacy');
    new Rollout(c, 'checkout', {
      workloadRef: WorkloadRef.deploymentName('legacy', { matchLabels: { app: 'legacy' } }),
      strategy: RolloutStrategy.canary({ stableService: stable, canaryService: canary, steps: [Step.setWeight(20)] }),
    });
    expect(() => Testing.synth(c)).toThrow(/Service "checkout-stable" selects tier=web, but the Rollout's pods have no label tier/);
  });

  test('does not check Service selectors when the referenced workload\'s labels are unknown', () => {
    const c = chart();
    const stable = service(c, 'checkout-stable');
    const canary = service(c, 'checkout-canary');
    stable.selectLabel('tier', 'web');
    canary.selectLabel('tier', 'web');
    new Rollout(c, 'checkout', {
      workloadRef: WorkloadRef.deploymentName('legacy'),
      strategy: RolloutStrategy.canary({ stableService: stable, canaryService: canary, steps: [Step.setWeight(20)] }),
    });
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('fails at synth when a Service has no selector and the referenced workload\'s labels are unknown', () => {
    const c = chart();
    new Rollout(c, 'checkout', {
      workloadRef: WorkloadRef.deploymentName('legacy'),
      strategy: RolloutStrategy.canary({ stableService: service(c, 'checkout-stable'), canaryService: service(c, 'checkout-canary'), steps: [Step.setWeight(20)] }),
    });
    expect(() => Testing.synth(c)).toThrow(/Service "checkout-stable" has no selector; got \{\}; select the Rollout's pods/);
  });
});
