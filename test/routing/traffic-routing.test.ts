import { Duration } from 'cdk8s';
import { TrafficRouting } from '../../src/routing/traffic-routing';

describe('TrafficRouting', () => {
  test('keeps the ALB and Istio options apart', () => {
    const alb = TrafficRouting.alb({ host: 'qa-domain.com', stickiness: Duration.hours(1) });
    expect(alb.albOptions).toEqual({ host: 'qa-domain.com', stickiness: Duration.hours(1) });
    expect(alb.istioOptions).toBeUndefined();
    const istio = TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true });
    expect(istio.istioOptions).toEqual({ hosts: ['checkout'], subsetLevel: true });
    expect(istio.albOptions).toBeUndefined();
  });
});
