import { Chart, Testing } from 'cdk8s';
import { RolloutsController } from '../../src/aws/rollouts-controller';
import { CanaryApp } from '../../src/canary-app';
import { NotificationService } from '../../src/rollout/notification-settings';
import { RolloutNotification, RolloutNotificationTrigger } from '../../src/rollout/notifications';
import { Rollout } from '../../src/rollout/rollout';
import { Step } from '../../src/rollout/step';
import { RolloutStrategy } from '../../src/rollout/strategy';
import { findManifest, synthValidated } from '../helpers/synth';

const containers = [{ name: 'main', image: 'ghcr.io/acme/checkout:1.4.2', portNumber: 8080 }];
const strategy = () => RolloutStrategy.canary({ steps: [Step.setWeight(20), Step.pause()] });
const T = RolloutNotificationTrigger;

describe('RolloutNotification (subscriptions on a Rollout)', () => {
  test('renders one subscribe annotation per trigger and service, recipients joined by ";"', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    // WHEN
    new Rollout(chart, 'checkout', {
      containers,
      strategy: strategy(),
      notifications: [
        RolloutNotification.slack(T.ROLLOUT_ABORTED, ['checkout-alerts', 'oncall']),
        RolloutNotification.email(T.ANALYSIS_RUN_FAILED, ['team@acme.example']),
        RolloutNotification.webhook(T.ROLLOUT_COMPLETED, 'deploy-log'),
        RolloutNotification.to(T.custom('on-slow-canary'), 'teams', ['checkout']),
      ],
    });
    // THEN
    const rollout = findManifest(synthValidated(chart), 'Rollout');
    expect(rollout.metadata.annotations).toEqual({
      'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'checkout-alerts;oncall',
      'notifications.argoproj.io/subscribe.on-analysis-run-failed.email': 'team@acme.example',
      'notifications.argoproj.io/subscribe.on-rollout-completed.deploy-log': '',
      'notifications.argoproj.io/subscribe.on-slow-canary.teams': 'checkout',
    });
  });

  test('CanaryApp passes subscriptions to its Rollout', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new CanaryApp(chart, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.4.2',
      containerPort: 8080,
      notifications: [RolloutNotification.slack(T.ROLLOUT_ABORTED, ['checkout-alerts'])],
    });
    expect(findManifest(synthValidated(chart), 'Rollout').metadata.annotations)
      .toEqual({ 'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'checkout-alerts' });
  });

  test('fails when one trigger and service are subscribed twice', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    expect(() => new Rollout(chart, 'checkout', {
      containers,
      strategy: strategy(),
      notifications: [RolloutNotification.slack(T.ROLLOUT_ABORTED, ['a']), RolloutNotification.slack(T.ROLLOUT_ABORTED, ['b'])],
    })).toThrow('[shop/checkout] notifications subscribe on-rollout-aborted through "slack" twice; give all recipients of one trigger and service in one RolloutNotification');
  });

  test('fails when a JavaScript caller passes one string as recipients or leaves out the trigger', () => {
    expect(() => RolloutNotification.slack(RolloutNotificationTrigger.ROLLOUT_ABORTED, 'releases' as any))
      .toThrow('[RolloutNotification] recipients for on-rollout-aborted/slack must be a list; got "releases"; give e.g. ["releases"]');
    expect(() => RolloutNotification.slack(undefined as any, ['releases']))
      .toThrow('[RolloutNotification] trigger is not a RolloutNotificationTrigger; got nothing; use one of its constants');
  });

  test('fails on a recipient with ";" and on invalid names', () => {
    expect(() => RolloutNotification.slack(T.ROLLOUT_ABORTED, ['a;b'])).toThrow('[RolloutNotification] a recipient for on-rollout-aborted/slack is empty or contains \';\' or a line break; got "a;b"; give each recipient as its own list entry');
    expect(() => RolloutNotification.to(T.ROLLOUT_ABORTED, 'my.slack', [])).toThrow('[RolloutNotification] service is not a service name; got "my.slack"; use the name');
    expect(() => T.custom('on slow')).toThrow('[RolloutNotificationTrigger.custom] name is not a trigger name; got "on slow"; use letters');
  });
});

