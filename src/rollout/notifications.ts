import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../private/problems';

/** The subscriptions of each Rollout, for the controller's checks. */
const SUBSCRIPTIONS = new WeakMap<IConstruct, RolloutNotification[]>();

/** The annotation prefix the Argo Rollouts controller reads subscriptions from. */
const SUBSCRIBE = 'notifications.argoproj.io/subscribe';
/** A trigger or service name as it may appear in the annotation key (one DNS-like segment). */
const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?$/;

/**
 * A trigger a Rollout can subscribe to: one of the controller's event triggers, or a trigger
 * defined in the controller's notification settings.
 */
export class RolloutNotificationTrigger {
  /** The Rollout finished an update and is healthy. */
  public static readonly ROLLOUT_COMPLETED = new RolloutNotificationTrigger('on-rollout-completed', true);
  /** The update was aborted (by analysis, the progress deadline, or by hand). */
  public static readonly ROLLOUT_ABORTED = new RolloutNotificationTrigger('on-rollout-aborted', true);
  /** The Rollout paused (a pause step, or by hand). */
  public static readonly ROLLOUT_PAUSED = new RolloutNotificationTrigger('on-rollout-paused', true);
  /** A canary step completed. */
  public static readonly ROLLOUT_STEP_COMPLETED = new RolloutNotificationTrigger('on-rollout-step-completed', true);
  /** The pod template changed: an update started. */
  public static readonly ROLLOUT_UPDATED = new RolloutNotificationTrigger('on-rollout-updated', true);
  /** A ReplicaSet of the Rollout was scaled. */
  public static readonly SCALING_REPLICA_SET = new RolloutNotificationTrigger('on-scaling-replica-set', true);
  /** An analysis run started. */
  public static readonly ANALYSIS_RUN_RUNNING = new RolloutNotificationTrigger('on-analysis-run-running', true);
  /** An analysis run failed (the metrics said no). */
  public static readonly ANALYSIS_RUN_FAILED = new RolloutNotificationTrigger('on-analysis-run-failed', true);
  /** An analysis run errored (the metrics could not be measured). */
  public static readonly ANALYSIS_RUN_ERROR = new RolloutNotificationTrigger('on-analysis-run-error', true);

  /**
   * A trigger defined in the controller's notification settings by a condition
   * (`RolloutsController` `notifications.triggers`).
   * @param name the trigger's name, e.g. 'on-purple'
   */
  public static custom(name: string): RolloutNotificationTrigger {
    if (!NAME.test(name)) {
      fail('RolloutNotificationTrigger.custom', 'name is not a trigger name', name, 'use letters, digits, \'-\' and \'_\', e.g. "on-slow-canary"');
    }
    return new RolloutNotificationTrigger(name, false);
  }

  /**
   * @param name the trigger's name in the annotation key and the controller's ConfigMap
   * @param builtin whether the controller fires it on one of its events (no condition needed)
   */
  private constructor(public readonly name: string, public readonly builtin: boolean) {}
}

/**
 * One subscription of a Rollout: when `trigger` fires, the controller sends to `recipients`
 * through the notification service `service`. Rendered as the Rollout annotation
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>`.
 */
export class RolloutNotification {
  /**
   * Writes the subscriptions as annotations of `object` (a Rollout's); throws when two give the
   * same trigger and service. Remembers them for the controller's checks.
   * @internal
   */
  public static _apply(owner: IConstruct, object: ApiObject, notifications: RolloutNotification[] | undefined): void {
    if (!notifications || notifications.length === 0) return;
    const seen = new Set<string>();
    for (const n of notifications) {
      if (seen.has(n.annotationKey)) {
        fail(owner, `notifications subscribe ${n.trigger.name} through "${n.service}" twice`, 'give all recipients of one trigger and service in one RolloutNotification');
      }
      seen.add(n.annotationKey);
      object.metadata.addAnnotation(n.annotationKey, n.annotationValue);
    }
    SUBSCRIPTIONS.set(owner, [...notifications]);
  }

  /**
   * The subscriptions of a Rollout.
   * @internal
   */
  public static _of(owner: IConstruct): RolloutNotification[] {
    return SUBSCRIPTIONS.get(owner) ?? [];
  }

  /** Slack channels (names or ids) through the controller's `slack` service. */
  public static slack(trigger: RolloutNotificationTrigger, channels: string[]): RolloutNotification {
    return RolloutNotification.to(trigger, 'slack', channels);
  }

  /** E-mail addresses through the controller's `email` service. */
  public static email(trigger: RolloutNotificationTrigger, addresses: string[]): RolloutNotification {
    return RolloutNotification.to(trigger, 'email', addresses);
  }

  /** A webhook service of the controller (`service.webhook.<name>`), which has no recipients. */
  public static webhook(trigger: RolloutNotificationTrigger, webhookName: string): RolloutNotification {
    return RolloutNotification.to(trigger, webhookName, []);
  }

  /**
   * Any notification service of the controller, by the name it is configured under
   * (`service.<type>` is named `<type>`, `service.<type>.<name>` is named `<name>`).
   * @param recipients what the service takes (channels, addresses, ...); may be empty
   */
  public static to(trigger: RolloutNotificationTrigger, service: string, recipients: string[]): RolloutNotification {
    // jsii callers are not type-checked: a trigger left out or a single string would render garbage
    if (!(trigger instanceof RolloutNotificationTrigger)) {
      fail('RolloutNotification', 'trigger is not a RolloutNotificationTrigger', trigger,
        'use one of its constants, e.g. RolloutNotificationTrigger.ROLLOUT_ABORTED, or RolloutNotificationTrigger.custom(name)');
    }
    if (!Array.isArray(recipients)) {
      fail('RolloutNotification', `recipients for ${trigger.name}/${service} must be a list`, recipients, 'give e.g. ["releases"]');
    }
    if (!NAME.test(service)) {
      fail('RolloutNotification', 'service is not a service name', service, 'use the name the controller\'s notification settings give it, e.g. "slack"');
    }
    for (const r of recipients) {
      if (r === '' || r.includes(';') || /[\r\n]/.test(r)) {
        fail('RolloutNotification', `a recipient for ${trigger.name}/${service} is empty or contains ';' or a line break`, r, 'give each recipient as its own list entry');
      }
    }
    return new RolloutNotification(trigger, service, [...recipients]);
  }

  private constructor(
    /** The trigger. */
    public readonly trigger: RolloutNotificationTrigger,
    /** The notification service name. */
    public readonly service: string,
    /** The recipients. */
    public readonly recipients: string[]) {}

  /** The annotation key, `notifications.argoproj.io/subscribe.<trigger>.<service>`. */
  public get annotationKey(): string {
    return `${SUBSCRIBE}.${this.trigger.name}.${this.service}`;
  }

  /** The annotation value: the recipients joined by ';'. */
  public get annotationValue(): string {
    return this.recipients.join(';');
  }
}
