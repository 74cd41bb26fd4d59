import { Duration } from 'cdk8s';
import { AlbTargetType } from '../../src/routing/alb';
import { TrafficRouting } from '../../src/routing/traffic-routing';

describe('TrafficRouting', () => {
  test('fails when verifyTargetGroups is combined with instance targets', () => {
    expect(() => TrafficRouting.alb({ verifyTargetGroups: true, targetType: AlbTargetType.INSTANCE }))
      .toThrow(/TrafficRouting.alb: verifyTargetGroups checks pod IPs, which needs targetType ip; got instance/);
  });


  test('keeps the ALB and Istio options apart', () => {
    const alb = TrafficRouting.alb({ host: 'qa-domain.com', stickiness: Duration.hours(1) });
    expect(alb.albOptions).toEqual({ host: 'qa-domain.com', stickiness: Duration.hours(1) });
    expect(alb.istioOptions).toBeUndefined();
    const istio = TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true });
    expect(istio.istioOptions).toEqual({ hosts: ['checkout'], subsetLevel: true });
    expect(istio.albOptions).toBeUndefined();
  });
});
