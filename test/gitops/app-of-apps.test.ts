import { Chart, Testing, YamlOutputType } from 'cdk8s';
import { CanaryApp } from '../../src/canary-app';
import { ArgoCdAppOfApps } from '../../src/gitops/app-of-apps';
import { ApplicationSource } from '../../src/gitops/application-source';
import { CascadeDelete } from '../../src/gitops/sync';
import { Step } from '../../src/rollout/step';
import { TrafficRouting } from '../../src/routing/traffic-routing';
import { findManifest, synthValidated } from '../helpers/synth';

const REPO = 'https://github.com/acme/platform.git';

describe('ArgoCdAppOfApps', () => {
  test('renders one Application per chart and a root reading the apps folder', () => {
    // GIVEN
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const checkout = new Chart(app, 'checkout', { namespace: 'shop' });
    new CanaryApp(checkout, 'checkout', {
      image: 'ghcr.io/acme/checkout:1.4.2',
      containerPort: 8080,
      routing: TrafficRouting.istio({ hosts: ['checkout'] }),
      steps: [Step.setWeight(10), Step.pause()],
    });
    const payments = new Chart(app, 'payments', { namespace: 'pay' });
    const apps = new Chart(app, 'apps', { namespace: 'argocd' });
    // WHEN
    const appOfApps = new ArgoCdAppOfApps(apps, 'platform', { repoUrl: REPO, targetRevision: 'main', automatedSync: { prune: true, selfHeal: true }, cascadeDelete: CascadeDelete.DEFAULT });
    appOfApps.addChart(checkout);
    appOfApps.addChart(payments, { automatedSync: { selfHeal: true } });
    // THEN
    const manifests = synthValidated(apps);
    expect(manifests.map(m => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'Application/argocd/platform', 'Application/argocd/checkout', 'Application/argocd/payments',
    ]);
    const root = findManifest(manifests, 'Application', 'platform');
    expect(root.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(root.spec).toEqual({
      project: 'default',
      source: { repoURL: REPO, path: 'dist/apps', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    const child = findManifest(manifests, 'Application', 'checkout');
    expect(child.spec.source).toEqual({ repoURL: REPO, path: 'dist/checkout', targetRevision: 'main' });
    expect(child.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(child.spec.ignoreDifferences.map((e: any) => `${e.kind}/${e.name}`)).toContain('VirtualService/checkout');
    expect(findManifest(manifests, 'Application', 'payments').spec).toMatchObject({
      destination: { namespace: 'pay' },
      syncPolicy: { automated: { prune: false, selfHeal: true } },
    });
    expect(appOfApps.applications.map(a => a.name)).toEqual(['checkout', 'payments']);
  });

  test('puts the root in another scope and honours explicit paths and sources', () => {
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const apps = new Chart(app, 'apps', { namespace: 'argocd' });
    const bootstrap = new Chart(app, 'bootstrap', { namespace: 'argocd' });
    const appOfApps = new ArgoCdAppOfApps(apps, 'platform', { repoUrl: REPO, chartsPath: 'deploy/prod/', rootScope: bootstrap });
    appOfApps.addApplication('rollouts', {
      source: ApplicationSource.helmChart({ repoUrl: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', targetRevision: '2.39.0' }),
      destinationNamespace: 'argo-rollouts',
    });
    expect(synthValidated(apps).map(m => m.metadata.name)).toEqual(['rollouts']);
    const root = findManifest(synthValidated(bootstrap), 'Application', 'platform');
    expect(root.spec.source.path).toBe('deploy/prod/apps');
    expect(findManifest(synthValidated(apps), 'Application', 'rollouts').spec.source.chart).toBe('argo-rollouts');
  });

  test('fails on two Applications with the same name', () => {
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const apps = new Chart(app, 'apps', { namespace: 'argocd' });
    const appOfApps = new ArgoCdAppOfApps(apps, 'platform', { repoUrl: REPO });
    appOfApps.addApplication('a', { name: 'checkout', path: 'dist/a' });
    appOfApps.addApplication('b', { name: 'checkout', path: 'dist/b' });
    expect(() => Testing.synth(apps)).toThrow(/\[apps\/platform\] Applications apps\/platform\/a and apps\/platform\/b have the same name; got "checkout"; give one of them another name/);
  });

  test('fails in a chart without namespace', () => {
    const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    const apps = new Chart(app, 'apps');
    expect(() => new ArgoCdAppOfApps(apps, 'platform', { repoUrl: REPO }))
      .toThrow('[apps/platform] the chart "apps" has no namespace; give it the Argo CD namespace');
  });
});