describe('RolloutsController notifications (the argo-rollouts-notification-configmap)', () => {
  function setup() {
    const app = Testing.app();
    const platform = new Chart(app, 'platform', { namespace: 'argocd' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    return { app, platform, shop };
  }

  const settings = () => ({
    services: [
      NotificationService.slack({ tokenSecretKey: 'slack-token', username: 'rollouts' }),
      NotificationService.webhook('deploy-log', { url: 'https://log.acme.example/deploys', headers: [{ name: 'Authorization', value: 'Bearer $log-token' }] }),
    ],
    templates: [
      { name: 'rollout-aborted', message: 'Rollout {{.rollout.metadata.name}} aborted: {{.rollout.status.message}}', emailSubject: 'Rollout aborted' },
      { name: 'slow', message: 'Rollout {{.rollout.metadata.name}} is slow' },
    ],
    triggers: [
      { trigger: T.ROLLOUT_ABORTED, send: ['rollout-aborted'] },
      { trigger: T.custom('on-slow-canary'), condition: "rollout.status.phase == 'Degraded'", oncePer: 'rollout.metadata.generation', send: ['slow'] },
    ],
    secretKeys: ['slack-token', 'log-token'],
  });

  test('renders services, templates and triggers as chart values', () => {
    // GIVEN
    const { platform } = setup();
    // WHEN
    const controller = new RolloutsController(platform, 'rollouts', { region: 'eu-west-1', notifications: settings() });
    // THEN
    const values = controller.helmValues();
    expect(values.notifications).toEqual({
      notifiers: {
        'service.slack': 'token: $slack-token\nusername: rollouts\n',
        'service.webhook.deploy-log': 'url: https://log.acme.example/deploys\nheaders:\n  - name: Authorization\n    value: Bearer $log-token\n',
      },
      templates: {
        'template.rollout-aborted': 'message: "Rollout {{.rollout.metadata.name}} aborted: {{.rollout.status.message}}"\nemail:\n  subject: Rollout aborted\n',
        'template.slow': 'message: Rollout {{.rollout.metadata.name}} is slow\n',
      },
      triggers: {
        'trigger.on-rollout-aborted': '- send:\n    - rollout-aborted\n',
        'trigger.on-slow-canary': "- when: rollout.status.phase == 'Degraded'\n  oncePer: rollout.metadata.generation\n  send:\n    - slow\n",
      },
    });
    expect(findManifest(synthValidated(platform), 'Application').spec.source.helm.valuesObject.notifications).toEqual(values.notifications);
  });

  test('accepts Rollouts subscribed to configured triggers and services', () => {
    const { app, platform, shop } = setup();
    new RolloutsController(platform, 'rollouts', { region: 'eu-west-1', notifications: settings() });
    new Rollout(shop, 'checkout', {
      containers,
      strategy: strategy(),
      notifications: [RolloutNotification.slack(T.ROLLOUT_ABORTED, ['alerts']), RolloutNotification.webhook(T.custom('on-slow-canary'), 'deploy-log')],
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('fails at synth when a Rollout subscribes to a trigger or service the controller does not configure', () => {
    const { app, platform, shop } = setup();
    new RolloutsController(platform, 'rollouts', { region: 'eu-west-1', notifications: settings() });
    new Rollout(shop, 'checkout', { containers, strategy: strategy(), notifications: [RolloutNotification.email(T.ROLLOUT_COMPLETED, ['a@acme.example'])] });
    expect(() => app.synth()).toThrow(/Rollout "checkout" at shop\/checkout subscribes to trigger "on-rollout-completed", which the RolloutsController at platform\/rollouts does not define, so it never fires; got notifications.triggers \["on-rollout-aborted","on-slow-canary"\]; add \{ trigger: \.\.\., send: \[\.\.\.\] \} for it/);
    expect(() => app.synth()).toThrow(/notifies through service "email", which the RolloutsController at platform\/rollouts does not configure; got notifications.services \[.*\]; add the service/);
  });

  test('fails when a custom trigger has no condition or sends an undefined template', () => {
    const { platform } = setup();
    expect(() => new RolloutsController(platform, 'a', {
      region: 'eu-west-1',
      notifications: { services: [], triggers: [{ trigger: T.custom('on-x'), send: ['x'] }] },
    })).toThrow('[platform/a] notifications: trigger "on-x" is a custom trigger without a condition, so it never fires; got nothing; give condition');
    expect(() => new RolloutsController(platform, 'b', {
      region: 'eu-west-1',
      notifications: { services: [], triggers: [{ trigger: T.ROLLOUT_ABORTED, send: ['missing'] }] },
    })).toThrow('[platform/b] notifications: trigger "on-rollout-aborted" sends a template which is not defined; got "missing"; add { name: \'missing\', message: ... } to templates');
  });

  test('fails when a service reads a secret key the Secret does not hold', () => {
    const { platform } = setup();
    expect(() => new RolloutsController(platform, 'a', {
      region: 'eu-west-1',
      notifications: { services: [NotificationService.slack({ tokenSecretKey: 'slack-token' })], secretKeys: ['other'] },
    })).toThrow('[platform/a] notifications: service "slack" reads $slack-token, which is not among secretKeys of the argo-rollouts-notification-secret Secret; got ["other"]; add "slack-token" to the Secret and to secretKeys');
  });

  test('fails when a service is configured twice', () => {
    const { platform } = setup();
    expect(() => new RolloutsController(platform, 'a', {
      region: 'eu-west-1',
      notifications: { services: [NotificationService.slack({ tokenSecretKey: 'a' }), NotificationService.slack({ tokenSecretKey: 'b' })] },
    })).toThrow('[platform/a] notifications: a service is configured twice; got "service.slack"; configure each service once');
  });
});
