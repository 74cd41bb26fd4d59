// The step rules of a canary: a model of the controller's step state (canary pods, active
// routes) walked step by step, and what each step needs from the routers. Not exported.
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Step, StepKind, StringMatch, StringMatchType } from './step';
import type { CanaryStrategyOptions } from './strategy';
import { AnalysisUsage } from '../analysis/analysis-run';
import { validateAnalysisRun } from '../analysis/analysis-run-render';
import { INT32_MAX, isHttpToken, re2Problem } from '../private/checks';
import { secondsProblem } from '../private/duration';
import { isDnsLabel } from '../private/names';
import { Problem, Problems, shown } from '../private/problems';
import type { TrafficRouterContext } from '../routing/router-context';
import type { TrafficRouter } from '../routing/traffic-router';

/** What the rules read from the Rollout. */
export interface RolloutRulesContext {
  /** The Rollout (analysis checks look templates up from it). */
  readonly owner: Construct;
  readonly canarySteps: Step[];
  readonly replicas?: number;
  readonly revisionHistoryLimit?: number;
  readonly routers: TrafficRouter[];
  /** The routers' view of the Rollout (canary only). */
  readonly routerContext: TrafficRouterContext;
  readonly switchedServices: kplus.Service[];
  readonly managedRoutes: string[];
}

