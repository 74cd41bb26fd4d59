/**
 * End to end: a CanaryApp deployed by an ArgoCdApplication never drifts while the (simulated)
 * Rollouts controller works on it, and every derived ignore rule is needed.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { CanaryApp } from '../../src/canary-app';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { TrafficRouting } from '../../src/routing/traffic-routing';
import { deadRules, drift, IgnoreRule } from '../helpers/argocd-diff';
import { simulateController } from '../helpers/controller-simulator';
import { findManifest, synthValidated } from '../helpers/synth';

interface Scenario {
  readonly name: string;
  readonly routing: () => TrafficRouting;
  readonly pingPong?: boolean;
  readonly steps: () => Step[];
}

const headerSteps = () => [
  Step.setCanaryScale({ weight: 10 }),
  Step.setHeaderRoute('canary-header-route-new', [HeaderMatch.exact('version', '2')]),
  Step.pause(Duration.seconds(60)),
  Step.setWeight(1),
  Step.pause(),
  Step.removeHeaderRoute('canary-header-route-new'),
  Step.setCanaryScale({ matchTrafficWeight: true }),
  Step.setWeight(80),
];

const SCENARIOS: Scenario[] = [
  {
    name: 'ALB without header routes',
    routing: () => TrafficRouting.alb({ host: 'qa-domain.com' }),
    steps: () => [Step.setWeight(10), Step.pause(), Step.setWeight(50), Step.pause(Duration.minutes(1))],
  },
  {
    name: 'ALB with header routes',
    routing: () => TrafficRouting.alb({ host: 'qa-domain.com' }),
    steps: headerSteps,
  },
  {
    name: 'ALB ping-pong',
    routing: () => TrafficRouting.alb({ host: 'qa-domain.com', stickiness: Duration.minutes(5) }),
    pingPong: true,
    steps: () => [Step.setWeight(20), Step.pause(), Step.setWeight(60)],
  },
  {
    name: 'Istio host-level with header and mirror routes',
    routing: () => TrafficRouting.istio({ hosts: ['checkout', 'checkout.example.com'], gateways: ['istio-system/public', 'mesh'] }),
    steps: () => [
      Step.setWeight(5),
      Step.setHeaderRoute('canary-exact', [HeaderMatch.exact('version', '2')]),
      Step.setHeaderRoute('canary-prefix', [HeaderMatch.prefix('x-tier', 'beta'), HeaderMatch.regex('user-agent', '.*Firefox.*')]),
      Step.setMirrorRoute({ name: 'mirror-api', percentage: 35, matches: [{ method: StringMatch.exact('POST'), path: StringMatch.prefix('/api') }] }),
      Step.pause(),
      Step.removeMirrorRoute('mirror-api'),
      Step.removeHeaderRoute('canary-prefix'),
      Step.setWeight(50),
      Step.pause(Duration.seconds(30)),
    ],
  },
  {
    name: 'Istio subset-level',
    routing: () => TrafficRouting.istio({ hosts: ['checkout'], subsetLevel: true }),
    steps: () => [Step.setWeight(20), Step.setHeaderRoute('canary-header', [HeaderMatch.exact('version', '2')]), Step.pause(), Step.setWeight(60)],
  },
];

interface Built {
  readonly desired: any[];
  readonly application: any;
  readonly rules: IgnoreRule[];
}

function build(scenario: Scenario): Built {
  const app = Testing.app();
  const chart = new Chart(app, 'checkout', { namespace: 'shop' });
  new CanaryApp(chart, 'checkout', {
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    replicas: 10,
    routing: scenario.routing(),
    pingPong: scenario.pingPong,
    steps: scenario.steps(),
  });
  const apps = new Chart(app, 'apps', { namespace: 'argocd' });
  new ArgoCdApplication(apps, 'checkout', {
    repoUrl: 'https://github.com/acme/platform.git',
    path: 'dist/checkout',
    destinationNamespace: 'shop',
    deploys: [chart],
  });
  const application = findManifest(synthValidated(apps), 'Application');
  return { desired: synthValidated(chart), application, rules: application.spec.ignoreDifferences ?? [] };
}

/** Every drift at every phase, as `phase: object path` lines. */
async function driftLines(desired: any[], rules: IgnoreRule[], strict: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const phase of simulateController(desired, { applicationName: 'checkout' })) {
    for (const d of await drift(desired, phase.live, rules, { strict, destinationNamespace: 'shop' })) {
      for (const f of d.fields) lines.push(`${phase.name}: ${d.object} ${f.path}`);
    }
  }
  return lines;
}

async function drifts(desired: any[], rules: IgnoreRule[]): Promise<boolean> {
  return (await driftLines(desired, rules, false)).length > 0 || (await driftLines(desired, rules, true)).length > 0;
}

const ruleLabel = (r: IgnoreRule) => `${r.group ? r.group + '/' : ''}${r.kind} ${r.name}`;

describe.each(SCENARIOS)('$name deployed by an ArgoCdApplication', (scenario) => {
  let built: Built;
  beforeAll(() => {
    built = build(scenario);
  });

  test('no drift at any phase under the default (legacy) diff', async () => {
    expect(await driftLines(built.desired, built.rules, false)).toEqual([]);
  });

  test('no drift at any phase under a Server-Side-Diff-like strict diff', async () => {
    expect(await driftLines(built.desired, built.rules, true)).toEqual([]);
  });

  test('without ignoreDifferences it would drift (the scenario exercises the controller)', async () => {
    expect(await drifts(built.desired, [])).toBe(true);
  });

  test('removing any single derived ignore entry makes drift appear', async () => {
    const harmless: string[] = [];
    for (let i = 0; i < built.rules.length; i++) {
      if (!await drifts(built.desired, built.rules.filter((_, k) => k !== i))) harmless.push(ruleLabel(built.rules[i]));
    }
    expect(harmless).toEqual([]);
  });

  test('removing any single derived ignore path makes drift appear', async () => {
    const harmless: string[] = [];
    for (let i = 0; i < built.rules.length; i++) {
      const rule = built.rules[i];
      for (const field of ['jsonPointers', 'jqPathExpressions'] as const) {
        for (const path of rule[field] ?? []) {
          const mutated = built.rules.map((r, k) => (k === i ? { ...r, [field]: r[field]!.filter(p => p !== path) } : r));
          if (!await drifts(built.desired, mutated)) harmless.push(`${ruleLabel(rule)} ${path}`);
        }
      }
    }
    expect(harmless).toEqual([]);
  });

  test('no ignore rule is dead', async () => {
    const phases = simulateController(built.desired).map(p => p.live);
    expect(await deadRules(built.rules, built.desired, phases)).toEqual([]);
  });

  test('sync options follow the list-element ignore policy', () => {
    const listIgnores = built.rules.some(r => (r.jqPathExpressions ?? []).length > 0);
    expect(built.application.spec.syncPolicy?.syncOptions ?? []).toEqual(listIgnores ? ['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true'] : []);
  });
});
