import { Yaml } from 'cdk8s';
import { RolloutNotificationTrigger } from './notifications';
import { fail } from '../private/problems';

const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Options of a Slack notification service. */
export interface SlackServiceOptions {
  /** Key of the bot token in the `argo-rollouts-notification-secret` Secret (rendered `$<key>`). */
  readonly tokenSecretKey: string;

  /**
   * Name of the service, used in subscriptions (`service.slack.<name>`).
   * @default 'slack'
   */
  readonly name?: string;

  /**
   * Name the messages are posted under.
   * @default - the bot's name
   */
  readonly username?: string;
}

/** A header a webhook service sends. */
export interface WebhookHeader {
  /** Header name. */
  readonly name: string;
  /** Header value; `$<key>` reads a key of the `argo-rollouts-notification-secret` Secret. */
  readonly value: string;
}

/** Options of a webhook notification service. */
export interface WebhookServiceOptions {
  /** URL the controller posts to (http or https). */
  readonly url: string;

  /**
   * Headers sent with every request.
   * @default - none
   */
  readonly headers?: WebhookHeader[];
}

/**
 * A notification service of the controller (a `service.*` key of the
 * `argo-rollouts-notification-configmap`). Secrets stay out of Git: the configuration refers to
 * keys of the `argo-rollouts-notification-secret` Secret as `$<key>`.
 */
export class NotificationService {
  /** Slack, with the bot token read from the notification Secret. */
  public static slack(options: SlackServiceOptions): NotificationService {
    checkSecretKey('slack tokenSecretKey', options.tokenSecretKey);
    const config: { token: string; username?: string } = { token: `$${options.tokenSecretKey}` };
    if (options.username !== undefined) config.username = options.username;
    return new NotificationService('slack', options.name, Yaml.stringify(config), [options.tokenSecretKey]);
  }

  /** A webhook named `name` (`service.webhook.<name>`); subscriptions use `name` as the service. */
  public static webhook(name: string, options: WebhookServiceOptions): NotificationService {
    if (!/^https?:\/\/\S+$/.test(options.url)) {
      fail(`NotificationService.webhook "${name}"`, 'url is not an http(s) URL', options.url, 'give the full URL, e.g. "https://hooks.example.com/deploys"');
    }
    const headers = options.headers ?? [];
    const config: { url: string; headers?: Array<{ name: string; value: string }> } = { url: options.url };
    if (headers.length) config.headers = headers.map(h => ({ name: h.name, value: h.value }));
    return new NotificationService('webhook', name, Yaml.stringify(config), secretRefs(headers.map(h => h.value)));
  }

  /**
   * Any service the notifications engine knows (teams, opsgenie, pagerdutyv2, ...), with its
   * configuration as YAML text.
   * @param type the service type, e.g. 'teams'
   * @param config its configuration; `$<key>` reads a key of the notification Secret
   * @param name the service's name in subscriptions, when several of one type are configured
   */
  public static custom(type: string, config: string, name?: string): NotificationService {
    return new NotificationService(type, name, config, secretRefs([config]));
  }

  private constructor(
    /** The service type, e.g. 'slack'. */
    public readonly type: string,
    private readonly instanceName: string | undefined,
    private readonly config: string,
    /** The keys of the notification Secret the configuration reads. */
    public readonly secretKeys: string[]) {
    if (!NAME.test(type)) fail('NotificationService', 'type is not a service type', type, 'give a type such as "slack"');
    if (instanceName !== undefined && !NAME.test(instanceName)) {
      fail(`NotificationService ${type}`, 'name is not a service name', instanceName, "use letters, digits, '-' and '_'");
    }
  }

  /** The name subscriptions use: the given name, else the type. */
  public get name(): string {
    return this.instanceName ?? this.type;
  }

  /** @internal */
  public get _key(): string {
    return this.instanceName === undefined ? `service.${this.type}` : `service.${this.type}.${this.instanceName}`;
  }

  /** @internal */
  public get _config(): string {
    return this.config;
  }
}

/** A notification message template of the controller. */
export interface NotificationTemplate {
  /** Name triggers send it by (`template.<name>`). */
  readonly name: string;

  /**
   * The message, a Go template over `.rollout` (e.g. `Rollout {{.rollout.metadata.name}} aborted`).
   */
  readonly message: string;

  /**
   * Subject of e-mails.
   * @default - none
   */
  readonly emailSubject?: string;

  /**
   * Slack attachments (JSON text, a Go template).
   * @default - none
   */
  readonly slackAttachments?: string;
}

/** When the controller sends which templates. */
export interface NotificationTriggerDefinition {
  /**
   * The trigger: a built-in event trigger (`RolloutNotificationTrigger.ROLLOUT_ABORTED`, fired by
   * the controller's event), or `RolloutNotificationTrigger.custom(name)` with a `condition`.
   */
  readonly trigger: RolloutNotificationTrigger;

  /** Names of the templates to send (defined in `templates`). */
  readonly send: string[];

  /**
   * Condition over `rollout` (an expr expression, e.g. `rollout.status.phase == 'Degraded'`).
   * @default - none: only for the built-in event triggers
   */
  readonly condition?: string;

  /**
   * Send once per value of this expression (e.g. `rollout.metadata.generation`).
   * @default - every time the condition holds
   */
  readonly oncePer?: string;
}

/**
 * The controller's notification settings: the data of `argo-rollouts-notification-configmap`
 * (services, templates, triggers), and the keys the `argo-rollouts-notification-secret` Secret
 * (kept out of Git, e.g. by External Secrets) holds.
 */
export interface ControllerNotifications {
  /** Where notifications go. */
  readonly services: NotificationService[];

  /**
   * Message templates.
   * @default - none
   */
  readonly templates?: NotificationTemplate[];

  /**
   * Triggers Rollouts can subscribe to; a subscription to any other trigger never fires.
   * @default - none
   */
  readonly triggers?: NotificationTriggerDefinition[];

  /**
   * The keys the `argo-rollouts-notification-secret` Secret holds; every `$<key>` a service reads
   * must be one of them. The Secret itself is not emitted.
   * @default - not checked
   */
  readonly secretKeys?: string[];
}

function checkSecretKey(what: string, key: string): void {
  if (!SECRET_KEY.test(key)) fail('NotificationService', `${what} is not a Secret key`, key, "use letters, digits, '-', '_' and '.'");
}

/** The `$key` references in the texts. */
function secretRefs(texts: string[]): string[] {
  const keys = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/\$([-._a-zA-Z0-9]+)/g)) keys.add(m[1]);
  return [...keys];
}
