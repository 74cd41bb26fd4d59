import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { isDns1123Label, isDns1123Subdomain, isDnsLabel, readableName } from '../../src/private/names';

function named(id: string): Construct {
  return new Construct(Testing.chart(), id);
}

describe('readableName', () => {
  test.each([
    ['Checkout', 'checkout'],
    ['orders_api', 'orders-api'],
    ['My Service!', 'my-service'],
    ['2fast', 'fast'],
    ['api-v2', 'api-v2'],
  ])('derives %s -> %s', (id, expected) => {
    expect(readableName(named(id))).toBe(expected);
  });

  test('throws, naming the path and the id, when nothing usable is left', () => {
    expect(() => readableName(named('123')))
      .toThrow('[test/123] cannot derive a Kubernetes name from the id; got "123"; pass a name (a DNS-1035 label of at most 63 characters)');
  });

  test('throws when the derived name is longer than 63 characters', () => {
    expect(() => readableName(named('a'.repeat(64)))).toThrow(/cannot derive a Kubernetes name/);
  });

  test('accepts a derived name of exactly 63 characters', () => {
    expect(readableName(named('a'.repeat(63)))).toBe('a'.repeat(63));
  });
});

describe('DNS name predicates', () => {
  test('a DNS-1123 label may start with a digit, a DNS-1035 label may not', () => {
    expect(isDns1123Label('1shop')).toBe(true);
    expect(isDnsLabel('1shop')).toBe(false);
  });

  test('a DNS-1123 label has no dots, a subdomain may', () => {
    expect(isDns1123Label('argo.rollouts')).toBe(false);
    expect(isDns1123Subdomain('argo.rollouts')).toBe(true);
  });

  test.each(['Shop', 'shop-', '-shop', 'shop_1', ''])('rejects %j as a DNS-1123 label', name => {
    expect(isDns1123Label(name)).toBe(false);
  });

  test('enforces the length limits', () => {
    expect(isDns1123Label('a'.repeat(63))).toBe(true);
    expect(isDns1123Label('a'.repeat(64))).toBe(false);
    const subdomain253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(subdomain253).toHaveLength(253);
    expect(isDns1123Subdomain(subdomain253)).toBe(true);
    expect(isDns1123Subdomain(`${subdomain253}e`)).toBe(false);
  });

  test('isDnsLabel honours a shorter maximum', () => {
    expect(isDnsLabel('abcdef', 5)).toBe(false);
    expect(isDnsLabel('abcde', 5)).toBe(true);
  });
});
