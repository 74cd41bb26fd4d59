import { Rollout } from './rollout';
import { fail, shown } from '../private/problems';

/**
 * Options for a release plan.
 */
export interface ReleasePlanOptions {
  /**
   * The replica count to plan for.
   * @default - the Rollout's `replicas`, or 1 (the controller's default) when it has none
   */
  readonly replicas?: number;
}

/**
 * What one moment of a release looks like once the controller has settled on it.
 */
export interface ReleasePlanStep {
  /** The moment: `start`, `step <n>: <what the step does>`, or `promoted`. */
  readonly name: string;

  /**
   * Percent of traffic the canary receives. Without traffic routing the Services split traffic
   * by pods, so this is the canary's share of the pods (rounded).
   */
  readonly canaryTraffic: number;

  /** Pods of the new (canary) ReplicaSet. */
  readonly canaryPods: number;

  /** Pods of the stable ReplicaSet. */
  readonly stablePods: number;

  /** Header routes that send matching requests to the canary. */
  readonly headerRoutes: string[];

  /** Mirror routes that copy matching requests to the canary. */
  readonly mirrorRoutes: string[];

  /** Analysis running at this moment (`background: <templates>` or `step: <templates>`). */
  readonly analysis: string[];

  /** How the release waits here: empty, a duration such as `60s`, or `until promoted`. */
  readonly pause: string;
}

interface PlanState {
  weight: number;
  explicitCanary?: { weight?: number; replicas?: number };
  headerRoutes: string[];
  mirrorRoutes: string[];
}

/**
 * What a release of a Rollout will do, step by step, before it runs: traffic to the canary,
 * canary and stable pods for a replica count, active header and mirror routes, analysis and
 * pauses. The pod counts follow the controller's own arithmetic (Argo Rollouts v1.9.0: traffic
 * weight to replicas rounded up, `setCanaryScale`, `minPodsPerReplicaSet`, `dynamicStableScale`,
 * and the surge-aware split of a canary without traffic routing).
 *
 * @example
 * const plan = ReleasePlan.of(checkout.rollout, { replicas: 10 });
 * const table = plan.toMarkdown();
 */
export class ReleasePlan {
  /** The plan of a Rollout construct. */
  public static of(rollout: Rollout, options: ReleasePlanOptions = {}): ReleasePlan {
    return ReleasePlan.fromManifest({ kind: 'Rollout', metadata: { name: rollout.name }, spec: rollout._toKube() }, options);
  }

