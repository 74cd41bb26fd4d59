// Each test loads the library afresh in jest's module registry, so it uses require()
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'fs';
import * as path from 'path';
import * as l1Modules from '../../src/private/l1-modules';

const IMPORTS = path.join(__dirname, '..', '..', 'src', 'imports');
const L1_MODULES = fs.readdirSync(IMPORTS).filter(f => f.endsWith('.ts')).map(f => f.replace(/\.ts$/, ''));

/** Runs `body` with a fresh module registry; returns the generated L1 modules it loaded. */
function l1ModulesLoadedBy(body: () => void): string[] {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const m of L1_MODULES) {
      const file = path.join(IMPORTS, m);
      jest.doMock(file, () => {
        loaded.push(m);
        return jest.requireActual(file);
      });
    }
    body();
  });
  return loaded.sort();
}

describe('generated L1 modules load on first use', () => {
  test('requiring the library loads none of them', () => {
    expect(l1ModulesLoadedBy(() => require('../../src'))).toEqual([]);
  });

  test('an Istio CanaryApp loads the VirtualService module only (the Rollout renders without its L1), and renders with it', () => {
    let manifests: any[] = [];
    const loaded = l1ModulesLoadedBy(() => {
      const { Chart, Testing } = require('cdk8s');
      const lib = require('../../src');
      const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
      new lib.CanaryApp(chart, 'checkout', {
        image: 'ghcr.io/acme/checkout:1.4.2',
        containerPort: 8080,
        routing: lib.TrafficRouting.istio({ hosts: ['checkout.example.com'], gateways: ['istio-system/public'] }),
      });
      manifests = Testing.synth(chart);
    });
    expect(loaded).toEqual(['virtualservice-networking.istio.io']);
    expect(manifests.map(o => `${o.apiVersion} ${o.kind}`)).toEqual(expect.arrayContaining([
      'argoproj.io/v1alpha1 Rollout', 'networking.istio.io/v1beta1 VirtualService',
    ]));
  });

  test('each function returns its module, the same object on every call', () => {
    const kinds: Array<[() => any, string]> = [
      [l1Modules.analysisTemplateL1, 'AnalysisTemplate'],
      [l1Modules.applicationL1, 'Application'],
      [l1Modules.appProjectL1, 'AppProject'],
      [l1Modules.destinationRuleL1, 'DestinationRule'],
      [l1Modules.virtualServiceL1, 'VirtualService'],
    ];
    for (const [get, kind] of kinds) {
      expect(get()[kind].GVK.kind).toBe(kind);
      expect(get()).toBe(get());
    }
  });
});
