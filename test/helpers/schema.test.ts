import { validateManifest } from './schema';

describe('schema validation helper', () => {
  test('accepts a valid Rollout', () => {
    expect(() => validateManifest({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { app: 'app' } }, strategy: { canary: { steps: [{ setWeight: 20 }] } } },
    })).not.toThrow();
  });

  test('fails on a Rollout whose setWeight is not an integer', () => {
    expect(() => validateManifest({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { app: 'app' } }, strategy: { canary: { steps: [{ setWeight: '20' }] } } },
    })).toThrow(/Rollout app does not match its argoproj.io\/v1alpha1 schema: .*setWeight must be integer/);
  });

  test('fails on a VirtualService route weight that is not an integer', () => {
    expect(() => validateManifest({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'app' },
      spec: { http: [{ route: [{ destination: { host: 'a' }, weight: 'x' }] }] },
    })).toThrow(/VirtualService app does not match/);
  });

  test('fails on an Application without a destination', () => {
    expect(() => validateManifest({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'app' },
      spec: { project: 'default' },
    })).toThrow(/Application app does not match/);
  });

  test('fails on a Service port that is not an integer', () => {
    expect(() => validateManifest({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: '80' }] },
    })).toThrow(/Service s does not match its v1 schema/);
  });

  test('fails on an Ingress backend without a service name', () => {
    expect(() => validateManifest({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { port: { name: 'use-annotation' } } } }] } }] },
    })).toThrow(/Ingress i does not match/);
  });

  test('fails on a kind it has no schema for', () => {
    expect(() => validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .toThrow(/no schema is known for example.com\/v1 Widget/);
  });
});
