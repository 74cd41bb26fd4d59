import { deadRules, diffObject, drift, IgnoreRule, jqDelete, normalize, removePointer, ruleMatches } from '../helpers/argocd-diff';
import { simulateController } from '../helpers/controller-simulator';
import { ALB_RULES, albApp, albPingPongApp, ISTIO_HOST_RULES, ISTIO_SUBSET_RULES, istioHostApp, istioSubsetApp, service } from '../helpers/fixtures';

/** Every phase's drift, as `phase: object path` lines. */
async function driftLines(desired: any[], rules: IgnoreRule[], strict = false): Promise<string[]> {
  const lines: string[] = [];
  for (const phase of simulateController(desired)) {
    for (const d of await drift(desired, phase.live, rules, { strict })) {
      for (const f of d.fields) lines.push(`${phase.name}: ${d.object} ${f.path}`);
    }
  }
  return lines;
}

/** Each rule set with one path removed, labelled. */
function mutations(rules: IgnoreRule[]): Array<{ label: string; rules: IgnoreRule[] }> {
  const out: Array<{ label: string; rules: IgnoreRule[] }> = [];
  rules.forEach((rule, i) => {
    for (const field of ['jsonPointers', 'jqPathExpressions'] as const) {
      (rule[field] ?? []).forEach((path, j) => {
        const mutated = { ...rule, [field]: rule[field]!.filter((_, k) => k !== j) };
        out.push({ label: `${rule.kind}/${rule.name} without ${path}`, rules: rules.map((r, k) => (k === i ? mutated : r)) });
      });
    }
  });
  return out;
}

