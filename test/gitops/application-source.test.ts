import { Chart, Testing } from 'cdk8s';
import { ApplicationSource } from '../../src/gitops/application-source';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { findManifest, synthValidated } from '../helpers/synth';

const REPO = 'https://github.com/acme/platform.git';

function rendered(source: ApplicationSource): any {
  const apps = new Chart(Testing.app(), 'apps', { namespace: 'argocd' });
  new ArgoCdApplication(apps, 'orders', { source, destinationNamespace: 'shop' });
  return findManifest(synthValidated(apps), 'Application').spec.source;
}

describe('ApplicationSource.directory', () => {
  test('defaults targetRevision to HEAD and omits an empty directory block', () => {
    expect(rendered(ApplicationSource.directory({ repoUrl: REPO, path: 'dist/orders', recurse: false })))
      .toEqual({ repoURL: REPO, path: 'dist/orders', targetRevision: 'HEAD' });
  });

  test('renders include and exclude without recurse', () => {
    expect(rendered(ApplicationSource.directory({ repoUrl: REPO, path: '.', include: '*.yaml', exclude: 'test-*' })).directory)
      .toEqual({ include: '*.yaml', exclude: 'test-*' });
  });

  test('repoUrl is readable from the source', () => {
    expect(ApplicationSource.directory({ repoUrl: REPO, path: 'a' }).repoUrl).toBe(REPO);
  });

  test.each(['', 'dist/../secrets', '../up'])('fails on the path %j', path => {
    expect(() => ApplicationSource.directory({ repoUrl: REPO, path })).toThrow(
      `[ApplicationSource.directory] source path must be a non-empty path relative to the repository root without ".."; got ${JSON.stringify(path)}; give e.g. "dist/checkout" ("." for the root)`);
  });

  test('accepts a name that merely contains two dots', () => {
    expect(rendered(ApplicationSource.directory({ repoUrl: REPO, path: 'dist/v1..2' })).path).toBe('dist/v1..2');
  });

  test.each(['', 'https://github.com/acme/my platform.git'])('fails on the repoUrl %j', repoUrl => {
    expect(() => ApplicationSource.directory({ repoUrl, path: 'a' })).toThrow(
      `[ApplicationSource.directory] source repoUrl is empty or contains spaces; got ${JSON.stringify(repoUrl)}; give the repository URL, e.g. "https://github.com/acme/platform.git"`);
  });
});

describe('ApplicationSource.helmChart', () => {
  test('renders value files and omits the helm block when nothing is set', () => {
    expect(rendered(ApplicationSource.helmChart({ repoUrl: 'https://charts.example.com', chart: 'orders', targetRevision: '1.2.3', valueFiles: ['prod.yaml'] })))
      .toEqual({ repoURL: 'https://charts.example.com', chart: 'orders', targetRevision: '1.2.3', helm: { valueFiles: ['prod.yaml'] } });
    expect(rendered(ApplicationSource.helmChart({ repoUrl: 'https://charts.example.com', chart: 'orders', targetRevision: '1.2.3' })))
      .toEqual({ repoURL: 'https://charts.example.com', chart: 'orders', targetRevision: '1.2.3' });
  });

  test('fails on an empty chart name', () => {
    expect(() => ApplicationSource.helmChart({ repoUrl: 'https://charts.example.com', chart: '', targetRevision: '1.0.0' }))
      .toThrow('[ApplicationSource.helmChart] helm chart source: chart is empty; set the chart name, e.g. "argo-rollouts"');
  });

  test('fails on HEAD, which is not a chart version', () => {
    expect(() => ApplicationSource.helmChart({ repoUrl: 'https://charts.example.com', chart: 'orders', targetRevision: 'HEAD' }))
      .toThrow('[ApplicationSource.helmChart] helm chart source "orders": targetRevision is not a chart version; got "HEAD"; pin one, e.g. "2.39.0"');
  });
});

describe('ApplicationSource.kustomize', () => {
  test('renders an empty kustomize block when no option is set, so Argo CD uses Kustomize', () => {
    expect(rendered(ApplicationSource.kustomize({ repoUrl: REPO, path: 'k/overlays/prod', targetRevision: 'v2' })))
      .toEqual({ repoURL: REPO, path: 'k/overlays/prod', targetRevision: 'v2', kustomize: {} });
  });

  test('renders suffix, images and common labels', () => {
    expect(rendered(ApplicationSource.kustomize({
      repoUrl: REPO, path: 'k/base', nameSuffix: '-prod', images: ['ghcr.io/acme/orders:1.4.2'], commonLabels: { team: 'shop' },
    })).kustomize).toEqual({ nameSuffix: '-prod', images: ['ghcr.io/acme/orders:1.4.2'], commonLabels: { team: 'shop' } });
  });

  test('fails on an absolute path', () => {
    expect(() => ApplicationSource.kustomize({ repoUrl: REPO, path: '/k/base' })).toThrow(/^\[ApplicationSource.kustomize\] source path must be a non-empty path relative.*; got "\/k\/base"; /);
  });
});
