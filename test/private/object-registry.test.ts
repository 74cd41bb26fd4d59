import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, Node } from 'constructs';
import { registerObject } from '../../src/private/object-registry';

/** A construct at `path` in `app` that emits one object and registers it. */
function emit(app: App, chartId: string, apiVersion: string, kind: string, name: string, namespace?: string): Construct {
  const chart = (app.node.tryFindChild(chartId) as Chart | undefined) ?? new Chart(app, chartId);
  const owner = new Construct(chart, `${kind}-${name}-${chart.node.children.length}`);
  registerObject(owner, new ApiObject(owner, 'Resource', { apiVersion, kind, metadata: { name, namespace } }));
  return owner;
}

describe('registerObject', () => {
  test('the later of two owners of one object reports the earlier, the earlier reports nothing', () => {
    const app = new App();
    const first = emit(app, 'one', 'v1', 'Service', 'orders', 'shop');
    const second = emit(app, 'two', 'v1', 'Service', 'orders', 'shop');
    expect(first.node.validate()).toEqual([]);
    expect(second.node.validate()).toEqual([
      `Service "orders" in namespace "shop" is also emitted by ${first.node.path}; got the same (group, kind, namespace, name) twice in one App, `
      + 'so one would overwrite the other when applied; give one of them another name or namespace',
    ]);
  });

  test('a third owner reports both earlier ones', () => {
    const app = new App();
    const a = emit(app, 'c', 'v1', 'ConfigMap', 'cfg', 'shop');
    const b = emit(app, 'c', 'v1', 'ConfigMap', 'cfg', 'shop');
    const c = emit(app, 'c', 'v1', 'ConfigMap', 'cfg', 'shop');
    const errors = c.node.validate();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(`is also emitted by ${a.node.path};`);
    expect(errors[1]).toMatch(`is also emitted by ${b.node.path};`);
  });

  test('the API version is not part of the identity, the API group is', () => {
    const app = new App();
    emit(app, 'c', 'networking.istio.io/v1beta1', 'VirtualService', 'orders', 'shop');
    const sameGroup = emit(app, 'c', 'networking.istio.io/v1', 'VirtualService', 'orders', 'shop');
    const otherGroup = emit(app, 'c', 'example.com/v1', 'VirtualService', 'orders', 'shop');
    expect(sameGroup.node.validate()).toHaveLength(1);
    expect(otherGroup.node.validate()).toEqual([]);
  });

  test('the same name in another namespace or of another kind is fine', () => {
    const app = new App();
    emit(app, 'c', 'v1', 'Service', 'orders', 'shop');
    expect(emit(app, 'c', 'v1', 'Service', 'orders', 'shop2').node.validate()).toEqual([]);
    expect(emit(app, 'c', 'v1', 'ConfigMap', 'orders', 'shop').node.validate()).toEqual([]);
  });

  test('the namespace of a cluster-scoped kind is ignored, and not shown', () => {
    const app = new App();
    emit(app, 'c', 'argoproj.io/v1alpha1', 'ClusterAnalysisTemplate', 'success-rate', 'shop');
    const second = emit(app, 'c', 'argoproj.io/v1alpha1', 'ClusterAnalysisTemplate', 'success-rate', 'other');
    expect(second.node.validate()).toEqual([expect.stringMatching(/^ClusterAnalysisTemplate "success-rate" is also emitted by /)]);
  });

  test('an object without a namespace is described without one', () => {
    const app = new App();
    emit(app, 'c', 'v1', 'Service', 'orders');
    expect(emit(app, 'c', 'v1', 'Service', 'orders').node.validate()).toEqual([expect.stringMatching(/^Service "orders" is also emitted by /)]);
  });

  test('registering one object twice is not a duplicate', () => {
    const app = new App();
    const owner = emit(app, 'c', 'v1', 'Service', 'orders', 'shop');
    registerObject(owner, owner.node.findChild('Resource') as ApiObject);
    expect(owner.node.validate()).toEqual([]);
  });

  test('objects in different Apps do not collide', () => {
    emit(new App(), 'c', 'v1', 'Service', 'orders', 'shop');
    expect(emit(new App(), 'c', 'v1', 'Service', 'orders', 'shop').node.validate()).toEqual([]);
  });

  test('only an owner with an earlier duplicate gets a validation (cdk8s runs every validation once per chart)', () => {
    const app = new App();
    const added = jest.spyOn(Node.prototype, 'addValidation');
    try {
      emit(app, 'c', 'v1', 'Service', 'orders', 'shop');
      emit(app, 'c', 'v1', 'Service', 'payments', 'shop');
      expect(added).not.toHaveBeenCalled();
      const second = emit(app, 'c', 'v1', 'Service', 'orders', 'shop');
      expect(added).toHaveBeenCalledTimes(1);
      expect(added.mock.contexts[0]).toBe(second.node);
    } finally {
      added.mockRestore();
    }
  });

  test('a duplicate fails the synthesis of the App', () => {
    const app = new App();
    emit(app, 'one', 'v1', 'Secret', 'token', 'shop');
    emit(app, 'two', 'v1', 'Secret', 'token', 'shop');
    expect(() => app.synthYaml()).toThrow(/Secret "token" in namespace "shop" is also emitted by one\/Secret-token-0/);
  });
});
