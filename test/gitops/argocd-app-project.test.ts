import { ApiObject, Chart, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ArgoCdAppOfApps } from '../../src/gitops/app-of-apps';
import { ArgoCdAppProject } from '../../src/gitops/argocd-app-project';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { findManifest, synthValidated } from '../helpers/synth';

const REPO = 'https://github.com/acme/platform.git';

function setup() {
  const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  const argocd = new Chart(app, 'apps', { namespace: 'argocd' });
  const workload = new Chart(app, 'checkout', { namespace: 'shop' });
  new kplus.Deployment(workload, 'web', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
  new kplus.Service(workload, 'svc', { metadata: { name: 'checkout' }, ports: [{ port: 80 }] });
  return { app, argocd, workload };
}

describe('ArgoCdAppProject', () => {
  test('derives repos, destinations and kinds from what its Applications deploy', () => {
    // GIVEN
    const { argocd, workload } = setup();
    new ApiObject(workload, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    // WHEN
    const project = new ArgoCdAppProject(argocd, 'shop', { description: 'checkout team' });
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, destinationNamespace: 'shop', deploys: [workload] });
    // THEN
    const manifests = synthValidated(argocd);
    const spec = findManifest(manifests, 'AppProject', 'shop').spec;
    expect(spec).toEqual({
      description: 'checkout team',
      sourceRepos: [REPO],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: [{ group: '', kind: 'Service' }, { group: 'apps', kind: 'Deployment' }],
    });
    expect(findManifest(manifests, 'Application').spec.project).toBe('shop');
    expect(findManifest(manifests, 'AppProject').metadata.namespace).toBe('argocd');
  });

  test('accepts what its explicit lists allow (globs, any kind)', () => {
    const { argocd, workload } = setup();
    const project = new ArgoCdAppProject(argocd, 'shop', {
      sourceRepos: ['https://github.com/acme/*'],
      destinations: [{ server: '*', namespace: 'sh*' }],
      namespaceResources: [{ group: '*', kind: '*' }],
    });
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, deploys: [workload] });
    const spec = findManifest(synthValidated(argocd), 'AppProject').spec;
    expect(spec.sourceRepos).toEqual(['https://github.com/acme/*']);
    expect(spec.destinations).toEqual([{ server: '*', namespace: 'sh*' }]);
    expect(spec.namespaceResourceWhitelist).toEqual([{ group: '*', kind: '*' }]);
    expect(spec.clusterResourceWhitelist).toBeUndefined();
  });

  test('fails at synth when an Application deploys a kind, namespace or repo its project does not allow', () => {
    const { app, argocd, workload } = setup();
    new ApiObject(workload, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const project = new ArgoCdAppProject(argocd, 'shop', {
      sourceRepos: ['https://github.com/other/*'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'payments' }],
      clusterResources: [],
      namespaceResources: [{ group: 'apps', kind: 'Deployment' }],
    });
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, deploys: [workload] });
    expect(() => app.synth()).toThrow(/\[apps\/shop\] Application apps\/checkout reads a repository AppProject "shop" does not allow \(sourceRepos: https:\/\/github.com\/other\/\*\); got "https:\/\/github.com\/acme\/platform.git"; add it to sourceRepos/);
    expect(() => app.synth()).toThrow(/Application apps\/checkout deploys to a namespace on server "https:\/\/kubernetes.default.svc" that AppProject "shop" does not allow; got "shop"; add \{ server: 'https:\/\/kubernetes.default.svc', namespace: 'shop' \} to its destinations/);
    expect(() => app.synth()).toThrow(/deploys Namespace "shop", a cluster-scoped kind AppProject "shop" does not allow; got \{"group":"","kind":"Namespace"\}; add \{ group: '', kind: 'Namespace' \} to its clusterResources/);
    expect(() => app.synth()).toThrow(/deploys Service "checkout", a namespaced kind AppProject "shop" does not allow; got \{"group":"","kind":"Service"\}; add \{ group: '', kind: 'Service' \} to its namespaceResources/);
  });

  test('honours a denying destination', () => {
    const { app, argocd, workload } = setup();
    const project = new ArgoCdAppProject(argocd, 'shop', {
      destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!shop' }],
    });
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, deploys: [workload] });
    expect(() => app.synth()).toThrow(/deploys to a namespace on server "[^"]*" that AppProject "shop" does not allow; got "shop"/);
  });

  test('checks a cluster given by name', () => {
    const { app, argocd, workload } = setup();
    const project = new ArgoCdAppProject(argocd, 'shop', { destinations: [{ name: 'prod-eu', namespace: '*' }] });
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, destinationName: 'prod-us', deploys: [workload] });
    expect(() => app.synth()).toThrow(/deploys to a namespace on cluster "prod-us" that AppProject "shop" does not allow; got "shop"; add \{ name: 'prod-us', namespace: 'shop' \}/);
  });

  test('fails when the Application is in another namespace than its project', () => {
    const { app, workload } = setup();
    const other = new Chart(app, 'projects', { namespace: 'platform' });
    const argocd = app.node.findChild('apps') as Chart;
    const project = new ArgoCdAppProject(other, 'shop');
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', appProject: project, deploys: [workload] });
    expect(() => app.synth()).toThrow(/Application apps\/checkout is not in the namespace of its AppProject "shop" \("platform"\); got "argocd"; Argo CD looks the project up/);
  });

  test('fails when a derived project has an Application whose objects it cannot see', () => {
    const { app, argocd } = setup();
    const project = new ArgoCdAppProject(argocd, 'shop');
    new ArgoCdApplication(argocd, 'legacy', { repoUrl: REPO, path: 'legacy', appProject: project });
    expect(() => app.synth()).toThrow(/Application apps\/legacy deploys nothing this app defines, so AppProject "shop" cannot derive the namespaces and kinds it may use/);
  });

  test('fails when an Application gives both project and appProject', () => {
    const { argocd, workload } = setup();
    const project = new ArgoCdAppProject(argocd, 'shop');
    expect(() => new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', project: 'default', appProject: project, deploys: [workload] }))
      .toThrow('[apps/checkout] both project and appProject are given; got {"project":"default","appProject":"shop"}; give one of them');
  });

  test('fails on a destination with neither or both of server and name', () => {
    const { argocd } = setup();
    expect(() => new ArgoCdAppProject(argocd, 'a', { destinations: [{ namespace: 'shop' }] }))
      .toThrow('[apps/a] destination for namespace "shop" has neither server nor name; got {"namespace":"shop"}; give exactly one of server');
    expect(() => new ArgoCdAppProject(argocd, 'b', { destinations: [{ server: '*', name: '*', namespace: 'shop' }] }))
      .toThrow('[apps/b] destination for namespace "shop" has both server and name; got {"server":"*","name":"*","namespace":"shop"}; give exactly one');
  });

  test('fails on an invalid name', () => {
    const { argocd } = setup();
    expect(() => new ArgoCdAppProject(argocd, 'shop', { name: 'Shop' })).toThrow('[apps/shop] name is not a DNS-1123 subdomain; got "Shop"; use lowercase letters');
  });

  test('derives a kebab-case name from an id in camel case', () => {
    const { argocd } = setup();
    expect(new ArgoCdAppProject(argocd, 'ShopTeam').projectName).toBe('shop-team');
  });

  test('keeps the default project possible', () => {
    const { argocd, workload } = setup();
    new ArgoCdApplication(argocd, 'checkout', { repoUrl: REPO, outdirInRepo: 'dist', deploys: [workload] });
    expect(findManifest(synthValidated(argocd), 'Application').spec.project).toBe('default');
  });

  test('places an app of apps, root and children, in the project and allows the root its Applications', () => {
    // GIVEN
    const { argocd, workload } = setup();
    const project = new ArgoCdAppProject(argocd, 'platform');
    // WHEN
    const aoa = new ArgoCdAppOfApps(argocd, 'platform-root', { repoUrl: REPO, appProject: project });
    aoa.addChart(workload);
    // THEN
    const manifests = synthValidated(argocd);
    const apps = manifests.filter(m => m.kind === 'Application');
    expect(apps.map(a => a.spec.project)).toEqual(['platform', 'platform']);
    const spec = findManifest(manifests, 'AppProject').spec;
    expect(spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      { server: 'https://kubernetes.default.svc', namespace: 'shop' },
    ]);
    expect(spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'Service' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'argoproj.io', kind: 'Application' },
      { group: 'argoproj.io', kind: 'AppProject' },
    ]);
  });
});
