import { Duration } from 'cdk8s';
import { albCanary, chart, istioCanary, successRate } from './fixtures';
import { AnalysisArgument } from '../../src/analysis/analysis-run';
import { ExperimentSpecRef } from '../../src/rollout/experiment';
import { Step } from '../../src/rollout/step';
import { findManifest, synthValidated } from '../helpers/synth';

/** Experiment steps (experiment.ts): what a Rollout renders for them. */
describe('experiment steps', () => {
  test('renders templates with specRef, replicas, weight and the named Service', () => {
    const c = chart();
    albCanary(c, [Step.experiment({
      duration: Duration.minutes(10),
      templates: [
        { name: 'baseline', specRef: ExperimentSpecRef.STABLE, replicas: 2 },
        { name: 'candidate', specRef: ExperimentSpecRef.CANARY, weight: 5, serviceName: 'checkout-candidate' },
      ],
    })]);
    const step = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.steps[0];
    expect(step).toEqual({
      experiment: {
        duration: '10m',
        templates: [
          { name: 'baseline', specRef: 'stable', replicas: 2 },
          { name: 'candidate', specRef: 'canary', weight: 5, service: { name: 'checkout-candidate' } },
        ],
      },
    });
  });

  test('renders analyses by template name with their args and requiredForCompletion', () => {
    const c = chart();
    const t = successRate(c);
    istioCanary(c, [Step.experiment({
      templates: [{ name: 'candidate', specRef: ExperimentSpecRef.CANARY }],
      analyses: [{ name: 'compare', template: t, args: [AnalysisArgument.value('service', 'checkout-canary')], requiredForCompletion: true }],
    })]);
    const step = findManifest(synthValidated(c), 'Rollout').spec.strategy.canary.steps[0];
    expect(step.experiment.duration).toBeUndefined();
    expect(step.experiment.analyses).toEqual([
      { name: 'compare', templateName: 'success-rate', args: [{ name: 'service', value: 'checkout-canary' }], requiredForCompletion: true },
    ]);
  });
});
