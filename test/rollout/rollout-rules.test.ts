import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart, rollout } from './fixtures';
import { Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';

/** The Rollout's own rules (rollout-rules.ts): the spec at construction, its selector at synth. */
const basic = () => RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.pause()] });

describe('Rollout spec rules', () => {
  test('fails when revisionHistoryLimit exceeds the int32 range', () => {
    expect(() => rollout(chart(), basic(), { revisionHistoryLimit: 2147483648 }))
      .toThrow(/revisionHistoryLimit must be at most 2147483647 \(an int32 field\); got 2147483648; lower it/);
  });

  test('fails when an init container has an empty image', () => {
    expect(() => rollout(chart(), basic(), { initContainers: [{ name: 'migrate', image: ' ' }] }))
      .toThrow(/container "migrate" has an empty image; got " "; give an image reference such as "ghcr.io\/acme\/app:1.0"/);
  });
});

describe('Rollout selector rules (at synth)', () => {
  test('fails when a NotIn expression excludes the pod template\'s own label', () => {
    const c = chart();
    const r = rollout(c, basic());
    r.podMetadata.addLabel('tier', 'web');
    r.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.notIn('tier', ['web'])] }));
    expect(() => Testing.synth(c)).toThrow(/the Rollout's selector expression tier NotIn \["web"\] does not match its pod template, which has tier=web/);
  });

  test('accepts a NotIn expression when the pods lack the label', () => {
    const c = chart();
    const r = rollout(c, basic());
    r.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.notIn('tier', ['web'])] }));
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('fails when a DoesNotExist expression names a label the pods have', () => {
    const c = chart();
    const r = rollout(c, basic());
    r.podMetadata.addLabel('legacy', 'yes');
    r.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.doesNotExist('legacy')] }));
    expect(() => Testing.synth(c)).toThrow(/the Rollout's selector expression legacy DoesNotExist \[\] does not match its pod template, which has legacy=yes/);
  });

  test('fails when an Exists expression names a label the pods lack, until the label is added', () => {
    const c = chart();
    const r = rollout(c, basic());
    r.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.exists('tier')] }));
    expect(() => Testing.synth(c)).toThrow(/the Rollout's selector expression tier Exists \[\] does not match its pod template, which has no label tier/);
    r.podMetadata.addLabel('tier', 'web');
    expect(() => Testing.synth(c)).not.toThrow();
  });
});
