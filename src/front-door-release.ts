import { Duration } from 'cdk8s';
import { RolloutNotification } from './rollout/notifications';
import { RollbackWindow } from './rollout/rollout';

/** Release settings every front door (`CanaryApp`, `BlueGreenApp`) passes to its Rollout. */
export interface FrontDoorReleaseOptions {
  /**
   * Roll back fast: a Git revert to one of the last `revisions` releases skips the steps while
   * that release still has pods (see docs/rollback.md).
   * @default - no window
   */
  readonly rollbackWindow?: RollbackWindow;

  /**
   * How long an update may make no progress before it is marked as failed.
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;

  /**
   * Abort the update when the progress deadline passes, instead of waiting for a person.
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;

  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;

  /**
   * Old ReplicaSets to keep for rollback.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;

  /**
   * Pause the Rollout where it is (commit `false` to resume under Argo CD auto-sync).
   * @default false
   */
  readonly paused?: boolean;

  /**
   * Restart every pod at this time.
   * @default - no restart
   */
  readonly restartAt?: Date;

  /**
   * Notification subscriptions of the Rollout (e.g. a Slack channel on `on-rollout-aborted`).
   * @default - none
   */
  readonly notifications?: RolloutNotification[];
}