  /** The plan of a synthesized (or hand-written) Rollout manifest, as JSON. */
  public static fromManifest(manifest: any, options: ReleasePlanOptions = {}): ReleasePlan {
    if (manifest?.kind !== 'Rollout' || typeof manifest.spec !== 'object') {
      fail('ReleasePlan.fromManifest', 'needs a Rollout manifest', shown(`kind ${JSON.stringify(manifest?.kind)}`), 'pass a synthesized Rollout (kind: Rollout, with a spec)');
    }
    const replicas = options.replicas ?? manifest.spec.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      fail(manifest.metadata?.name ?? 'Rollout', 'release plan replicas must be a whole number >= 0', replicas, 'give replicas, e.g. 4');
    }
    return new ReleasePlan(manifest.metadata?.name ?? 'rollout', replicas, manifest.spec);
  }

  /** The replica count the plan is for. */
  public readonly replicas: number;

  /** Every moment of the release, from the start to the promotion. */
  public readonly steps: ReleasePlanStep[];

  private constructor(private readonly rolloutName: string, replicas: number, spec: any) {
    this.replicas = replicas;
    this.steps = spec.strategy?.blueGreen ? blueGreenPlan(spec.strategy.blueGreen, replicas) : canaryPlan(spec.strategy?.canary ?? {}, replicas);
  }

  /** The plan as a Markdown table. */
  public toMarkdown(): string {
    const cell = (values: string[]) => values.length > 0 ? values.join(', ') : '-';
    const rows = this.steps.map((s) => `| ${s.name} | ${s.canaryTraffic}% | ${s.canaryPods} | ${s.stablePods} | ${cell(s.headerRoutes)} | ${cell(s.mirrorRoutes)} | ${cell(s.analysis)} | ${s.pause || '-'} |`);
    return [
      `Release plan of Rollout \`${this.rolloutName}\` for ${this.replicas} replica${this.replicas === 1 ? '' : 's'}:`,
      '',
      '| moment | canary traffic | canary pods | stable pods | header routes | mirror routes | analysis | waits |',
      '| --- | ---: | ---: | ---: | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
  }

  /** The plan as a Mermaid flowchart: one box per moment, pauses as rounded boxes. */
  public toMermaid(): string {
    const escape = (text: string) => text.replace(/"/g, '#quot;');
    const lines = ['flowchart LR'];
    this.steps.forEach((s, i) => {
      const details = [`${s.canaryTraffic}% traffic, ${s.canaryPods}/${s.stablePods} pods`];
      if (s.headerRoutes.length > 0) details.push(`header: ${s.headerRoutes.join(', ')}`);
      if (s.mirrorRoutes.length > 0) details.push(`mirror: ${s.mirrorRoutes.join(', ')}`);
      if (s.analysis.length > 0) details.push(`analysis: ${s.analysis.join(', ')}`);
      if (s.pause) details.push(`waits ${s.pause}`);
      const label = escape([s.name, ...details].join('<br/>'));
      lines.push(s.pause ? `  m${i}(["${label}"])` : `  m${i}["${label}"]`);
      if (i > 0) lines.push(`  m${i - 1} --> m${i}`);
    });
    return lines.join('\n') + '\n';
  }
}

function canaryPlan(canary: any, replicas: number): ReleasePlanStep[] {
  const steps: any[] = canary.steps ?? [];
  const routed = canary.trafficRouting !== undefined;
  const state: PlanState = { weight: 0, headerRoutes: [], mirrorRoutes: [] };
  const background = (index: number): string[] => {
    const a = canary.analysis;
    if (!a || index < (a.startingStep ?? 0)) return [];
    return [`background: ${templateNames(a)}`];
  };
  const moment = (name: string, index: number, extra: { analysis?: string[]; pause?: string } = {}): ReleasePlanStep => {
    const { canaryPods, stablePods } = routed ? routedCounts(canary, replicas, state) : basicCounts(canary, replicas, state.weight);
    const traffic = routed ? state.weight
      : canaryPods + stablePods === 0 ? 0 : Math.round((100 * canaryPods) / (canaryPods + stablePods));
    return {
      name,
      canaryTraffic: traffic,
      canaryPods,
      stablePods,
      headerRoutes: [...state.headerRoutes],
      mirrorRoutes: [...state.mirrorRoutes],
      analysis: [...background(index), ...(extra.analysis ?? [])],
      pause: extra.pause ?? '',
    };
  };

  const plan: ReleasePlanStep[] = [moment('start', 0)];
  steps.forEach((step, i) => {
    const extra: { analysis?: string[]; pause?: string } = {};
    let what: string;
    if (step.setWeight !== undefined) {
      state.weight = step.setWeight;
      what = `setWeight ${step.setWeight}`;
    } else if (step.setCanaryScale) {
      const s = step.setCanaryScale;
      state.explicitCanary = s.matchTrafficWeight ? undefined : { weight: s.weight, replicas: s.replicas };
      what = s.matchTrafficWeight ? 'setCanaryScale matchTrafficWeight' : s.replicas !== undefined ? `setCanaryScale ${s.replicas} replicas` : `setCanaryScale weight ${s.weight}`;
    } else if (step.pause) {
      extra.pause = step.pause.duration === undefined ? 'until promoted' : String(step.pause.duration);
      what = 'pause';
    } else if (step.setHeaderRoute) {
      const name = step.setHeaderRoute.name;
      const removes = !step.setHeaderRoute.match;
      state.headerRoutes = state.headerRoutes.filter((r) => r !== name).concat(removes ? [] : [name]);
      what = `${removes ? 'remove' : 'set'} header route ${name}`;
    } else if (step.setMirrorRoute) {
      const name = step.setMirrorRoute.name;
      const removes = !step.setMirrorRoute.match;
      state.mirrorRoutes = state.mirrorRoutes.filter((r) => r !== name).concat(removes ? [] : [name]);
      what = `${removes ? 'remove' : 'set'} mirror route ${name}`;
    } else if (step.analysis) {
      extra.analysis = [`step: ${templateNames(step.analysis)}`];
      extra.pause = 'until the analysis succeeds';
      what = 'analysis';
    } else if (step.experiment) {
      const names = (step.experiment.templates ?? []).map((t: any) => t.name).join(', ');
      extra.pause = step.experiment.duration ? `experiment ${step.experiment.duration}` : 'until the experiment ends';
      what = `experiment ${names}`;
    } else if (step.plugin) {
      what = `plugin ${step.plugin.name}`;
    } else {
      what = Object.keys(step).join(', ');
    }
    // the controller removes managed routes while the canary has no available pods
    if (routed && (state.headerRoutes.length > 0 || state.mirrorRoutes.length > 0)) {
      const { canaryPods } = routedCounts(canary, replicas, state);
      if (canaryPods === 0) {
        state.headerRoutes = [];
        state.mirrorRoutes = [];
      }
    }
    plan.push(moment(`step ${i}: ${what}`, i, extra));
  });

  // promotion: the canary becomes stable, managed routes are removed
  state.weight = 100;
  state.explicitCanary = undefined;
  state.headerRoutes = [];
  state.mirrorRoutes = [];
  plan.push({ name: 'promoted: the canary is the new stable', canaryTraffic: 100, canaryPods: replicas, stablePods: 0, headerRoutes: [], mirrorRoutes: [], analysis: [], pause: '' });
  return plan;
}

function blueGreenPlan(bg: any, replicas: number): ReleasePlanStep[] {
  const preview = bg.previewReplicaCount ?? replicas;
  const plan: ReleasePlanStep[] = [
    { name: 'start: new ReplicaSet behind the preview Service', canaryTraffic: 0, canaryPods: preview, stablePods: replicas, headerRoutes: [], mirrorRoutes: [], analysis: [], pause: '' },
  ];
  if (bg.prePromotionAnalysis) {
    plan.push({ name: 'pre-promotion analysis', canaryTraffic: 0, canaryPods: preview, stablePods: replicas, headerRoutes: [], mirrorRoutes: [], analysis: [`pre-promotion: ${templateNames(bg.prePromotionAnalysis)}`], pause: 'until the analysis succeeds' });
  }
  const manual = bg.autoPromotionEnabled === false;
  if (manual || bg.autoPromotionSeconds !== undefined) {
    plan.push({ name: 'waiting for promotion', canaryTraffic: 0, canaryPods: replicas, stablePods: replicas, headerRoutes: [], mirrorRoutes: [], analysis: [], pause: manual ? 'until promoted' : `${bg.autoPromotionSeconds}s` });
  }
  plan.push({
    name: 'active Service switched',
    canaryTraffic: 100,
    canaryPods: replicas,
    stablePods: replicas,
    headerRoutes: [],
    mirrorRoutes: [],
    analysis: bg.postPromotionAnalysis ? [`post-promotion: ${templateNames(bg.postPromotionAnalysis)}`] : [],
    pause: `old ReplicaSet scaled down after ${bg.scaleDownDelaySeconds ?? 30}s`,
  });
  plan.push({ name: 'promoted: the canary is the new stable', canaryTraffic: 100, canaryPods: replicas, stablePods: 0, headerRoutes: [], mirrorRoutes: [], analysis: [], pause: '' });
  return plan;
}

function templateNames(analysis: any): string {
  return (analysis.templates ?? []).map((t: any) => t.templateName).join(' + ');
}

/** `CalculateReplicaCountsForTrafficRoutedCanary` once the controller has settled. */
function routedCounts(canary: any, replicas: number, state: PlanState): { canaryPods: number; stablePods: number } {
  const maxWeight = canary.trafficRouting?.maxTrafficWeight ?? 100;
  const minPods = (count: number) => count === 0 || canary.minPodsPerReplicaSet === undefined ? count : Math.max(count, canary.minPodsPerReplicaSet);
  const toReplicas = (weight: number) => Math.ceil((weight * replicas) / maxWeight);
  const scaleWeight = state.explicitCanary?.replicas !== undefined ? 0 : state.explicitCanary?.weight ?? state.weight;
  const canaryPods = state.explicitCanary?.replicas !== undefined ? state.explicitCanary.replicas : minPods(toReplicas(scaleWeight));
  if (!canary.dynamicStableScale) return { canaryPods, stablePods: replicas };
  // the higher of the desired stable weight and the stable weight traffic really has
  const stablePods = Math.max(toReplicas(maxWeight - scaleWeight), toReplicas(maxWeight - state.weight));
  return { canaryPods: minPods(canaryPods), stablePods: minPods(stablePods) };
}

/** `approximateWeightedCanaryStableReplicaCounts`: the split of a canary without traffic routing. */
function basicCounts(canary: any, replicas: number, weight: number): { canaryPods: number; stablePods: number } {
  if (replicas === 0) return { canaryPods: 0, stablePods: 0 };
  const maxSurge = fencepost(canary.maxSurge ?? '25%', replicas, true);
  const exact = (replicas * weight) / 100;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const tied = (total: number) => Math.abs(((total * weight) / 100) % 1 - 0.5) < 1e-9;
  const zeroAllowed = weight === 100 || weight === 0 || (replicas === 1 && maxSurge === 0);
  const options: [number, number][] = [];
  if (ceil < replicas || zeroAllowed) options.push([ceil, replicas]);
  if (!tied(replicas) && (floor !== 0 || zeroAllowed)) options.push([floor, replicas]);
  if (maxSurge > 0) {
    options.push([ceil, replicas + 1]);
    if (!tied(replicas + 1) && (floor !== 0 || zeroAllowed)) options.push([floor, replicas + 1]);
  }
  if (options.length === 0) return { canaryPods: 0, stablePods: replicas };
  const delta = ([c, total]: [number, number]) => Math.abs(weight - (100 * c) / total);
  let best = options[0];
  for (const option of options.slice(1)) if (delta(option) < delta(best)) best = option;
  return { canaryPods: best[0], stablePods: best[1] - best[0] };
}

/** An int-or-percent of the replicas, as `intstr.GetScaledValueFromIntOrPercent` resolves it. */
function fencepost(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const scaled = (percent * replicas) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
