import {
  ingressHostProblem, ingressPathProblem, int32Problem, isHttpToken, istioExportToProblem, istioGatewayProblem,
  istioHostProblem, qualifiedNameProblem, re2Problem,
} from '../../src/private/checks';

describe('re2Problem (RE2 is the engine of Envoy and the controller)', () => {
  test.each(['^v[0-9]+$', 'a|b', '(?i)beta', '[(?=]x', '\\d+\\.\\d+', '(?P<n>x)', '(?i:x)y', 'a{1,1000}', '\\\\1'])('accepts %s', p => {
    expect(re2Problem(p)).toBeUndefined();
  });
  test.each([
    ['a(?=b)', /lookahead/], ['a(?!b)', /lookahead/], ['(?<=a)b', /lookbehind/], ['(?<!a)b', /lookbehind/],
    ['(a)\\1', /backreference \\1/], ['(?<x>a)\\k<x>', /named backreference/], ['(?>a)', /atomic group/],
    ['a*+', /possessive/], ['a{2}+', /possessive/], ['\\q', /escape \\q/], ['a{1001}', /limit of 1000/], ['(a', /does not compile/], ['a\\', /lone backslash/],
  ])('rejects %s', (p, expected) => {
    expect(re2Problem(p)).toMatch(expected);
  });
});

describe('other checks', () => {
  test('int32Problem', () => {
    expect(int32Problem(2147483647, 0)).toBeUndefined();
    expect(int32Problem(2147483648, 0)).toMatch(/int32/);
    expect(int32Problem(-1, 0)).toMatch(/from 0/);
    expect(int32Problem(1.5, 0)).toMatch(/whole number/);
  });
  test('isHttpToken', () => {
    expect(isHttpToken('x-canary_1.v~')).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'a/b', 'ä', '(x)']) expect(isHttpToken(bad)).toBe(false);
  });
  test('ingressHostProblem', () => {
    for (const ok of ['qa-domain.com', '*.example.com', 'a']) expect(ingressHostProblem(ok)).toBeUndefined();
    for (const bad of ['QA.com', 'qa.com:443', '10.0.0.1', 'a.*.com', '*', 'http://a.com', 'a_b.com']) expect(ingressHostProblem(bad)).toBeDefined();
  });
  test('ingressPathProblem', () => {
    for (const ok of ['/', '/api', '/api/v1/', '/a..b']) expect(ingressPathProblem(ok)).toBeUndefined();
    for (const bad of ['api', '//x', '/a//b', '/a/../b', '/a/..', '/a/./b', '/a/.', '/a%2fb', '/a b']) expect(ingressPathProblem(bad)).toBeDefined();
  });
  test('qualifiedNameProblem', () => {
    for (const ok of ['a', 'alb.ingress.kubernetes.io/scheme', 'example.com/A_b.c-1']) expect(qualifiedNameProblem(ok)).toBeUndefined();
    for (const bad of ['', 'Alb.io/x', 'a.io/', 'a.io/-x', `a.io/${'x'.repeat(64)}`, 'a b', '/x']) expect(qualifiedNameProblem(bad)).toBeDefined();
  });
  test('istio hosts, gateways and exportTo', () => {
    for (const ok of ['checkout', 'Checkout.example.com', '*.example.com', '*', 'checkout.shop.svc.cluster.local']) expect(istioHostProblem(ok)).toBeUndefined();
    for (const bad of ['http://checkout', 'checkout:80', 'a/b', 'a..b', 'a.*.b', '-a']) expect(istioHostProblem(bad)).toBeDefined();
    for (const ok of ['mesh', 'public', 'istio-system/public', 'ns/gw.example']) expect(istioGatewayProblem(ok)).toBeUndefined();
    for (const bad of ['ns/', '/gw', 'Public', 'a/b/c', 'NS/gw']) expect(istioGatewayProblem(bad)).toBeDefined();
    for (const ok of [['.'], ['*'], ['shop', '.']]) expect(istioExportToProblem(ok)).toBeUndefined();
    for (const bad of [['Shop'], ['~'], ['*', '.'], ['a', 'a'], ['a.b']]) expect(istioExportToProblem(bad)).toBeDefined();
  });
});
