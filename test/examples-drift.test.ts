/**
 * Every example's Argo CD Applications, end to end: the objects in the folder each Application
 * reads never drift while the (simulated) Rollouts controller works on them, in either diff mode,
 * and every ignore rule is needed. The same checks as test/gitops/drift.test.ts, on the real
 * example apps.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Yaml } from 'cdk8s';
import { IgnoreRule, objectKey } from './helpers/argocd-diff';
import { DriftContext, deadRulesOverPhases, driftLines, drifts, harmlessEntries, harmlessPaths } from './helpers/drift-check';

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const examples = fs.readdirSync(EXAMPLES).filter(name => fs.existsSync(path.join(EXAMPLES, name, 'main.ts'))).sort();

/**
 * Applications that deploy no Rollout, as `<example>/<Application name>`, with the reason they
 * are not drift-tested. An Application without a Rollout that is not listed here fails.
 */
const NO_ROLLOUT: Record<string, string> = {
  'alb-ping-pong-verified/argo-rollouts': 'installs the Argo Rollouts controller from its Helm chart; nothing in it is rewritten by the controller',
  'aws-target-group-verification/argo-rollouts': 'installs the Argo Rollouts controller from its Helm chart; nothing in it is rewritten by the controller',
  'platform-repo/platform': 'the app-of-apps root: it deploys the child Applications, which are drift-tested themselves',
};

/** One Application of an example. */
interface Target {
  /** `<example>/<Application name>` */
  readonly label: string;
  readonly application: any;
  readonly rules: IgnoreRule[];
  readonly context: DriftContext;
  /** The objects in the folder the Application reads, as Argo CD reads them. */
  readonly desired?: any[];
  /** The objects of the constructs given as the Application's `deploys`. */
  readonly deployed: any[];
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort().map(f => path.join(dir, f));
}

/** Synthesizes an example into `outdir` and returns its Applications. */
function load(name: string, outdir: string): Target[] {
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  let app: any;
  let applicationClass: any;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- each example synthesizes on load
      app = require(path.join(EXAMPLES, name, 'main.ts')).app;
      // the same module instance the example was built with
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      applicationClass = require('../src/gitops/argocd-application').ArgoCdApplication;
    });
  } finally {
    process.env.CDK8S_OUTDIR = previous;
  }
  if (!app) throw new Error(`examples/${name}/main.ts does not export its cdk8s App as \`app\``);

  const distPrefix = `examples/${name}/dist/`;
  return app.node.findAll().filter((c: any) => c instanceof applicationClass).map((c: any): Target => {
    const application = c.node.defaultChild.toJson();
    const sourcePath: string | undefined = application.spec.source?.path;
    let desired: any[] | undefined;
    if (sourcePath !== undefined && !application.spec.source.chart) {
      if (!sourcePath.startsWith(distPrefix)) {
        throw new Error(`Application ${application.metadata.name} of examples/${name} reads ${sourcePath}, outside ${distPrefix}`);
      }
      const folder = path.join(outdir, sourcePath.slice(distPrefix.length));
      if (!fs.existsSync(folder)) throw new Error(`Application ${application.metadata.name} of examples/${name} reads ${sourcePath}, which the example does not synthesize`);
      desired = yamlFiles(folder).flatMap(f => Yaml.load(f));
    }
    // `deploys` is what the ignore rules are derived from; it must be what the Application reads
    const deploys: any[] = c.deploysList;
    const deployed = deploys.flatMap(d => d.node.findAll())
      .filter((o: any, i: number, all: any[]) => ApiObject.isApiObject(o) && all.indexOf(o) === i)
      .map((o: any) => o.toJson());
    return {
      label: `${name}/${application.metadata.name}`,
      application,
      rules: application.spec.ignoreDifferences ?? [],
      context: { applicationName: application.metadata.name, destinationNamespace: application.spec.destination?.namespace },
      desired,
      deployed,
    };
  });
}

const hasRollout = (t: Target) => (t.desired ?? []).some(o => o.kind === 'Rollout');

describe.each(examples)('example %s: Argo CD Applications', (name) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-drift-${name}-`));
  const targets = load(name, outdir);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('every Application without a Rollout is a listed, explained exception', () => {
    const without = targets.filter(t => !hasRollout(t)).map(t => t.label);
    const listed = Object.keys(NO_ROLLOUT).filter(k => k.startsWith(`${name}/`));
    expect(without.sort()).toEqual(listed.sort());
  });

  for (const target of targets.filter(t => !hasRollout(t))) {
    test.skip(`${target.label}: not drift-tested: ${NO_ROLLOUT[target.label] ?? 'UNLISTED'}`, () => undefined);
  }

  for (const target of targets.filter(hasRollout)) describeApplication(target);
});

function describeApplication(target: Target): void {
  describe(`Application ${target.label}`, () => {
    const desired = target.desired!;

    test('deploys exactly the objects of the folder it reads', () => {
      expect(target.deployed.map(objectKey).sort()).toEqual(desired.map(objectKey).sort());
    });

    test('no drift at any phase under the default (legacy) diff', async () => {
      expect(await driftLines(desired, target.rules, false, target.context)).toEqual([]);
    });

    test('no drift at any phase under a Server-Side-Diff-like strict diff', async () => {
      expect(await driftLines(desired, target.rules, true, target.context)).toEqual([]);
    });

    test('without ignoreDifferences it would drift (the example exercises the controller)', async () => {
      expect(await drifts(desired, [], target.context)).toBe(true);
    });

    test('removing any single ignore entry makes drift appear', async () => {
      expect(await harmlessEntries(desired, target.rules, target.context)).toEqual([]);
    });

    test('removing any single ignore path makes drift appear', async () => {
      expect(await harmlessPaths(desired, target.rules, target.context)).toEqual([]);
    });

    test('no ignore rule is dead', async () => {
      expect(await deadRulesOverPhases(desired, target.rules)).toEqual([]);
    });

    test('RespectIgnoreDifferences and ApplyOutOfSyncOnly come together or not at all', () => {
      const options: string[] = target.application.spec.syncPolicy?.syncOptions ?? [];
      expect(options.includes('RespectIgnoreDifferences=true')).toBe(options.includes('ApplyOutOfSyncOnly=true'));
    });
  });
}
