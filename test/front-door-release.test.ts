import { Chart, Duration, Testing } from 'cdk8s';
import { findManifest, synthValidated } from './helpers/synth';
import { BlueGreenApp } from '../src/blue-green-app';
import { CanaryApp } from '../src/canary-app';
import { FrontDoorReleaseOptions } from '../src/front-door-release';
import { RolloutNotification, RolloutNotificationTrigger } from '../src/rollout/notifications';

const IMAGE = 'ghcr.io/acme/checkout:1.0.0';
const RELEASE: FrontDoorReleaseOptions = {
  rollbackWindow: { revisions: 2 },
  progressDeadline: Duration.minutes(5),
  progressDeadlineAbort: true,
  minReady: Duration.seconds(10),
  revisionHistoryLimit: 3,
  paused: true,
  restartAt: new Date('2026-11-30T06:00:00Z'),
  notifications: [RolloutNotification.slack(RolloutNotificationTrigger.ROLLOUT_ABORTED, ['releases'])],
};

function rolloutOf(build: (c: Chart) => void): any {
  const chart = new Chart(Testing.app(), 'checkout', { namespace: 'shop' });
  build(chart);
  return findManifest(synthValidated(chart), 'Rollout');
}

describe('FrontDoorReleaseOptions', () => {
  test('CanaryApp and BlueGreenApp render the release settings into the same Rollout fields', () => {
    const canary = rolloutOf(c => new CanaryApp(c, 'checkout', { image: IMAGE, containerPort: 8080, ...RELEASE }));
    const blueGreen = rolloutOf(c => new BlueGreenApp(c, 'checkout', { image: IMAGE, containerPort: 8080, ...RELEASE }));
    for (const rollout of [canary, blueGreen]) {
      expect(rollout.spec).toMatchObject({
        rollbackWindow: { revisions: 2 },
        progressDeadlineSeconds: 300,
        progressDeadlineAbort: true,
        minReadySeconds: 10,
        revisionHistoryLimit: 3,
        paused: true,
        restartAt: '2026-11-30T06:00:00Z',
      });
      expect(rollout.metadata.annotations).toMatchObject({ 'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'releases' });
    }
  });
});
