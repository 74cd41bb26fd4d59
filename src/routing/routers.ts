// The routers of a canary's traffic routing, in rendering order (not exported from the package).
import { AlbTrafficRouter } from './alb';
import { IstioTrafficRouter } from './istio';
import { PluginTrafficRouter } from './plugin';
import { TrafficRouter } from './traffic-router';
import type { CanaryTrafficRouting } from '../rollout/strategy';

/** The routers of `trafficRouting`: alb, istio, plugins, then `routers` as given. */
export function trafficRoutersOf(tr: CanaryTrafficRouting | undefined): TrafficRouter[] {
  if (!tr) return [];
  const routers: TrafficRouter[] = [];
  if (tr.alb) routers.push(new AlbTrafficRouter(tr.alb));
  if (tr.istio) routers.push(new IstioTrafficRouter(tr.istio));
  if (tr.plugins) routers.push(new PluginTrafficRouter(tr.plugins));
  routers.push(...tr.routers ?? []);
  return routers;
}
