// Internal: renders a controller's notification settings into chart values and checks the
// Rollouts' subscriptions against them. Not part of the public API (not exported by index.ts).
import { Yaml } from 'cdk8s';
import { ControllerNotifications } from './notification-settings';
import { RolloutNotification } from './notifications';
import { Problems, shown } from '../private/problems';

/** The Secret the controller reads `$key` references of its notification services from. */
const NOTIFICATION_SECRET = 'argo-rollouts-notification-secret';
const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?$/;

/** The chart's `notifications` values: the notifications ConfigMap's keys, each a YAML string. */
export interface NotificationValues {
  readonly notifiers: { [key: string]: string };
  readonly templates: { [key: string]: string };
  readonly triggers: { [key: string]: string };
}

/** A notification template as the notifications engine reads it (`template.<name>`). */
interface TemplateConfig {
  message: string;
  email?: { subject: string };
  slack?: { attachments: string };
}

/** One condition of a trigger (`trigger.<name>`), keys in the engine's order. */
interface TriggerCondition {
  when?: string;
  oncePer?: string;
  send?: string[];
}

/**
 * The problems of the controller's notification settings (without the construct path): services
 * configured twice or reading keys the Secret lacks, bad or duplicate templates and triggers.
 */
export function notificationSettingsProblems(settings: ControllerNotifications): string[] {
  const all = new Problems();
  const inner = all.within('notifications');
  const keys = new Set<string>();
  for (const s of settings.services) {
    if (keys.has(s._key)) inner.add('a service is configured twice', s._key, 'configure each service once (give one a name)');
    keys.add(s._key);
    for (const key of settings.secretKeys ? s.secretKeys.filter(k => !settings.secretKeys!.includes(k)) : []) {
      inner.add(`service "${s.name}" reads $${key}, which is not among secretKeys of the ${NOTIFICATION_SECRET} Secret`, settings.secretKeys,
        `add "${key}" to the Secret and to secretKeys`);
    }
  }
  const templates = new Set<string>();
  for (const t of settings.templates ?? []) {
    if (!NAME.test(t.name)) inner.add('template name is not a name', t.name, 'use letters, digits, \'-\' and \'_\'');
    if (templates.has(t.name)) inner.add('a template is defined twice', t.name, 'give each template once');
    templates.add(t.name);
  }
  const triggers = new Set<string>();
  for (const d of settings.triggers ?? []) {
    const name = d.trigger.name;
    if (triggers.has(name)) inner.add('a trigger is defined twice', name, 'give each trigger once');
    triggers.add(name);
    if (!d.trigger.builtin && d.condition === undefined) {
      inner.add(`trigger "${name}" is a custom trigger without a condition, so it never fires`, d.condition,
        'give condition (e.g. "rollout.status.phase == \'Degraded\'") or use a built-in event trigger');
    }
    if (d.send.length === 0) inner.add(`trigger "${name}" sends no template`, d.send, 'list the templates to send');
    for (const t of d.send.filter(x => !templates.has(x))) {
      inner.add(`trigger "${name}" sends a template which is not defined`, t, `add { name: '${t}', message: ... } to templates`);
    }
  }
  return all.messages;
}

/**
 * Renders the chart values `notifications.notifiers`, `templates` and `triggers` of settings
 * that have no `notificationSettingsProblems` (the controller reports those first).
 */
export function renderNotificationValues(settings: ControllerNotifications): NotificationValues {
  const notifiers: { [key: string]: string } = {};
  for (const s of settings.services) notifiers[s._key] = s._config;
  const templates: { [key: string]: string } = {};
  for (const t of settings.templates ?? []) {
    const body: TemplateConfig = { message: t.message };
    if (t.emailSubject !== undefined) body.email = { subject: t.emailSubject };
    if (t.slackAttachments !== undefined) body.slack = { attachments: t.slackAttachments };
    templates[`template.${t.name}`] = Yaml.stringify(body);
  }
  const triggers: { [key: string]: string } = {};
  for (const d of settings.triggers ?? []) {
    const entry: TriggerCondition = {};
    if (d.condition !== undefined) entry.when = d.condition;
    if (d.oncePer !== undefined) entry.oncePer = d.oncePer;
    entry.send = [...d.send];
    triggers[`trigger.${d.trigger.name}`] = Yaml.stringify([entry]);
  }
  return { notifiers, templates, triggers };
}

/**
 * Problems of a Rollout's subscriptions under these settings (unknown trigger or service).
 */
export function subscriptionProblems(rollout: string, controller: string, settings: ControllerNotifications | undefined,
  subscriptions: RolloutNotification[]): string[] {
  const problems = new Problems();
  const triggers = (settings?.triggers ?? []).map(t => t.trigger.name);
  const services = (settings?.services ?? []).map(s => s.name);
  for (const n of subscriptions) {
    if (!triggers.includes(n.trigger.name)) {
      problems.add(`${rollout} subscribes to trigger "${n.trigger.name}", which ${controller} does not define, so it never fires`, shown(`notifications.triggers ${JSON.stringify(triggers)}`),
        'add { trigger: ..., send: [...] } for it to the controller\'s notifications.triggers');
    }
    if (!services.includes(n.service)) {
      problems.add(`${rollout} notifies through service "${n.service}", which ${controller} does not configure`, shown(`notifications.services ${JSON.stringify(services)}`),
        'add the service to the controller\'s notifications.services');
    }
  }
  return problems.messages;
}
