/**
 * End to end: a CanaryApp deployed by an ArgoCdApplication never drifts while the (simulated)
 * Rollouts controller works on it, and every derived ignore rule is needed.
 */
import { Chart, Duration, Testing, YamlOutputType } from 'cdk8s';
import { CanaryApp } from '../../src/canary-app';
import { ArgoCdApplication } from '../../src/gitops/argocd-application';
import { HeaderMatch, Step, StringMatch } from '../../src/rollout/step';
import { TrafficRouting } from '../../src/routing/traffic-routing';
import { IgnoreRule } from '../helpers/argocd-diff';
import { deadRulesOverPhases, driftLines, drifts, harmlessEntries, harmlessPaths } from '../helpers/drift-check';
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
  const app = Testing.app({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
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

const CONTEXT = { applicationName: 'checkout', destinationNamespace: 'shop' };

describe.each(SCENARIOS)('$name deployed by an ArgoCdApplication', (scenario) => {
  let built: Built;
  beforeAll(() => {
    built = build(scenario);
  });

  test('no drift at any phase under the default (legacy) diff', async () => {
    expect(await driftLines(built.desired, built.rules, false, CONTEXT)).toEqual([]);
  });

  test('no drift at any phase under a Server-Side-Diff-like strict diff', async () => {
    expect(await driftLines(built.desired, built.rules, true, CONTEXT)).toEqual([]);
  });

  test('without ignoreDifferences it would drift (the scenario exercises the controller)', async () => {
    expect(await drifts(built.desired, [], CONTEXT)).toBe(true);
  });

  test('removing any single derived ignore entry makes drift appear', async () => {
    expect(await harmlessEntries(built.desired, built.rules, CONTEXT)).toEqual([]);
  });

  test('removing any single derived ignore path makes drift appear', async () => {
    expect(await harmlessPaths(built.desired, built.rules, CONTEXT)).toEqual([]);
  });

  test('no ignore rule is dead', async () => {
    expect(await deadRulesOverPhases(built.desired, built.rules)).toEqual([]);
  });

  test('a sync keeps the controller\'s live values (RespectIgnoreDifferences with ApplyOutOfSyncOnly)', () => {
    expect(built.rules.length).toBeGreaterThan(0);
    expect(built.application.spec.syncPolicy?.syncOptions).toEqual(['RespectIgnoreDifferences=true', 'ApplyOutOfSyncOnly=true']);
  });
});
