import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryApp } from '../../src/canary-app';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { Rollout } from '../../src/rollout/rollout';
import { TrafficRouting } from '../../src/routing/traffic-routing';

const IMAGE = 'ghcr.io/acme/checkout:1.4.2';

/** An App (default output, FILE_PER_CHART) with `n` CanaryApps, one chart each, and their Applications. */
function platform(n: number) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesis-cache-'));
  const app = new App({ outdir });
  const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
  const apps: CanaryApp[] = [];
  for (let i = 0; i < n; i++) {
    const chart = new Chart(app, `svc${i}`, { namespace: `svc${i}` });
    apps.push(new CanaryApp(chart, `svc${i}`, { image: IMAGE, containerPort: 8080, routing: TrafficRouting.alb({ host: `svc${i}.example.com` }) }));
    new ArgoCdApplication(argocd, `svc${i}`, { repoUrl: 'https://github.com/acme/platform.git', outdirInRepo: 'dist', deploys: [chart] });
  }
  return { app, apps, cleanup: () => fs.rmSync(outdir, { recursive: true, force: true }) };
}

describe('validation results are reused within one synthesis only', () => {
  test('a Rollout is validated once per synthesis, though cdk8s validates the App once per chart', () => {
    const { app, cleanup } = platform(4);
    const spy = jest.spyOn(Rollout.prototype as any, 'validateReferences');
    try {
      app.synth();
      expect(spy).toHaveBeenCalledTimes(4);
      app.synthYaml();
      expect(spy).toHaveBeenCalledTimes(8);
    } finally {
      spy.mockRestore();
      cleanup();
    }
  });

  test('a construct added after a first synth makes the second synth fail', () => {
    const { app, cleanup } = platform(2);
    try {
      app.synth();
      // a second chart in the same namespace emitting the same objects
      new CanaryApp(new Chart(app, 'copy', { namespace: 'svc0' }), 'svc0', { image: IMAGE, containerPort: 8080, routing: TrafficRouting.alb({ host: 'copy.example.com' }) });
      expect(() => app.synth()).toThrow(/Service "svc0-stable" in namespace "svc0" is also emitted by svc0\/svc0\/stable/);
    } finally {
      cleanup();
    }
  });

  test('a cdk8s-plus Service selector changed after a first synth makes the second synth fail', () => {
    const { app, apps, cleanup } = platform(2);
    try {
      expect(() => app.synthYaml()).not.toThrow();
      apps[1].stableService!.selectLabel('tier', 'web');
      expect(() => app.synthYaml()).toThrow(/Service "svc1-stable" selects tier=web, but the Rollout's pods have no label tier/);
      expect(() => Testing.synth(Chart.of(apps[1]))).toThrow(/selects tier=web/);
    } finally {
      cleanup();
    }
  });

  test('a Rollout selector changed after a first synth makes the second synth fail', () => {
    const { app, apps, cleanup } = platform(2);
    try {
      app.synth();
      apps[0].rollout.select(kplus.LabelSelector.of({ labels: { track: 'stable' } }));
      expect(() => app.synth()).toThrow(/the Rollout's selector track=stable does not match its pod template/);
    } finally {
      cleanup();
    }
  });

  test('outside a synthesis, node.validate() computes afresh on every call', () => {
    const { apps, cleanup } = platform(1);
    try {
      const service = apps[0].stableService!;
      expect(apps[0].rollout.node.validate()).toEqual([]);
      service.selectLabel('tier', 'web');
      expect(apps[0].rollout.node.validate()).toEqual([expect.stringMatching(/selects tier=web/)]);
    } finally {
      cleanup();
    }
  });

  test('with charts that depend on each other, the chart order is computed once per synthesis, not per Application', () => {
    const chartsRead = (n: number) => {
      const { app, cleanup } = platform(n);
      app.node.findChild('argocd').node.addDependency(app.node.findChild('svc0'));
      const spy = jest.spyOn(App.prototype, 'charts', 'get');
      try {
        const yaml = app.synthYaml();
        expect(yaml).toContain('include: 0000-svc0.k8s.yaml');
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
        cleanup();
      }
    };
    expect(chartsRead(6)).toBe(chartsRead(2));
  });

  test('the derived Application source follows a change of chart layout between synths', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synthesis-cache-'));
    try {
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
      const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
      const chart = new Chart(app, 'svc', { namespace: 'svc' });
      new CanaryApp(chart, 'svc', { image: IMAGE, containerPort: 8080 });
      const application = new ArgoCdApplication(argocd, 'svc', { repoUrl: 'https://github.com/acme/platform.git', outdirInRepo: 'dist', deploys: [chart] });
      expect(app.synthYaml()).toMatch(/path: dist\/svc\n/);
      // a dependency between the charts makes cdk8s prefix the folders with their order
      argocd.addDependency(chart);
      expect(app.synthYaml()).toMatch(/path: dist\/0000-svc\n/);
      expect(application.source._toSource().path).toBe('dist/0000-svc');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
