import { Chart, Duration, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplicationSource } from '../../src/gitops/application-source';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { IRuntimeOwner, RuntimeOwnedFields } from '../../src/gitops/runtime-ownership';
import { CascadeDelete, RuntimeFieldsSyncPolicy, SyncOption } from '../../src/gitops/sync';
import { findManifest, synthValidated } from '../helpers/synth';

/** A stand-in for the lead's constructs: records fixed runtime-owned fields. */
class FakeOwner extends Construct implements IRuntimeOwner {
  constructor(scope: Construct, id: string, private readonly records: RuntimeOwnedFields[]) {
    super(scope, id);
  }
  public runtimeOwnedFields(): RuntimeOwnedFields[] {
    return this.records;
  }
}

const SERVICE_RECORD: RuntimeOwnedFields = {
  group: '',
  kind: 'Service',
  name: 'checkout-stable',
  namespace: 'shop',
  jsonPointers: ['/spec/selector/rollouts-pod-template-hash'],
  reason: 'selector switched by the controller',
};
const VS_RECORD: RuntimeOwnedFields = {
  group: 'networking.istio.io',
  kind: 'VirtualService',
  name: 'checkout',
  namespace: 'shop',
  jqPathExpressions: ['.spec.http[]?.route[]?.weight'],
  reason: 'weights set by the controller',
};
const INGRESS_RECORD: RuntimeOwnedFields = {
  group: 'networking.k8s.io',
  kind: 'Ingress',
  name: 'checkout',
  namespace: 'shop',
  jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'],
  reason: 'weighted action',
};

function setup(): { app: ReturnType<typeof Testing.app>; apps: Chart; workload: Chart } {
  const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  const apps = new Chart(app, 'apps', { namespace: 'argocd' });
  const workload = new Chart(app, 'checkout', { namespace: 'shop' });
  return { app, apps, workload };
}

function applicationOf(chart: Chart): any {
  return findManifest(synthValidated(chart), 'Application');
}

