// The scenarios of the release conformance suite (#13): for each example, the objects Argo CD
// syncs (the committed YAML in examples/<name>/dist), its Application, the images of four
// releases, and what test/helpers/controller-simulator.ts predicts the live objects to be at every
// moment. conformance-releases (Go) drives the real Argo Rollouts controller through the same
// releases and compares.
//
// Two edits make the releases observable and quick; neither changes what the controller writes
// to the routing objects, nor the Application's ignoreDifferences (which do not depend on pauses):
// - timed pauses last 2 s instead of minutes;
// - an indefinite pause follows every step that is not a pause, so the controller holds after
//   each step and the driver reads the live objects at every step (then promotes, as
//   `kubectl argo rollouts promote` does).
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { Phase, simulateController } from '../test/helpers/controller-simulator';

const ROOT = path.join(__dirname, '..');

export const TIMED_PAUSE = '2s';

/** Scenarios in priority order: example folder, and what the driver should expect of it. */
export const SCENARIOS: Array<{ example: string; releases: number }> = [
  { example: 'alb-header-routing', releases: 4 },
  { example: 'istio-canary', releases: 4 },
  { example: 'istio-subset-mirror', releases: 4 },
  { example: 'alb-ping-pong-verified', releases: 4 },
  { example: 'blue-green', releases: 4 },
  { example: 'workload-ref-migration', releases: 4 },
];

/** Examples the release suite does not drive yet, and why (reported in conformance.json). */
export const NOT_COVERED: Array<{ example: string; reason: string }> = [
  { example: 'custom-strategy-slo', reason: 'needs a Prometheus the analysis can query; not driven' },
  { example: 'platform-repo', reason: 'the same checkout/catalog apps as alb-header-routing and istio-canary under an app-of-apps; not driven separately' },
  { example: 'aws-target-group-verification', reason: 'target-group verification asks AWS (elbv2) for target-group health; no AWS here (the controller runs with --aws-verify-target-group=false)' },
];

export interface PredictedPhase {
  readonly name: string;
  /** steady | transient | step | paused (blue-green, waiting for promotion) | promoted | aborted */
  readonly kind: string;
  readonly release: number;
  readonly step?: number;
  readonly live: any[];
}

export interface Scenario {
  readonly name: string;
  readonly example: string;
  readonly application: any;
  /** canary or blueGreen */
  readonly strategy: string;
  /**
   * The object whose pod template carries the image: the Rollout, or the Deployment its
   * workloadRef names (then the driver first deploys the objects without the Rollout, the state
   * before the migration).
   */
  readonly template: { readonly kind: string; readonly name: string };
  /** The objects of release 1 (release r differs only in the template object's first container image). */
  readonly objects: any[];
  readonly images: string[];
  /** The image of the RespectIgnoreDifferences probe after the last release. */
  readonly probeImage: string;
  /** The last release is aborted after this many steps (the last of them an indefinite pause). */
  readonly abortAfter: number;
  readonly predicted: PredictedPhase[];
}

function readYaml(dir: string): any[] {
  return fs.readdirSync(dir).sort().filter(f => f.endsWith('.yaml')).flatMap(f =>
    Yaml.load(path.join(dir, f)).filter((o: any) => o && o.kind));
}

const isPause = (step: any) => step.pause !== undefined;
const isIndefinitePause = (step: any) => isPause(step) && (step.pause?.duration === undefined);

/** Short timed pauses, and an indefinite pause after every step that is not a pause. */
export function observableSteps(steps: any[]): any[] {
  const out: any[] = [];
  for (const step of steps) {
    if (isPause(step)) {
      out.push(step.pause?.duration !== undefined ? { pause: { duration: TIMED_PAUSE } } : step);
      continue;
    }
    out.push(step, { pause: {} });
  }
  return out;
}

function phaseKind(name: string): { kind: string; release: number; step?: number } {
  let m = name.match(/^release (\d+): step (\d+)/);
  if (m) return { kind: 'step', release: Number(m[1]), step: Number(m[2]) };
  m = name.match(/^release (\d+): paused for promotion/);
  if (m) return { kind: 'paused', release: Number(m[1]) };
  m = name.match(/^release (\d+): (fully )?promoted/);
  if (m) return { kind: 'promoted', release: Number(m[1]) };
  m = name.match(/^release (\d+): aborted/);
  if (m) return { kind: 'aborted', release: Number(m[1]) };
  if (name === 'first deploy: steady state') return { kind: 'steady', release: 1 };
  m = name.match(/^release (\d+):/);
  return { kind: 'transient', release: m ? Number(m[1]) : 1 };
}

export function buildScenario(example: string): Scenario {
  const dist = path.join(ROOT, 'examples', example, 'dist');
  const applications = readYaml(path.join(dist, 'argocd')).filter(o => o.kind === 'Application');
  const application = applications.find(a => {
    const p: string = a.spec?.source?.path ?? '';
    return p.startsWith(`examples/${example}/dist/`) && fs.existsSync(path.join(ROOT, p))
      && readYaml(path.join(ROOT, p)).some(o => o.kind === 'Rollout');
  });
  if (!application) throw new Error(`examples/${example}: no Application deploys a Rollout`);
  const objects = readYaml(path.join(ROOT, application.spec.source.path));
  const rollout = objects.find(o => o.kind === 'Rollout');
  const canary = rollout.spec.strategy.canary;
  if (canary) canary.steps = observableSteps(canary.steps ?? []);
  const steps: any[] = canary?.steps ?? [];
  const ref = rollout.spec.workloadRef;
  const templateObject = ref ? objects.find(o => o.kind === ref.kind && o.metadata.name === ref.name) : rollout;
  if (!templateObject) throw new Error(`examples/${example}: the Rollout's workloadRef names ${ref.kind} ${ref.name}, which the Application does not deploy`);
  const image: string = (templateObject.spec.template ?? {}).spec?.containers?.[0]?.image;
  if (!image) throw new Error(`examples/${example}: ${templateObject.kind} ${templateObject.metadata.name} has no pod template image`);
  const repo = image.replace(/:[^:/]+$/, '');
  const images = [image, `${repo}:conformance-r2`, `${repo}:conformance-r3`, `${repo}:conformance-r4`];
  // abort the last release at the first indefinite pause at or after the middle of the steps
  let abortAfter = Math.max(1, Math.ceil(steps.length / 2));
  while (abortAfter < steps.length && !isIndefinitePause(steps[abortAfter - 1])) abortAfter++;
  const phases: Phase[] = simulateController(objects, { applicationName: application.metadata.name, abortAfterSteps: abortAfter });
  return {
    name: example,
    example,
    application,
    strategy: canary ? 'canary' : 'blueGreen',
    template: { kind: templateObject.kind, name: templateObject.metadata.name },
    objects,
    images,
    probeImage: `${repo}:conformance-r5`,
    abortAfter,
    predicted: phases.map(p => ({ name: p.name, ...phaseKind(p.name), live: p.live })),
  };
}

export function buildScenarios(only?: string[]): Scenario[] {
  return SCENARIOS.filter(s => !only || only.includes(s.example)).map(s => buildScenario(s.example));
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: release-scenarios.ts OUT.json [example...]');
  const only = process.argv.slice(3);
  const scenarios = buildScenarios(only.length ? only : undefined);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ scenarios }, null, 1));
  console.log(`release scenarios: ${scenarios.map(s => `${s.name} (${s.predicted.length} predicted phases)`).join(', ')} -> ${out}`);
}
