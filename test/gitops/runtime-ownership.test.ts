import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { IRuntimeOwner, RuntimeOwnedFields, RuntimeOwnership } from '../../src/gitops/runtime-ownership';

function record(name: string): RuntimeOwnedFields {
  return { group: '', kind: 'Service', name, jsonPointers: ['/spec/selector/rollouts-pod-template-hash'], reason: 'selector switched by the controller' };
}

class Owner extends Construct implements IRuntimeOwner {
  constructor(scope: Construct, id: string, private readonly records: RuntimeOwnedFields[]) {
    super(scope, id);
  }
  public runtimeOwnedFields(): RuntimeOwnedFields[] {
    return this.records;
  }
}

describe('RuntimeOwnership.isOwner', () => {
  test('is true for a construct with a runtimeOwnedFields method', () => {
    expect(RuntimeOwnership.isOwner(new Owner(Testing.chart(), 'o', []))).toBe(true);
  });

  test('is false for a plain construct', () => {
    expect(RuntimeOwnership.isOwner(new Construct(Testing.chart(), 'plain'))).toBe(false);
  });

  test('is false when runtimeOwnedFields is not a function', () => {
    const construct = new Construct(Testing.chart(), 'odd');
    (construct as any).runtimeOwnedFields = [record('x')];
    expect(RuntimeOwnership.isOwner(construct)).toBe(false);
  });
});

describe('RuntimeOwnership.collect', () => {
  test('returns the records of the scope itself and of every descendant, in tree order', () => {
    const chart = Testing.chart();
    const parent = new Owner(chart, 'parent', [record('a')]);
    new Owner(parent, 'child', [record('b'), record('c')]);
    const middle = new Construct(chart, 'middle');
    new Owner(middle, 'grandchild', [record('d')]);
    expect(RuntimeOwnership.collect(chart).map(r => r.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(RuntimeOwnership.collect(parent).map(r => r.name)).toEqual(['a', 'b', 'c']);
  });

  test('returns nothing for a tree without owners', () => {
    const chart = Testing.chart();
    new Construct(new Construct(chart, 'a'), 'b');
    expect(RuntimeOwnership.collect(chart)).toEqual([]);
  });

  test('returns the records as the owner gives them, without merging', () => {
    const chart = Testing.chart();
    const same = record('orders');
    new Owner(chart, 'one', [same]);
    new Owner(chart, 'two', [same]);
    expect(RuntimeOwnership.collect(chart)).toEqual([same, same]);
  });
});