describe('ArgoCdApplication', () => {
  test('renders the DESIGN contract with readable defaults', () => {
    // GIVEN
    const { apps, workload } = setup();
    new FakeOwner(workload, 'svc', [SERVICE_RECORD]);
    // WHEN
    new ArgoCdApplication(apps, 'checkout', {
      repoUrl: 'https://github.com/acme/platform.git',
      path: 'dist/checkout',
      destinationNamespace: 'shop',
      deploys: [workload],
    });
    // THEN
    expect(applicationOf(apps)).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'checkout', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/acme/platform.git', path: 'dist/checkout', targetRevision: 'HEAD' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        ignoreDifferences: [{
          kind: 'Service',
          name: 'checkout-stable',
          namespace: 'shop',
          jsonPointers: ['/spec/selector/rollouts-pod-template-hash'],
        }],
        syncPolicy: { syncOptions: ['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true'] },
      },
    });
  });

  test('the L1 child has the id Resource', () => {
    const { apps } = setup();
    const application = new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout' });
    expect(application.node.defaultChild).toBe(application.node.findChild('Resource'));
  });

  test('renders name, project, revision, recurse, sync policy, retry, finalizer', () => {
    const { apps } = setup();
    new ArgoCdApplication(apps, 'checkout', {
      name: 'checkout-prod',
      project: 'shop',
      repoUrl: 'https://x/y.git',
      path: 'dist/checkout',
      targetRevision: 'v1.2.3',
      recurse: true,
      destinationName: 'prod-eu',
      destinationNamespace: 'shop',
      automatedSync: { prune: true, selfHeal: true },
      retry: { limit: 3, backoffDuration: Duration.seconds(10), backoffFactor: 2, backoffMaxDuration: Duration.minutes(5) },
      syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.PRUNE_LAST],
      cascadeDelete: CascadeDelete.FOREGROUND,
      revisionHistoryLimit: 3,
    });
    const application = applicationOf(apps);
    expect(application.metadata).toEqual({ name: 'checkout-prod', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'] });
    expect(application.spec).toEqual({
      project: 'shop',
      source: { repoURL: 'https://x/y.git', path: 'dist/checkout', targetRevision: 'v1.2.3', directory: { recurse: true } },
      destination: { name: 'prod-eu', namespace: 'shop' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 3, backoff: { duration: '10s', factor: 2, maxDuration: '300s' } },
        syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
      },
      revisionHistoryLimit: 3,
    });
  });

  test('renders Helm and Kustomize sources', () => {
    const { apps } = setup();
    new ArgoCdApplication(apps, 'rollouts', {
      source: ApplicationSource.helmChart({
        repoUrl: 'https://argoproj.github.io/argo-helm',
        chart: 'argo-rollouts',
        targetRevision: '2.39.0',
        releaseName: 'argo-rollouts',
        values: { controller: { replicas: 2 } },
      }),
      destinationNamespace: 'argo-rollouts',
    });
    new ArgoCdApplication(apps, 'base', {
      source: ApplicationSource.kustomize({ repoUrl: 'https://x/y.git', path: 'k/base', namePrefix: 'p-' }),
    });
    const manifests = synthValidated(apps);
    expect(findManifest(manifests, 'Application', 'rollouts').spec.source).toEqual({
      repoURL: 'https://argoproj.github.io/argo-helm',
      chart: 'argo-rollouts',
      targetRevision: '2.39.0',
      helm: { releaseName: 'argo-rollouts', valuesObject: { controller: { replicas: 2 } } },
    });
    expect(findManifest(manifests, 'Application', 'base').spec.source).toEqual({
      repoURL: 'https://x/y.git', path: 'k/base', targetRevision: 'HEAD', kustomize: { namePrefix: 'p-' },
    });
  });

  test('sync option strings are exactly the ones Argo CD matches', () => {
    expect(SyncOption.RESPECT_IGNORE_DIFFERENCES.value).toBe('RespectIgnoreDifferences=true');
    expect(SyncOption.APPLY_OUT_OF_SYNC_ONLY.value).toBe('ApplyOutOfSyncOnly=true');
    expect(SyncOption.SERVER_SIDE_APPLY.value).toBe('ServerSideApply=true');
    expect(SyncOption.of('ClientSideApplyMigration=false').value).toBe('ClientSideApplyMigration=false');
    expect(() => SyncOption.of('respectIgnoreDifferences = true')).toThrow(/is not of the form Key=value without spaces/);
  });

  describe('ignoreDifferences from deploys', () => {
    test('groups records per object, sorts entries and paths, omits the core group', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'vs', [VS_RECORD, { ...VS_RECORD, jqPathExpressions: ['.spec.http[]? | select(.name == "canary-header")'], reason: 'managed route' }]);
      new FakeOwner(workload, 'ing', [INGRESS_RECORD]);
      new FakeOwner(workload, 'svc', [SERVICE_RECORD, { ...SERVICE_RECORD, jsonPointers: ['/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts'] }]);
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload] });
      expect(applicationOf(apps).spec.ignoreDifferences).toEqual([
        { kind: 'Service', name: 'checkout-stable', namespace: 'shop', jsonPointers: ['/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts', '/spec/selector/rollouts-pod-template-hash'] },
        { group: 'networking.istio.io', kind: 'VirtualService', name: 'checkout', namespace: 'shop', jqPathExpressions: ['.spec.http[]? | select(.name == "canary-header")', '.spec.http[]?.route[]?.weight'] },
        { group: 'networking.k8s.io', kind: 'Ingress', name: 'checkout', namespace: 'shop', jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root'] },
      ]);
    });

    test('merges user-supplied entries with derived ones instead of replacing them', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'ing', [INGRESS_RECORD]);
      const application = new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git',
        path: 'dist/checkout',
        deploys: [workload],
        ignoreDifferences: [
          { group: 'networking.k8s.io', kind: 'Ingress', name: 'checkout', namespace: 'shop', jsonPointers: ['/metadata/annotations/external-dns.alpha.kubernetes.io~1ttl'] },
          { group: 'apps', kind: 'Deployment', name: 'legacy', jsonPointers: ['/spec/replicas'] },
        ],
      });
      expect(application.renderIgnoreDifferences()).toEqual([
        { group: 'apps', kind: 'Deployment', name: 'legacy', jsonPointers: ['/spec/replicas'] },
        {
          group: 'networking.k8s.io',
          kind: 'Ingress',
          name: 'checkout',
          namespace: 'shop',
          jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root', '/metadata/annotations/external-dns.alpha.kubernetes.io~1ttl'],
        },
      ]);
    });

    test('addDeploy adds a construct after construction, once', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'svc', [SERVICE_RECORD]);
      const application = new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout' });
      application.addDeploy(workload);
      application.addDeploy(workload);
      expect(applicationOf(apps).spec.ignoreDifferences).toHaveLength(1);
    });

    test.each([
      ['an unescaped slash in an annotation key', { ...INGRESS_RECORD, jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io/actions.root'] }, /escape the "\/" inside it as "~1"/],
      ['a pointer without leading slash', { ...SERVICE_RECORD, jsonPointers: ['spec/selector'] }, /a JSON pointer starts with "\/"/],
      ['a bad ~ escape', { ...SERVICE_RECORD, jsonPointers: ['/metadata/annotations/a~2b'] }, /must be escaped as "~0"/],
      ['a jq iteration without ?', { ...VS_RECORD, jqPathExpressions: ['.spec.http[].route[].weight'] }, /iterate with "\[\]\?"/],
      ['a jq update', { ...VS_RECORD, jqPathExpressions: ['.spec.http |= []'] }, /"\|=" is an update/],
      ['a jq variable', { ...VS_RECORD, jqPathExpressions: ['.spec.http[]? | select(.name == $n)'] }, /variables are not allowed/],
      ['a jq non-path expression', { ...VS_RECORD, jqPathExpressions: ['if .spec then .spec.http else empty end'] }, /a path expression starts with "\." or "select\("/],
      ['a non-core kind without group', { ...VS_RECORD, group: '' }, /VirtualService is in group "networking.istio.io"/],
      ['a core kind with a group', { ...SERVICE_RECORD, group: 'core' }, /Service is in the core group: leave group empty/],
      ['a record without fields', { ...SERVICE_RECORD, jsonPointers: [] }, /names no field/],
      ['a record without name', { ...SERVICE_RECORD, name: '' }, /name is empty/],
    ])('fails on %s, naming the construct path and the value', (_what, record, message) => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'bad', [record as RuntimeOwnedFields]);
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload] });
      expect(() => Testing.synth(apps)).toThrow(/\[apps\/checkout\]/);
      expect(() => Testing.synth(apps)).toThrow(message);
    });

    test('fails on managedFieldsManagers rollouts-controller for VirtualServices', () => {
      const { apps } = setup();
      new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git',
        path: 'dist/checkout',
        ignoreDifferences: [{ group: 'networking.istio.io', kind: 'VirtualService', managedFieldsManagers: ['rollouts-controller'] }],
      });
      expect(() => Testing.synth(apps)).toThrow(/\[apps\/checkout\] .*managedFieldsManagers on VirtualService; got "rollouts-controller"; remove it.*argo-rollouts#3854/);
    });
  });

  describe('runtime fields sync policy', () => {
    test('adds RespectIgnoreDifferences and ApplyOutOfSyncOnly when a deployed object has runtime-owned fields', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'vs', [VS_RECORD]);
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload], syncOptions: [SyncOption.CREATE_NAMESPACE] });
      expect(applicationOf(apps).spec.syncPolicy).toEqual({
        syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true'],
      });
    });

    test('adds both for map keys too: a value in Git (the ALB action) would otherwise be reset by a sync', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'ing', [INGRESS_RECORD]);
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload] });
      expect(applicationOf(apps).spec.syncPolicy).toEqual({ syncOptions: ['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true'] });
    });

    test('adds neither when nothing deployed has runtime-owned fields', () => {
      const { apps, workload } = setup();
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload] });
      expect(applicationOf(apps).spec.syncPolicy).toBeUndefined();
    });

    test('fails on ACCEPT_FLAPPING when a reset would break traffic (ping-pong)', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'ing', [{ ...INGRESS_RECORD, unsafeToReset: 'ping-pong weights point at old pods' }]);
      new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload], runtimeFieldsSyncPolicy: RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING,
      });
      expect(() => Testing.synth(apps)).toThrow(/runtimeFieldsSyncPolicy ACCEPT_FLAPPING, but a sync that writes Git back would not flap, it would break: Ingress "checkout": ping-pong weights point at old pods; use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES/);
    });

    test('ACCEPT_FLAPPING adds neither option', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'vs', [VS_RECORD]);
      new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload], runtimeFieldsSyncPolicy: RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING,
      });
      expect(applicationOf(apps).spec.syncPolicy).toBeUndefined();
    });

    test('fails on ACCEPT_FLAPPING with RespectIgnoreDifferences', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git',
        path: 'dist/checkout',
        runtimeFieldsSyncPolicy: RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING,
        syncOptions: [SyncOption.RESPECT_IGNORE_DIFFERENCES, SyncOption.APPLY_OUT_OF_SYNC_ONLY],
      }).renderSyncOptions()).toThrow('[apps/checkout] runtimeFieldsSyncPolicy ACCEPT_FLAPPING conflicts with sync options; got ["RespectIgnoreDifferences=true","ApplyOutOfSyncOnly=true"]; use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES');
    });

    test.each([
      [SyncOption.RESPECT_IGNORE_DIFFERENCES, /\[apps\/checkout\] sync option RespectIgnoreDifferences=true without ApplyOutOfSyncOnly=true; got \["RespectIgnoreDifferences=true"\]; add SyncOption.APPLY_OUT_OF_SYNC_ONLY/],
      [SyncOption.APPLY_OUT_OF_SYNC_ONLY, /\[apps\/checkout\] sync option ApplyOutOfSyncOnly=true without RespectIgnoreDifferences=true; got \["ApplyOutOfSyncOnly=true"\]; add SyncOption.RESPECT_IGNORE_DIFFERENCES/],
    ])('fails when only one of the pair is given (%p)', (option, message) => {
      const { apps } = setup();
      new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', syncOptions: [option] });
      expect(() => Testing.synth(apps)).toThrow(message);
    });

    test('fails on ServerSideApply without RespectIgnoreDifferences for a deploying app', () => {
      const { apps, workload } = setup();
      new FakeOwner(workload, 'ing', [INGRESS_RECORD]);
      new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git', path: 'dist/checkout', deploys: [workload], syncOptions: [SyncOption.SERVER_SIDE_APPLY], runtimeFieldsSyncPolicy: RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING,
      });
      expect(() => Testing.synth(apps)).toThrow(/ServerSideApply=true without RespectIgnoreDifferences=true; got \["ServerSideApply=true"\]; a server-side apply replaces atomic fields whole/);
    });
  });

  describe('validation', () => {
    test('fails on both destination server and name', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git', path: 'dist/checkout', destinationServer: 'https://kubernetes.default.svc', destinationName: 'in-cluster',
      })).toThrow('[apps/checkout] both destinationServer and destinationName are given; got {"destinationServer":"https://kubernetes.default.svc","destinationName":"in-cluster"}; Argo CD accepts only one of them');
    });

    test('fails on a wildcard destination namespace', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: 'dist/checkout', destinationNamespace: '*' }))
        .toThrow('[apps/checkout] destinationNamespace is empty or a wildcard; got "*"; give one exact value');
    });

    test('fails on both source and repoUrl/path', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', {
        repoUrl: 'https://x/y.git', path: 'dist/checkout', source: ApplicationSource.directory({ repoUrl: 'https://x/y.git', path: 'dist/checkout' }),
      })).toThrow('[apps/checkout] both source and repoUrl/path/targetRevision/recurse are given; give either source');
    });

    test('fails without any source', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', {}))
        .toThrow('[apps/checkout] no source: repoUrl is not given; got {"repoUrl":"","path":""}; give repoUrl (and path, or let it be derived from deploys), or source');
      // without path the source is derived from deploys, at synth
      new ArgoCdApplication(apps, 'nothing', { repoUrl: 'https://x/y.git' });
      expect(() => Testing.synth(apps)).toThrow(/\[apps\/nothing\] path not given and deploys is empty, so there is no chart to derive the source from; got \[\]; give path/);
    });

    test('fails on an absolute path and an unpinned Helm chart', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', { repoUrl: 'https://x/y.git', path: '/dist' }))
        .toThrow('[apps/checkout] source path must be a non-empty path relative to the repository root without ".."; got "/dist"; give e.g. "dist/checkout"');
      expect(() => ApplicationSource.helmChart({ repoUrl: 'https://charts', chart: 'x' }))
        .toThrow('[ApplicationSource.helmChart] helm chart source "x": targetRevision is not a chart version; got ""; pin one');
    });

    test('fails on an invalid name', () => {
      const { apps } = setup();
      expect(() => new ArgoCdApplication(apps, 'checkout', { name: 'Checkout', repoUrl: 'https://x/y.git', path: 'dist/checkout' }))
        .toThrow('[apps/checkout] name is not a DNS-1123 subdomain; got "Checkout"; use lowercase letters');
    });

    test('derives a kebab-case name from an id in camel case', () => {
      const { apps } = setup();
      expect(new ArgoCdApplication(apps, 'CheckoutApp', { repoUrl: 'https://x/y.git', path: 'dist/checkout' }).name).toBe('checkout-app');
    });
  });
});
