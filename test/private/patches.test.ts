import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { Application } from '../../src/imports/application-argoproj.io';
import { applyPatchesLast, patchProblem } from '../../src/private/patches';

function application() {
  const chart = Testing.chart();
  const source = { repoUrl: 'https://github.com/acme/deploy.git', path: 'apps/orders', targetRevision: 'main' };
  const app = new Application(chart, 'orders', {
    metadata: { name: 'orders', namespace: 'argocd' },
    spec: { project: 'default', destination: { namespace: 'shop', server: 'https://kubernetes.default.svc' }, source },
  });
  return { chart, app, source };
}

describe('applyPatchesLast', () => {
  test('renders exactly as without patches when none were added', () => {
    const plain = application();
    const wrapped = application();
    applyPatchesLast(wrapped.app);
    expect(Testing.synth(wrapped.chart)).toEqual(Testing.synth(plain.chart));
  });

  test('a patch in Kubernetes spelling survives the L1 converter', () => {
    const { chart, app } = application();
    applyPatchesLast(app);
    app.addJsonPatch(JsonPatch.replace('/spec/source/repoURL', 'https://github.com/acme/mirror.git'));
    const [manifest] = Testing.synth(chart);
    expect(manifest.spec.source).toEqual({ repoURL: 'https://github.com/acme/mirror.git', path: 'apps/orders', targetRevision: 'main' });
  });

  test('without it, the same patch is dropped by the L1 converter (why the module exists)', () => {
    const { chart, app } = application();
    app.addJsonPatch(JsonPatch.replace('/spec/source/repoURL', 'https://github.com/acme/mirror.git'));
    const [manifest] = Testing.synth(chart);
    expect(manifest.spec.source.repoURL).toBe('https://github.com/acme/deploy.git');
  });

  test('patches apply in the order they were added', () => {
    const { chart, app } = application();
    applyPatchesLast(app);
    app.addJsonPatch(JsonPatch.add('/spec/source/directory', { recurse: false }));
    app.addJsonPatch(JsonPatch.replace('/spec/source/directory/recurse', true));
    expect(Testing.synth(chart)[0].spec.source.directory).toEqual({ recurse: true });
  });

  test('keeps apiVersion, kind and metadata first when a patch adds a top-level key', () => {
    const { chart, app } = application();
    applyPatchesLast(app);
    app.addJsonPatch(JsonPatch.add('/aaa', 'x'));
    expect(Object.keys(Testing.synth(chart)[0])).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'aaa']);
  });

  test('does not change the props the object was created from', () => {
    const { chart, app, source } = application();
    applyPatchesLast(app);
    app.addJsonPatch(JsonPatch.add('/spec/source/path', 'apps/patched'));
    Testing.synth(chart);
    expect(source.path).toBe('apps/orders');
  });

  test('calling it twice applies each patch once', () => {
    const { chart, app } = application();
    applyPatchesLast(app);
    applyPatchesLast(app);
    app.addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'payments' }));
    app.addJsonPatch(JsonPatch.add('/spec/info', []));
    app.addJsonPatch(JsonPatch.add('/spec/info/-', { name: 'owner', value: 'payments' }));
    const [manifest] = Testing.synth(chart);
    expect(manifest.metadata.labels).toEqual({ team: 'payments' });
    expect(manifest.spec.info).toEqual([{ name: 'owner', value: 'payments' }]);
  });

  test('a patch that does not apply names the path, the object, the operations and the fix', () => {
    const { chart, app } = application();
    applyPatchesLast(app);
    ApiObject.of(app).addJsonPatch(JsonPatch.add('/spec/nothere/child', 1));
    expect(() => Testing.synth(chart)).toThrow(
      /^\[test\/orders\] a JSON patch does not apply to the rendered Application "orders": .*; got \[\{"op":"add","path":"\/spec\/nothere\/child","value":1\}\]; patch paths address the Kubernetes JSON as written to the YAML \(e\.g\. \/spec\/source\/repoURL\): check that the parent path exists, and use JsonPatch\.add for a key that is not there yet$/s);
  });
});

describe('patchProblem', () => {
  const doc = { spec: { 'list': [1, 2], 'a/b': { x: 1 } } };
  test('accepts what RFC 6902 allows', () => {
    expect(patchProblem(doc, { op: 'add', path: '/spec/new', value: 1 })).toBeUndefined();
    expect(patchProblem(doc, { op: 'add', path: '/spec/list/-', value: 3 })).toBeUndefined();
    expect(patchProblem(doc, { op: 'add', path: '/spec/list/2', value: 3 })).toBeUndefined();
    expect(patchProblem(doc, { op: 'replace', path: '/spec/a~1b/x', value: 2 })).toBeUndefined();
    expect(patchProblem(doc, { op: 'copy', from: '/spec/list', path: '/spec/copy' })).toBeUndefined();
  });

  test('names the operation and the path that does not exist', () => {
    expect(patchProblem(doc, { op: 'replace', path: '/spec/nothere', value: 1 })).toBe('replace /spec/nothere: the path does not exist');
    expect(patchProblem(doc, { op: 'add', path: '/spec/nothere/child', value: 1 })).toBe('add /spec/nothere/child: the parent path does not exist');
    expect(patchProblem(doc, { op: 'add', path: '/spec/list/5', value: 1 })).toBe('add /spec/list/5: "5" is not an index of the array (0-2 or "-")');
    expect(patchProblem(doc, { op: 'test', path: '/spec/list/0', value: 9 })).toBe('test /spec/list/0: the value differs');
  });
});