export function validateSteps(rollout: RolloutRulesContext, c: CanaryStrategyOptions): string[] {
  const problems = new Problems(rollout.owner);
  const tr = c.trafficRouting;
  const ctx = rollout.routerContext;
  const serves = (kind: StepKind) => rollout.routers.some(r => r._supportsStep(kind));
  const replicas = rollout.replicas ?? 1;
  // canary pod count model: an explicit scale (setCanaryScale weight/replicas) or the traffic weight
  let explicitScale: number | undefined;
  let weight = 0;
  const activeRoutes = new Map<string, string>();
  const routeKinds = new Map<string, StepKind>();
  const canaryHasPods = () => (explicitScale !== undefined ? explicitScale > 0 : weight > 0);

  const visit = (step: Step, i: number) => {
    const at = `step ${i} ${step}`;
    switch (step.kind) {
      case StepKind.SET_WEIGHT: {
        const w = step.weight!;
        if (!Number.isInteger(w) || w < 0 || w > 100) problems.add(`${at}: weight must be a whole number from 0 to 100`, w, 'give a whole number from 0 to 100');
        weight = w;
        break;
      }
      case StepKind.PAUSE:
        if (step.duration) {
          problems.addProblem(secondsProblem(`${at}: duration`, step.duration));
        }
        break;
      case StepKind.SET_CANARY_SCALE: {
        const s = step.canaryScale!;
        const given = [s.weight !== undefined, s.replicas !== undefined, s.matchTrafficWeight !== undefined].filter(Boolean).length;
        if (given !== 1) {
          problems.add(`${at}: set exactly one of weight, replicas or matchTrafficWeight`, given === 0 ? shown('none') : s, 'keep one of them');
        } else if (s.matchTrafficWeight === false) {
          problems.add(`${at}: matchTrafficWeight must be true when given (false has no meaning)`, false, 'use weight or replicas to scale independently');
        } else if (s.weight !== undefined && (!Number.isInteger(s.weight) || s.weight < 0 || s.weight > 100)) {
          problems.add(`${at}: weight must be a whole number from 0 to 100`, s.weight, 'give a whole number from 0 to 100');
        } else if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || s.replicas < 0)) {
          problems.add(`${at}: replicas must be a whole number >= 0`, s.replicas, 'give a whole number >= 0');
        } else if (s.replicas !== undefined && s.replicas > INT32_MAX) {
          problems.add(`${at}: replicas must be at most ${INT32_MAX} (an int32 field)`, s.replicas, 'lower it');
        }
        if (!tr) problems.add(`${at}: setCanaryScale needs trafficRouting (without it pod counts follow setWeight)`, 'add trafficRouting');
        explicitScale = s.matchTrafficWeight ? undefined
          : s.replicas !== undefined ? s.replicas : Math.ceil(((s.weight ?? 0) * replicas) / 100);
        break;
      }
      case StepKind.SET_HEADER_ROUTE:
      case StepKind.SET_MIRROR_ROUTE: {
        const header = step.kind === StepKind.SET_HEADER_ROUTE;
        const name = step.routeName!;
        if (!isDnsLabel(name, 52)) {
          problems.add(`${at}: route name must be a DNS-1035 label of at most 52 characters (it becomes an Ingress backend and the annotation keys actions.<name> and conditions.<name>)`, name,
            'use lower-case letters, digits and "-", starting with a letter, e.g. "canary-header"');
        }
        const previousKind = routeKinds.get(name);
        if (previousKind && previousKind !== step.kind) problems.add(`${at}: the name is already a ${previousKind === StepKind.SET_HEADER_ROUTE ? 'header' : 'mirror'} route`, name, 'give each route its own name');
        routeKinds.set(name, step.kind);
        if (header && !serves(step.kind)) {
          problems.add(`${at}: header routes need ALB, Istio or plugin trafficRouting`, 'add trafficRouting');
        }
        if (!header && !serves(step.kind)) {
          const reason = rollout.routers.map(r => r._unsupportedStepReason(step.kind)).find(x => x !== undefined);
          problems.add(`${at}: mirror routes need Istio trafficRouting${reason ? ` (${reason})` : ''}`, 'use Istio, or a header route instead');
        }
        if (step.removesRoute) {
          if (!activeRoutes.has(name)) problems.add(`${at}: removes a route which no earlier step sets`, name, 'remove this step, or set the route in an earlier step');
          activeRoutes.delete(name);
          break;
        }
        if (!canaryHasPods()) {
          problems.add(`${at}: no earlier step gives the canary pods, and the controller removes managed routes while the canary has no available pods (and does not re-apply them)`,
            'put Step.setCanaryScale({ weight: ... }) or a setWeight above 0 before it');
        }
        activeRoutes.set(name, at);
        if (header) {
          const matches = step.headerMatches!;
          if (matches.length === 0) problems.add(`${at}: needs at least one HeaderMatch`, matches, `add a HeaderMatch, or use Step.removeHeaderRoute("${name}") to remove the route`);
          for (const m of matches) {
            if (m.header.trim() === '') problems.add(`${at}: a header name is empty`, m.header, 'name the header, e.g. "x-canary"');
            else if (!isHttpToken(m.header)) problems.add(`${at}: header name must be an HTTP token (RFC 7230: letters, digits and !#$%&'*+-.^_\`|~)`, m.header, 'remove spaces, \':\' and other separators');
            if (m.match.value === '') problems.add(`${at}: header "${m.header}" has an empty ${m.match.type} value`, m.match.value, 'give the value to match');
            problems.addProblem(regexProblem(`${at}: header "${m.header}"`, m.match));
            for (const router of rollout.routers) {
              problems.addProblem(router._headerMatchProblem(at, m));
            }
          }
        } else {
          const matches = step.mirrorMatches!;
          if (matches.length === 0) problems.add(`${at}: needs at least one MirrorMatch`, matches, `add a MirrorMatch, or use Step.removeMirrorRoute("${name}") to remove the route`);
          const pct = step.mirrorPercentage;
          if (pct !== undefined && (!Number.isInteger(pct) || pct < 0 || pct > 100)) problems.add(`${at}: percentage must be a whole number from 0 to 100`, pct, 'give a whole number from 0 to 100');
          matches.forEach((m, j) => {
            const values = [m.method, m.path, ...Object.values(m.headers ?? {})].filter(v => v !== undefined);
            if (values.length === 0) problems.add(`${at}: match ${j} has no condition, so it would mirror every request`, m, 'give a method, path or header');
            for (const v of values) if (v!.value === '') problems.add(`${at}: match ${j} has an empty ${v!.type} value`, v!.value, 'give the value to match');
            for (const headerName of Object.keys(m.headers ?? {})) {
              if (headerName.trim() === '') problems.add(`${at}: match ${j} has an empty header name`, headerName, 'name the header, e.g. "x-canary"');
              else if (!isHttpToken(headerName)) problems.add(`${at}: match ${j} header name must be an HTTP token (RFC 7230: letters, digits and !#$%&'*+-.^_\`|~)`, headerName, 'remove spaces, \':\' and other separators');
            }
            const matchValues: [string, StringMatch | undefined][] = [['method', m.method], ['path', m.path],
              ...Object.entries(m.headers ?? {}).map(([h, value]): [string, StringMatch] => [`header "${h}"`, value])];
            for (const [field, value] of matchValues) {
              if (value) problems.addProblem(regexProblem(`${at}: match ${j} ${field}`, value));
            }
          });
        }
        break;
      }
      case StepKind.ANALYSIS:
        problems.addAll(validateAnalysisRun(rollout.owner, at, AnalysisUsage.STEP, step.analysisOptions!));
        break;
      case StepKind.EXPERIMENT: {
        const e = step.experimentOptions!;
        if (e.templates.length === 0) problems.add(`${at}: needs at least one template`, e.templates, 'add an ExperimentTemplate');
        const names = e.templates.map(t => t.name);
        if (new Set(names).size !== names.length) problems.add(`${at}: template names must be unique`, names, 'give each template its own name');
        for (const t of e.templates) {
          if (t.weight !== undefined) {
            if (!tr) problems.add(`${at}: template "${t.name}" has a weight, which needs trafficRouting`, t.weight, 'add trafficRouting, or remove the weight');
            else if (!serves(StepKind.EXPERIMENT)) problems.add(`${at}: template "${t.name}" has a weight, which needs ALB, Istio or plugin trafficRouting`, t.weight, 'use ALB, Istio or plugin trafficRouting, or remove the weight');
          }
        }
        if (e.duration) problems.addProblem(secondsProblem(`${at} duration`, e.duration));
        for (const a of e.analyses ?? []) {
          // without a duration the experiment waits for its analyses, like an analysis step
          const usage = e.duration ? AnalysisUsage.TIMED_EXPERIMENT : AnalysisUsage.STEP;
          problems.addAll(validateAnalysisRun(rollout.owner, `${at} analysis "${a.name}"`, usage, { templates: [a.template], args: a.args }));
        }
        break;
      }
      case StepKind.PLUGIN:
        break;
    }
    // a route stays only while the canary has pods: the controller removes managed routes otherwise
    if (!canaryHasPods()) {
      for (const [name, setAt] of activeRoutes) {
        problems.add(`${at}: leaves the canary with no pods while route "${name}" (set at ${setAt}) is active; the controller removes the route and does not re-apply it`,
          'remove the route first, or keep the canary scaled');
      }
      activeRoutes.clear();
    }
  };
  rollout.canarySteps.forEach(visit);

  // managed route names must not collide with names that live in Git
  const gitNames = new Map<string, string>();
  for (const s of rollout.switchedServices) gitNames.set(s.name, 'a Service the Rollout uses');
  for (const router of rollout.routers) for (const [name, what] of router._reservedRouteNames(ctx)) gitNames.set(name, what);
  for (const name of rollout.managedRoutes) {
    const clash = gitNames.get(name);
    if (clash) {
      problems.add(`managed route has the same name as ${clash}; the controller deletes every route and Ingress path with a managed route's name at the end of each update`, name,
        'rename the header or mirror route');
    }
  }
  return problems.messages;
}

/** A regex match value must compile in RE2, the engine of Envoy and of the controller. */
function regexProblem(where: string, match: StringMatch): Problem | undefined {
  if (match.type !== StringMatchType.REGEX) return undefined;
  const problem = re2Problem(match.value);
  return problem ? {
    what: `${where} regex ${problem} (the regex engine is RE2, as in Envoy and Go)`,
    value: match.value,
    fix: 'rewrite it without lookaround, backreferences or possessive/atomic constructs',
  } : undefined;
}
