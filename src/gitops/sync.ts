import { Duration } from 'cdk8s';

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
      throw new Error(`sync option "${value}" is not of the form Key=value without spaces (Argo CD matches the exact string), e.g. "ClientSideApplyMigration=false"`);
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
 * What the Application does about ignored fields inside list elements (Istio route weights,
 * managed routes, DestinationRule subset labels, ALB header-route paths).
 *
 * When Argo CD syncs an object with `RespectIgnoreDifferences=true`, it copies the live value of
 * the ignored fields into what it applies. For a list without a merge key (every Istio list, and
 * every list of a CRD applied as a JSON merge patch) it can only copy the **whole live list**, so
 * a Git edit elsewhere in that list is not applied and the object stays OutOfSync until the
 * Rollout is fully promoted and the list is changed again (argo-cd#23283, #26588).
 * Without it, a sync that applies the object writes the Git weights (100/0) and drops managed
 * routes; the Rollouts controller, which watches these objects, writes them back at once. The
 * Argo Rollouts docs call this "momentary flapping".
 */
export enum ListElementIgnorePolicy {
  /**
   * Add `RespectIgnoreDifferences=true` and `ApplyOutOfSyncOnly=true`: live weights and routes
   * are never overwritten by a sync, and an object that differs only in ignored fields is not
   * re-applied; Git edits to the same list wait until the list is no longer changed by the
   * controller (or are forced by a manual sync without these options).
   */
  KEEP_LIVE_LISTS = 'keep-live-lists',
  /**
   * Add neither option: every sync of the object applies Git as is, and the controller restores
   * its weights and routes right after (momentary flapping, visible as a short traffic shift
   * back to stable during a canary). Git edits to routes always land.
   */
  ACCEPT_FLAPPING = 'accept-flapping',
}