describe('Argo CD normaliser', () => {
  test('JSON pointer removal skips a missing path silently and unescapes ~1 and ~0', () => {
    const obj = { metadata: { annotations: { 'a/b': 'x', 'c~d': 'y' } }, spec: { list: [1, 2] } };
    expect(removePointer(obj, '/metadata/annotations/a~1b')).toBe(true);
    expect(removePointer(obj, '/metadata/annotations/c~0d')).toBe(true);
    expect(removePointer(obj, '/metadata/labels/x')).toBe(false);
    expect(removePointer(obj, '/spec/list/5')).toBe(false);
    expect(removePointer(obj, '/spec/list/0')).toBe(true);
    expect(obj).toEqual({ metadata: { annotations: {} }, spec: { list: [2] } });
  });

  test('runs jq del() with the real jq and skips an expression that fails at runtime', async () => {
    const vs = { spec: { http: [{ name: 'a', route: [{ weight: 1 }, { weight: 2 }] }, { name: 'b' }] } };
    expect(await jqDelete(vs, '.spec.http[]?.route[]?.weight')).toEqual({ spec: { http: [{ name: 'a', route: [{}, {}] }, { name: 'b' }] } });
    expect(await jqDelete(vs, '.spec.http[]? | select(.name == "b")')).toEqual({ spec: { http: [{ name: 'a', route: [{ weight: 1 }, { weight: 2 }] }] } });
    // iterating a missing list without `?` is a runtime error: Argo CD skips the expression
    expect(await jqDelete({ spec: {} }, '.spec.tcp[].route')).toBeUndefined();
    expect(await jqDelete({ spec: {} }, '.spec.tcp[]?.route')).toEqual({ spec: {} });
    // an expression that does not compile fails the comparison of the whole Application
    await expect(jqDelete(vs, 'not valid jq (')).rejects.toThrow(/Failed to compare desired state to live state: failed to create diff normalizer: del\(not valid jq \(\)/);
  });

  test('matches group and kind by glob, name and namespace exactly, empty group = core only', () => {
    const svc = service('checkout-stable');
    expect(ruleMatches({ kind: 'Service' }, svc)).toBe(true);
    expect(ruleMatches({ kind: 'Serv*' }, svc)).toBe(true);
    expect(ruleMatches({ group: 'networking.k8s.io', kind: 'Service' }, svc)).toBe(false);
    expect(ruleMatches({ kind: 'Ingress' }, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x' } })).toBe(false);
    expect(ruleMatches({ kind: 'Service', name: 'checkout' }, svc)).toBe(false);
    expect(ruleMatches({ kind: 'Service', namespace: 'other' }, svc)).toBe(false);
  });

  test('applies each jq expression separately, skipping only the failing one', async () => {
    const vs = { spec: { http: [{ route: [{ weight: 1 }] }] } };
    const out = await normalize(vs, [{ kind: '*', group: '*', jqPathExpressions: ['.spec.tcp[].route', '.spec.http[]?.route[]?.weight'] }]);
    expect(out).toEqual({ spec: { http: [{ route: [{}] }] } });
  });

  test('survives many jq runs (the wasm instance is recycled)', async () => {
    for (let i = 0; i < 400; i++) await jqDelete({ a: i }, '.a');
    expect(await jqDelete({ a: 1, b: 2 }, '.a')).toEqual({ b: 2 });
  });

  test('drops /status and applies only matching entries', async () => {
    const svc = { ...service('a'), status: { loadBalancer: {} } };
    const out = await normalize(svc, [{ kind: 'Service', name: 'b', jsonPointers: ['/spec/selector'] }, { kind: 'Service', name: 'a', jsonPointers: ['/spec/ports'] }]);
    expect(out.status).toBeUndefined();
    expect(out.spec).toEqual({ selector: { app: 'checkout' } });
  });
});

describe('Argo CD diff', () => {
  test('legacy diff reports changed desired fields but not live-only keys', () => {
    const desired = { spec: { selector: { app: 'x' }, weight: 100, list: [{ a: 1 }] }, metadata: { annotations: { k: 'v' } } };
    const live = { spec: { selector: { app: 'x', hash: 'h' }, weight: 80, list: [{ a: 1, b: 2 }] }, metadata: { annotations: { k: 'v', extra: 'e' } } };
    expect(diffObject(desired, live)).toEqual([{ path: '/spec/weight', desired: 100, live: 80 }]);
  });

  test('a list of another length is drift', () => {
    expect(diffObject({ l: [1] }, { l: [1, 2] })).toEqual([{ path: '/l', desired: [1], live: [1, 2] }]);
  });

  test('strict diff also reports live-only keys in atomic maps and list elements, not in annotations', () => {
    const desired = { kind: 'Service', apiVersion: 'v1', spec: { selector: { app: 'x' }, list: [{ a: 1 }] }, metadata: { annotations: { k: 'v' } } };
    const live = { kind: 'Service', apiVersion: 'v1', spec: { selector: { app: 'x', hash: 'h' }, list: [{ a: 1, b: 2 }] }, metadata: { annotations: { k: 'v', extra: 'e' } } };
    expect(diffObject(desired, live, { strict: true }).map(f => f.path)).toEqual(['/spec/selector/hash', '/spec/list/0/b']);
  });
});

describe('drift of hand-written apps through the simulated controller', () => {
  test.each([
    ['ALB with a header route', albApp, ALB_RULES],
    ['Istio host-level with header and mirror routes', istioHostApp, ISTIO_HOST_RULES],
    ['Istio subset-level', istioSubsetApp, ISTIO_SUBSET_RULES],
  ])('%s: no drift at any phase, legacy and strict', async (_name, app, rules) => {
    expect(await driftLines(app(), rules)).toEqual([]);
    expect(await driftLines(app(), rules, true)).toEqual([]);
  });

  test('without ignore rules the ALB app drifts at the weighted action and the header-route path', async () => {
    const lines = await driftLines(albApp(), []);
    expect(lines).toContain('release 2: step 3 setWeight 1: networking.k8s.io/Ingress shop/checkout /metadata/annotations/alb.ingress.kubernetes.io~1actions.checkout-root');
    expect(lines).toContain('release 2: step 1 setHeaderRoute canary-header: networking.k8s.io/Ingress shop/checkout /spec/rules/0/http/paths');
  });

  test('without ignore rules, ALB ping-pong without an action in Git has no legacy drift', async () => {
    expect(await driftLines(albPingPongApp(), [])).toEqual([]);
  });

  test('strict diff sees the Service selector hash and DestinationRule labels that legacy diff does not', async () => {
    const lines = await driftLines(istioSubsetApp(), [ISTIO_SUBSET_RULES[1]], true);
    expect(lines).toContain('release 2: step 0 setWeight 20: networking.istio.io/DestinationRule shop/checkout /spec/subsets/0/labels/rollouts-pod-template-hash');
    expect(await driftLines(istioSubsetApp(), [ISTIO_SUBSET_RULES[1]])).toEqual([]);
  });

  test.each([
    ['ALB', albApp, ALB_RULES],
    ['Istio host-level', istioHostApp, ISTIO_HOST_RULES],
    ['Istio subset-level', istioSubsetApp, ISTIO_SUBSET_RULES],
  ])('%s: removing any single ignore path makes drift appear (legacy or strict)', async (_name, app, rules) => {
    for (const mutation of mutations(rules)) {
      const lines = [...await driftLines(app(), mutation.rules), ...await driftLines(app(), mutation.rules, true)];
      expect({ mutation: mutation.label, drifts: lines.length > 0 }).toEqual({ mutation: mutation.label, drifts: true });
    }
  });

  test('dead-rule check: reports rules that match nothing and paths that never exist', async () => {
    const desired = albApp();
    const phases = simulateController(desired).map(p => p.live);
    expect(await deadRules(ALB_RULES, desired, phases)).toEqual([]);
    expect(await deadRules([
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'checkout', jqPathExpressions: ['.spec.http[]?.route[]?.weight'] },
      { group: 'networking.k8s.io', kind: 'Ingress', name: 'checkout', jsonPointers: ['/metadata/annotations/alb.ingress.kubernetes.io~1actions.typo'] },
      { group: 'networking.k8s.io', kind: 'Ingress', name: 'checkout', jqPathExpressions: ['.spec.tls[]?.hosts'] },
    ], desired, phases)).toEqual([
      'networking.istio.io/VirtualService */checkout matches no emitted object',
      'networking.k8s.io/Ingress */checkout jsonPointer /metadata/annotations/alb.ingress.kubernetes.io~1actions.typo exists in no matched object at any phase',
      'networking.k8s.io/Ingress */checkout jqPathExpression .spec.tls[]?.hosts selects nothing in any matched object at any phase',
    ]);
  });
});
