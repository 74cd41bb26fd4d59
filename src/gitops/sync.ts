import { Duration } from 'cdk8s';
import { fail } from '../private/problems';

/**
 * An Argo CD sync option. Argo CD matches these strings exactly (case-sensitive, no trimming),
 * so the constants render the exact spelling it looks for.
 */
export class SyncOption {
  /** `RespectIgnoreDifferences=true`: a sync keeps the live value of every ignored field. */
  public static readonly RESPECT_IGNORE_DIFFERENCES = new SyncOption('RespectIgnoreDifferences=true');
  /** `ApplyOutOfSyncOnly=true`: a sync applies only the objects that differ after normalisation. */
  public static readonly APPLY_OUT_OF_SYNC_ONLY = new SyncOption('ApplyOutOfSyncOnly=true');
  /** `CreateNamespace=true`: create the destination namespace if it is missing. */
  public static readonly CREATE_NAMESPACE = new SyncOption('CreateNamespace=true');
  /** `PruneLast=true`: prune after every other object is synced and healthy. */
  public static readonly PRUNE_LAST = new SyncOption('PruneLast=true');
  /** `ServerSideApply=true`: apply with `kubectl apply --server-side --force-conflicts`. */
  public static readonly SERVER_SIDE_APPLY = new SyncOption('ServerSideApply=true');
  /** `Validate=false`: skip kubectl's schema validation. */
  public static readonly SKIP_VALIDATION = new SyncOption('Validate=false');
  /** `SkipDryRunOnMissingResource=true`: allow objects whose CRD is created in the same sync. */
  public static readonly SKIP_DRY_RUN_ON_MISSING_RESOURCE = new SyncOption('SkipDryRunOnMissingResource=true');
  /** `FailOnSharedResource=true`: fail when an object is already managed by another Application. */
  public static readonly FAIL_ON_SHARED_RESOURCE = new SyncOption('FailOnSharedResource=true');
  /** `Replace=true`: use `kubectl replace`/`create` instead of `apply`. */
  public static readonly REPLACE = new SyncOption('Replace=true');
  /** `PrunePropagationPolicy=foreground`. */
  public static readonly PRUNE_PROPAGATION_FOREGROUND = new SyncOption('PrunePropagationPolicy=foreground');
  /** `PrunePropagationPolicy=background`. */
  public static readonly PRUNE_PROPAGATION_BACKGROUND = new SyncOption('PrunePropagationPolicy=background');
  /** `PrunePropagationPolicy=orphan`. */
  public static readonly PRUNE_PROPAGATION_ORPHAN = new SyncOption('PrunePropagationPolicy=orphan');

  /**
   * Any other option, written `Key=value` exactly as Argo CD spells it.
   * @param value e.g. `ClientSideApplyMigration=false`
   */
  public static of(value: string): SyncOption {
    if (!/^[A-Z][A-Za-z]*=[A-Za-z]+$/.test(value)) {
      fail('SyncOption.of', 'sync option is not of the form Key=value without spaces (Argo CD matches the exact string)', value, 'write it as Argo CD spells it, e.g. "ClientSideApplyMigration=false"');
    }
    return new SyncOption(value);
  }

  private constructor(
    /** The string Argo CD matches. */
    public readonly value: string) {}
}

/** Automated sync settings. */
export interface AutomatedSync {
  /**
   * Delete objects that are no longer in Git.
   * @default false
   */
  readonly prune?: boolean;

  /**
   * Sync again when the live state drifts from Git without a new commit.
   * @default false
   */
  readonly selfHeal?: boolean;

  /**
   * Allow a sync that would leave the Application without any object.
   * @default false
   */
  readonly allowEmpty?: boolean;
}

/** How Argo CD retries a failed sync. */
export interface SyncRetry {
  /**
   * Maximum number of attempts; a negative number retries forever.
   * @default 5
   */
  readonly limit?: number;

  /**
   * Wait before the first retry.
   * @default Duration.seconds(5)
   */
  readonly backoffDuration?: Duration;

  /**
   * Factor the wait is multiplied by after each failed retry (an integer >= 1).
   * @default 2
   */
  readonly backoffFactor?: number;

  /**
   * Longest wait between retries.
   * @default Duration.minutes(3)
   */
  readonly backoffMaxDuration?: Duration;
}

/** Whether deleting the Application deletes the objects it deployed. */
export enum CascadeDelete {
  /** No resources finalizer: deleting the Application leaves its objects in place. */
  NONE = 'none',
  /** `resources-finalizer.argocd.argoproj.io`: cascade delete (foreground, Argo CD's default). */
  DEFAULT = 'default',
  /** `resources-finalizer.argocd.argoproj.io/foreground`. */
  FOREGROUND = 'foreground',
  /** `resources-finalizer.argocd.argoproj.io/background`. */
  BACKGROUND = 'background',
}

/**
 * What a sync does to the fields the Rollouts controller writes at runtime (route weights, the
 * ALB action, managed routes, DestinationRule subset labels, Service selectors, replicas).
 *
 * With `RespectIgnoreDifferences=true`, Argo CD copies the live value of every ignored field into
 * what it applies. For a map key (an annotation, a selector key, `spec.replicas`) that is exact.
 * For a field inside a list without a merge key (every Istio list, an Ingress's rules) it can
 * only copy the **whole live list**: as the controller's weights and labels are always there, a
 * Git edit elsewhere in `spec.http`, `spec.subsets` or `spec.rules` is never applied by an
 * automated sync and the object stays OutOfSync (argo-cd#23283, #26588) until a manual sync with
 * its own sync options (which replace the Application's) applies Git as is.
 * Without it, a sync that applies such an object writes the Git values back (100/0 weights, the
 * initial action, the Deployment's replicas) and drops managed routes; the controller, which
 * watches these objects, repairs weights and routes at once: the "momentary flapping" the Argo
 * Rollouts docs accept.
 */
export enum RuntimeFieldsSyncPolicy {
  /**
   * Add `RespectIgnoreDifferences=true` and `ApplyOutOfSyncOnly=true` whenever a deployed object
   * has fields the controller owns: a sync never overwrites them, and an object that differs only
   * in them is not re-applied. Git edits inside the lists the controller writes need a manual
   * sync (see above).
   */
  KEEP_LIVE_VALUES = 'keep-live-values',
  /**
   * Add neither option: every sync of the object applies Git as is, and the controller restores
   * its values right after (a short traffic shift back to stable during a canary). Git edits to
   * routes always land. Refused when a reset is not momentary (ping-pong weights or action, a
   * Deployment scaled down by `workloadRef`).
   */
  ACCEPT_FLAPPING = 'accept-flapping',
}
