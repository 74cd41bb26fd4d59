import { Chart, Duration, Testing } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationProps } from '../../src/gitops/argocd-application';
import { CascadeDelete, SyncOption } from '../../src/gitops/sync';
import { findManifest, synthValidated } from '../helpers/synth';

function application(props: Partial<ArgoCdApplicationProps> = {}): any {
  const apps = new Chart(Testing.app(), 'apps', { namespace: 'argocd' });
  new ArgoCdApplication(apps, 'orders', { repoUrl: 'https://github.com/acme/deploy.git', path: 'dist/orders', ...props });
  return findManifest(synthValidated(apps), 'Application');
}

function build(props: Partial<ArgoCdApplicationProps>): () => void {
  return () => new ArgoCdApplication(new Chart(Testing.app(), 'apps', { namespace: 'argocd' }), 'orders', {
    repoUrl: 'https://github.com/acme/deploy.git', path: 'dist/orders', ...props,
  });
}

describe('SyncOption', () => {
  test.each([
    [SyncOption.CREATE_NAMESPACE, 'CreateNamespace=true'],
    [SyncOption.PRUNE_LAST, 'PruneLast=true'],
    [SyncOption.SKIP_VALIDATION, 'Validate=false'],
    [SyncOption.SKIP_DRY_RUN_ON_MISSING_RESOURCE, 'SkipDryRunOnMissingResource=true'],
    [SyncOption.FAIL_ON_SHARED_RESOURCE, 'FailOnSharedResource=true'],
    [SyncOption.REPLACE, 'Replace=true'],
    [SyncOption.PRUNE_PROPAGATION_FOREGROUND, 'PrunePropagationPolicy=foreground'],
    [SyncOption.PRUNE_PROPAGATION_BACKGROUND, 'PrunePropagationPolicy=background'],
    [SyncOption.PRUNE_PROPAGATION_ORPHAN, 'PrunePropagationPolicy=orphan'],
  ])('renders the exact spelling Argo CD matches: %#', (option, expected) => {
    expect(option.value).toBe(expected);
  });

  test.each(['createNamespace=true', 'CreateNamespace=', 'CreateNamespace', 'CreateNamespace=true ', 'A=b=c', 'Prune-Last=true'])(
    'of() rejects %j with the expected form', value => {
      expect(() => SyncOption.of(value)).toThrow(
        `[SyncOption.of] sync option is not of the form Key=value without spaces (Argo CD matches the exact string); got ${JSON.stringify(value)}; write it as Argo CD spells it, e.g. "ClientSideApplyMigration=false"`);
    });

  test('of() accepts a single-letter key', () => {
    expect(SyncOption.of('X=y').value).toBe('X=y');
  });

  test('an option given twice is rendered once, in the order given', () => {
    const app = application({ syncOptions: [SyncOption.PRUNE_LAST, SyncOption.CREATE_NAMESPACE, SyncOption.of('PruneLast=true')] });
    expect(app.spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'CreateNamespace=true']);
  });
});

describe('AutomatedSync', () => {
  test('an empty automated sync renders prune and selfHeal false and omits allowEmpty', () => {
    expect(application({ automatedSync: {} }).spec.syncPolicy).toEqual({ automated: { prune: false, selfHeal: false } });
  });

  test('allowEmpty is rendered when set', () => {
    expect(application({ automatedSync: { allowEmpty: true } }).spec.syncPolicy.automated)
      .toEqual({ prune: false, selfHeal: false, allowEmpty: true });
  });

  test('no automated sync, retry or option renders no syncPolicy', () => {
    expect(application().spec.syncPolicy).toBeUndefined();
  });
});

describe('SyncRetry', () => {
  test('an empty retry renders the documented defaults', () => {
    expect(application({ retry: {} }).spec.syncPolicy).toEqual({ retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '180s' } } });
  });

  test('a negative limit (retry forever) is kept', () => {
    expect(application({ retry: { limit: -1 } }).spec.syncPolicy.retry.limit).toBe(-1);
  });

  test('a fractional limit fails, naming the path and the fix', () => {
    expect(build({ retry: { limit: 2.5 } })).toThrow('[apps/orders] retry limit is not an integer; got 2.5; give an integer (negative: retry forever)');
  });

  test.each([0, 1.5])('a backoffFactor of %d fails', factor => {
    expect(build({ retry: { backoffFactor: factor } }))
      .toThrow(`[apps/orders] retry backoffFactor is not an integer >= 1; got ${factor}; give an integer >= 1 (Argo CD stores it as an int64)`);
  });

  test('a backoffMaxDuration shorter than the default backoffDuration fails', () => {
    expect(build({ retry: { backoffMaxDuration: Duration.seconds(3) } }))
      .toThrow('[apps/orders] retry backoffMaxDuration is shorter than backoffDuration (5s); got "3s"; make backoffMaxDuration at least backoffDuration');
  });

  test('a backoffDuration that is not a whole number of seconds fails', () => {
    expect(build({ retry: { backoffDuration: Duration.millis(1500) } }))
      .toThrow('[apps/orders] retry backoffDuration must be a whole number of seconds; got 1500ms; give a whole number of seconds, e.g. Duration.seconds(5)');
  });

  test('a backoffDuration longer than the default maximum fails', () => {
    expect(build({ retry: { backoffDuration: Duration.minutes(5) } }))
      .toThrow('[apps/orders] retry backoffMaxDuration is shorter than backoffDuration (300s); got "180s"; make backoffMaxDuration at least backoffDuration');
  });
});

describe('CascadeDelete', () => {
  test('NONE (the default) adds no finalizer', () => {
    expect(application().metadata.finalizers).toBeUndefined();
    expect(application({ cascadeDelete: CascadeDelete.NONE }).metadata.finalizers).toBeUndefined();
  });

  test.each([
    [CascadeDelete.DEFAULT, 'resources-finalizer.argocd.argoproj.io'],
    [CascadeDelete.BACKGROUND, 'resources-finalizer.argocd.argoproj.io/background'],
  ])('%s adds %s', (cascade, finalizer) => {
    expect(application({ cascadeDelete: cascade }).metadata.finalizers).toEqual([finalizer]);
  });

  test('the finalizer is added after the finalizers given in metadata', () => {
    const app = application({ cascadeDelete: CascadeDelete.DEFAULT, metadata: { finalizers: ['acme.com/audit'] } });
    expect(app.metadata.finalizers).toEqual(['acme.com/audit', 'resources-finalizer.argocd.argoproj.io']);
  });
});
