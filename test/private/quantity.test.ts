import { canonicalQuantity, withCanonicalQuantities } from '../../src/private/quantity';

// Expected values are what k8s.io/apimachinery's ParseQuantity(...).String() writes; the
// conformance suite checks the function against that code on seeded random quantities.
describe('canonicalQuantity', () => {
  test.each([
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['2048Mi', '2Gi'],
    ['512Mi', '512Mi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1.1Gi', '1181116006400m'],
    ['0.5Ki', '512'],
    ['1023Ki', '1023Ki'],
    ['1024', '1024'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['2', '2'],
    ['1000M', '1G'],
    ['5E', '5E'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['0.1m', '100u'],
    ['1n', '1n'],
    ['0', '0'],
    ['0.0Mi', '0'],
    ['-1000m', '-1'],
  ])('%s is written %s', (given, canonical) => {
    expect(canonicalQuantity(given)).toBe(canonical);
  });

  test('rounds up what is finer than a nano unit, as the API machinery does', () => {
    expect(canonicalQuantity('0.0000000001')).toBe('1n');
    expect(canonicalQuantity('1.0000000001')).toBe('1000000001n');
  });

  test('leaves what is not a quantity, or beyond an int64, to the API server', () => {
    for (const text of ['', 'abc', '1Mi5', '1e', '1.2.3', '8Ei', '1024Ei']) expect(canonicalQuantity(text)).toBeUndefined();
  });

  test('a canonical quantity stays as it is', () => {
    for (const text of ['1000m', '2048Mi', '1.5Gi', '0.1m', '1.5e3', '3.25k', '7Ki', '999999999999n']) {
      const once = canonicalQuantity(text)!;
      expect(canonicalQuantity(once)).toBe(once);
    }
  });
});

describe('withCanonicalQuantities', () => {
  test('rewrites container, init container, emptyDir and overhead quantities and nothing else', () => {
    const spec = {
      containers: [{ name: 'app', image: 'app:1', resources: { limits: { cpu: '1000m', memory: '2048Mi' }, requests: { 'cpu': '250m', 'ephemeral-storage': '1024Mi' } } }],
      initContainers: [{ name: 'init', image: 'init:1', resources: { requests: { memory: '0.5Gi' } } }, { name: 'bare', image: 'bare:1' }],
      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1024Ki' } }, { name: 'config', configMap: { name: 'c' } }],
      overhead: { cpu: '0.1' },
      hostname: '1000m',
    };
    const before = JSON.parse(JSON.stringify(spec));
    expect(withCanonicalQuantities(spec)).toEqual({
      containers: [{ name: 'app', image: 'app:1', resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { 'cpu': '250m', 'ephemeral-storage': '1Gi' } } }],
      initContainers: [{ name: 'init', image: 'init:1', resources: { requests: { memory: '512Mi' } } }, { name: 'bare', image: 'bare:1' }],
      volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Mi' } }, { name: 'config', configMap: { name: 'c' } }],
      overhead: { cpu: '100m' },
      hostname: '1000m',
    });
    // the rendered spec may share objects with the construct's props
    expect(spec).toEqual(before);
  });
});
