// The conformance suite: what cdk8s-rollouts synthesizes, judged by the real upstream code.
//
// 1. Builds, from Go modules pinned in conformance/*/go.mod: etcd, kube-apiserver and the
//    conformance-kube driver (Kubernetes + Argo Rollouts' own validation; the API server has the
//    CRDs of crds/ installed, the Gateway API's HTTPRoute among them), and conformance-istio
//    (Istio's own validation).
// 2. Gathers the corpus: every example's committed YAML, every chart the unit tests synthesize as
//    valid (captured by test/helpers/synth.ts when CONFORMANCE_CORPUS_DIR is set), and the
//    property-based cases of test/conformance/generator.ts (seeded).
// 3. Runs the validators on the corpus and writes test-reports/conformance.json with counts of
//    what really ran. Fails when a real validator refuses anything the library synthesized, or
//    when the API machinery would rewrite a quantity of a Rollout's pod template (or disagrees
//    with the library's canonicalQuantity on seeded random quantities).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { buildScenarios, NOT_COVERED } from './release-scenarios';
import { canonicalQuantity } from '../src/private/quantity';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'conformance', '.bin');
const WORK = path.join(ROOT, 'conformance', '.work');
const REPORT = path.join(ROOT, 'test-reports', 'conformance.json');
const SEED = Number(process.env.CONFORMANCE_SEED ?? 20261129);
const GENERATED = Number(process.env.CONFORMANCE_CASES ?? 300);
const HTTP_ROUTE = 'gateway.networking.k8s.io/v1/HTTPRoute';
const QUANTITY_PAIRS = Number(process.env.CONFORMANCE_QUANTITIES ?? 20000);

interface CorpusCase { readonly id: string; readonly complete: boolean; readonly objects: any[] }

function log(message: string): void {
  console.log(`conformance: ${message}`);
}

/** The version a go.mod requires of a module. */
function goModVersion(goMod: string, module: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'conformance', goMod, 'go.mod'), 'utf8');
  const match = text.match(new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm'));
  if (!match) throw new Error(`conformance/${goMod}/go.mod requires no ${module}`);
  return match[1];
}

function go(moduleDir: string, args: string[]): void {
  const started = Date.now();
  execFileSync('go', args, { cwd: path.join(ROOT, 'conformance', moduleDir), stdio: 'inherit' });
  log(`go ${args.join(' ')} (${moduleDir}): ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function buildValidators(): void {
  fs.mkdirSync(BIN, { recursive: true });
  // -mod=readonly: go.mod and go.sum are the lockfiles; a build never edits them
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'etcd'), 'go.etcd.io/etcd/server/v3']);
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'kube-apiserver'), 'k8s.io/kubernetes/cmd/kube-apiserver']);
  // the driver's own checks can fail (quantities_test.go), then the driver
  go('kube', ['test', '-mod=readonly', '-buildvcs=false', './cmd/conformance-kube']);
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'conformance-kube'), './cmd/conformance-kube']);
  go('istio', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'conformance-istio'), './cmd/conformance-istio']);
  // the release suite (#13): the workload controllers, the Argo Rollouts controller, kwok
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'kube-controller-manager'), 'k8s.io/kubernetes/cmd/kube-controller-manager']);
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'kube-scheduler'), 'k8s.io/kubernetes/cmd/kube-scheduler']);
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'rollouts-controller'), 'github.com/argoproj/argo-rollouts/cmd/rollouts-controller']);
  go('kube', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'conformance-releases'), './cmd/conformance-releases']);
  go('kwok', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'kwok'), 'sigs.k8s.io/kwok/cmd/kwok']);
  go('kwok', ['build', '-mod=readonly', '-buildvcs=false', '-o', path.join(BIN, 'kwok-stages'), './cmd/kwok-stages']);
}

interface ReleasesSummary {
  apps: number;
  steps: number;
  observations: number;
  outOfSync: number;
  checkErrors: number;
  simulatorMismatches: number;
  /** Problems found beside the steps (the RespectIgnoreDifferences image probe); each fails the run. */
  findings: string[];
  /** Metadata-only writes that made the controller take up a lost promotion or abort. */
  nudges: number;
  scenarios: any[];
  notCovered: Array<{ example: string; reason: string }>;
  seconds: number;
  failures: string[];
}

/** The release suite (#13): the real Argo Rollouts controller drives the examples' releases; Argo CD's diff judges. */
function runReleases(versions: Record<string, string>): ReleasesSummary {
  const dir = path.join(WORK, 'releases');
  fs.mkdirSync(dir, { recursive: true });
  const scenariosFile = path.join(dir, 'scenarios.json');
  const only = process.env.CONFORMANCE_RELEASES_ONLY ? process.env.CONFORMANCE_RELEASES_ONLY.split(',') : undefined;
  fs.writeFileSync(scenariosFile, JSON.stringify({ scenarios: buildScenarios(only) }));
  const out = path.join(dir, 'report.json');
  fs.rmSync(out, { force: true });
  const result = spawnSync(path.join(BIN, 'conformance-releases'), [
    '--scenarios', scenariosFile, '--out', out, '--bin', BIN, '--crds', path.join(ROOT, 'crds'), '--work', path.join(dir, 'cluster'),
    '--versions', `kubernetes=${versions.kubernetes},argoRollouts=${versions.argoRollouts},argoCd=${versions.argoCd},kwok=${versions.kwok}`,
  ], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(out)) throw new Error(`conformance-releases wrote no report (exit ${result.status})`);
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failures: string[] = [];
  for (const s of r.scenarios) {
    if (s.error) failures.push(`releases: ${s.name}: ${s.error}`);
    for (const f of s.failures ?? []) {
      for (const o of f.outOfSync ?? []) failures.push(`releases: ${s.name} release ${f.release} ${f.moment}: Argo CD says ${o.object} is OutOfSync: ${o.fields.join('; ')}`);
      for (const c of f.checkErrors ?? []) failures.push(`releases: ${s.name} release ${f.release} ${f.moment}: ${c}`);
      for (const m of f.simulatorMismatches ?? []) failures.push(`releases: ${s.name} release ${f.release} ${f.moment}: simulator (${f.simulatorPhase}) vs live: ${m}`);
    }
    for (const e of s.syncUnderFire?.errors ?? []) failures.push(`releases: ${s.name}: sync under fire: ${e}`);
    // the RespectIgnoreDifferences probe: the Rollout writes canonical quantities, so a dropped image is a bug
    for (const f of s.findings ?? []) failures.push(`releases: ${s.name}: ${f}`);
  }
  if (result.status !== 0 && failures.length === 0) failures.push(`conformance-releases exited ${result.status}`);
  const sum = (key: string) => r.scenarios.reduce((n: number, s: any) => n + (s[key] ?? 0), 0);
  return {
    apps: r.apps,
    steps: r.steps,
    observations: sum('observations'),
    outOfSync: r.outOfSync,
    checkErrors: r.checkErrors,
    simulatorMismatches: r.simulatorMismatches,
    findings: r.scenarios.flatMap((s: any) => (s.findings ?? []).map((f: string) => `${s.name}: ${f}`)),
    nudges: sum('nudges'),
    scenarios: r.scenarios,
    notCovered: NOT_COVERED,
    seconds: Math.round(r.seconds),
    failures,
  };
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return entry.name.endsWith('.yaml') ? [full] : [];
  }).sort();
}

function exampleCases(): CorpusCase[] {
  const examples = path.join(ROOT, 'examples');
  return fs.readdirSync(examples).sort().filter((name) => fs.existsSync(path.join(examples, name, 'dist'))).map((name) => ({
    id: `example: ${name}`,
    complete: true,
    objects: yamlFiles(path.join(examples, name, 'dist')).flatMap((file) => Yaml.load(file).filter((o: any) => o && o.kind)),
  }));
}

/** The charts the unit tests synthesized as valid; runs the tests to capture them when needed. */
function unitTestCases(): CorpusCase[] {
  const dir = process.env.CONFORMANCE_CORPUS_DIR ? path.resolve(process.env.CONFORMANCE_CORPUS_DIR) : path.join(WORK, 'unit-corpus');
  if (!fs.existsSync(dir) || fs.readdirSync(dir).length === 0) {
    log(`capturing the unit tests' charts into ${path.relative(ROOT, dir)} (jest)`);
    const result = spawnSync('npx', ['jest', '--ci', '--silent', '--coverage=false'], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CONFORMANCE_CORPUS_DIR: dir },
    });
    if (result.status !== 0) throw new Error('the unit tests failed while capturing their charts; run `npx projen test` first');
  }
  return fs.readdirSync(dir).sort().map((file) => {
    const captured = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    return { id: captured.id, complete: false, objects: captured.objects };
  });
}

interface GeneratedSummary {
  cases: number;
  valid: number;
  broken: number;
  synthesized: number;
  rejectedAtSynth: number;
  validRejectedAtSynth: string[];
  brokenAccepted: string[];
  unclearMessages: string[];
}

const emptySummary = (): GeneratedSummary => ({
  cases: 0, valid: 0, broken: 0, synthesized: 0, rejectedAtSynth: 0, validRejectedAtSynth: [], brokenAccepted: [], unclearMessages: [],
});

function generatedCases(): { cases: CorpusCase[]; summary: GeneratedSummary } {
  if (GENERATED === 0) {
    return { cases: [], summary: emptySummary() };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generator lives with the tests (ts-node compiles it)
  const { generateCases } = require('../test/conformance/generator');
  const generated: any[] = generateCases(SEED, GENERATED, GENERATED);
  const summary: GeneratedSummary = {
    cases: generated.length,
    valid: 0,
    broken: 0,
    synthesized: 0,
    rejectedAtSynth: 0,
    validRejectedAtSynth: [],
    brokenAccepted: [],
    unclearMessages: [],
  };
  const cases: CorpusCase[] = [];
  for (const g of generated) {
    if (g.valid) summary.valid++; else summary.broken++;
    // the App's default (relative) output folder: ArgoCdApplication derives its source from it;
    // nothing is written, only the charts' JSON is read
    const app = new App();
    let objects: any[];
    try {
      g.build(app);
      objects = app.charts.flatMap((chart) => chart.toJson());
    } catch (e: any) {
      summary.rejectedAtSynth++;
      const message = String(e?.message ?? e);
      if (g.valid) summary.validRejectedAtSynth.push(`${g.id}: ${message.split('\n').slice(0, 2).join(' ')}`);
      // a clear message names the construct path in brackets
      if (!/\[[^\]]+\]/.test(message)) summary.unclearMessages.push(`${g.id}: ${message.split('\n')[0]}`);
      continue;
    }
    summary.synthesized++;
    if (!g.valid) summary.brokenAccepted.push(`${g.id}: ${g.description}`);
    cases.push({ id: `generated ${g.valid ? 'valid' : 'broken'} ${g.id}: ${g.description}`, complete: true, objects });
  }
  return { cases, summary };
}

/**
 * Seeded quantities in every notation (decimal and binary suffixes, exponents, fractions, signs)
 * with the library's canonical form of each ('' when it leaves one as written), for
 * conformance-kube to judge with the API machinery's own parser and formatter.
 */
function quantityPairs(): { given: string; canonical: string }[] {
  const suffix = fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'E6', 'e-2', 'e0', 'e+1');
  // small, large and round numbers, and the ones cdk8s-plus writes
  const digits = (max: number) => fc.oneof(fc.constant(0), fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 9 }).map(d => d * 1000),
    fc.constantFrom(512, 1000, 1024, 1500, 2048, 3072));
  const quantity = fc.tuple(fc.constantFrom('', '', '', '-', '+'), digits(1e9), fc.option(fc.stringMatching(/^[0-9]{0,7}$/), { nil: undefined }), suffix)
    .map(([sign, whole, fraction, unit]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${unit}`);
  return fc.sample(quantity, { seed: SEED, numRuns: QUANTITY_PAIRS }).map(given => ({ given, canonical: canonicalQuantity(given) ?? '' }));
}

function run(binary: string, args: string[]): void {
  execFileSync(path.join(BIN, binary), args, { cwd: ROOT, stdio: 'inherit' });
}

function main(): void {
  const started = Date.now();
  const skipBuild = process.argv.includes('--no-build');
  if (!skipBuild) buildValidators();
  if (process.argv.includes('--only-releases')) {
    const versions = {
      kubernetes: goModVersion('kube', 'k8s.io/kubernetes'),
      argoRollouts: goModVersion('kube', 'github.com/argoproj/argo-rollouts'),
      argoCd: goModVersion('kube', 'github.com/argoproj/argo-cd/v3'),
      kwok: goModVersion('kwok', 'sigs.k8s.io/kwok'),
    };
    const releases = runReleases(versions);
    const { scenarios, failures, ...summary } = releases;
    console.log(JSON.stringify({ releases: summary }));
    if (failures.length > 0) {
      console.error(`\n${failures.length} release failure(s):\n` + failures.map((f) => `- ${f}`).join('\n'));
      process.exit(1);
    }
    return;
  }

  const examples = exampleCases();
  const unit = unitTestCases();
  const generated = generatedCases();
  const cases = [...examples, ...unit, ...generated.cases];
  log(`corpus: ${examples.length} examples, ${unit.length} unit-test charts, ${generated.cases.length} generated apps that synthesized`);

  fs.rmSync(path.join(WORK, 'apiserver'), { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const corpusFile = path.join(WORK, 'corpus.json');
  fs.writeFileSync(corpusFile, JSON.stringify({ cases }));

  const versions = {
    kubernetes: goModVersion('kube', 'k8s.io/kubernetes'),
    argoRollouts: goModVersion('kube', 'github.com/argoproj/argo-rollouts'),
    argoCd: fs.readFileSync(path.join(ROOT, 'crds', 'VERSIONS'), 'utf8').match(/^argo-cd (\S+)/m)![1],
    istio: `istio.io/istio ${goModVersion('istio', 'istio.io/istio')} (VERSION 1.31 main line), istio.io/api ${goModVersion('istio', 'istio.io/api')}`,
    gatewayApi: `sigs.k8s.io/gateway-api ${goModVersion('gateway-api', 'sigs.k8s.io/gateway-api')} (standard-channel HTTPRoute CRD)`,
  };
  const quantitiesFile = path.join(WORK, 'quantities.json');
  fs.writeFileSync(quantitiesFile, JSON.stringify(quantityPairs()));
  const kubeReport = path.join(WORK, 'kube-report.json');
  const istioReport = path.join(WORK, 'istio-report.json');
  run('conformance-kube', [
    '--corpus', corpusFile, '--out', kubeReport, '--bin', BIN, '--crds', path.join(ROOT, 'crds'),
    '--work', path.join(WORK, 'apiserver'), '--kubernetes-version', versions.kubernetes, '--argo-rollouts-version', versions.argoRollouts,
    '--quantities', quantitiesFile,
  ]);
  run('conformance-istio', ['--corpus', corpusFile, '--out', istioReport, '--istio-version', versions.istio]);
  const kube = JSON.parse(fs.readFileSync(kubeReport, 'utf8'));
  const istio = JSON.parse(fs.readFileSync(istioReport, 'utf8'));
  const releases = runReleases({ ...versions, argoCd: goModVersion('kube', 'github.com/argoproj/argo-cd/v3'), kwok: goModVersion('kwok', 'sigs.k8s.io/kwok') });
  const { failures: releaseFailures, ...releasesReport } = releases;

  const report = {
    upstream: versions,
    corpus: {
      cases: cases.length,
      examples: examples.length,
      unitTestCharts: unit.length,
      generated: { seed: SEED, ...generated.summary },
    },
    dryRun: { mode: kube.mode, objects: kube.dryRunObjects, byKind: kube.dryRunByKind, rejected: kube.rejected.length, findings: kube.rejected },
    rolloutsValidation: {
      rollouts: kube.rollouts,
      errors: kube.rolloutsValidationErrors.length,
      unresolvedReferences: kube.unresolvedReferences,
      findings: kube.rolloutsValidationErrors,
    },
    quantities: {
      inRolloutTemplates: kube.quantities.inRollouts,
      canonicalQuantityPairs: kube.quantities.pairs,
      notCanonical: kube.quantities.findings.length,
      findings: kube.quantities.findings,
    },
    istioValidation: {
      objects: istio.objects,
      errors: istio.errors.length,
      warnings: istio.warnings.length,
      findings: istio.errors,
      warningFindings: istio.warnings,
    },
    releases: releasesReport,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, JSON.stringify(report, null, 2) + '\n');

  // a broken input that synthesized must at least be refused by a real validator
  const flagged = new Set([...kube.rejected, ...kube.rolloutsValidationErrors, ...istio.errors].map((f: any) => f.case));
  const brokenAcceptedByAll = generated.cases
    .filter((c) => c.id.startsWith('generated broken') && !flagged.has(c.id))
    .map((c) => c.id);
  (report.corpus.generated as any).brokenAcceptedByAll = brokenAcceptedByAll;
  const failures: string[] = [];
  for (const f of kube.rejected) failures.push(`kube-apiserver refused ${f.kind} ${f.name} (${f.case}): ${f.message}`);
  // the Gateway API cases must really reach the API server (crds/gateway-api)
  const httpRoutes = kube.dryRunByKind[HTTP_ROUTE] ?? 0;
  if (httpRoutes === 0) failures.push(`no ${HTTP_ROUTE} reached the API server; the corpus lost its Gateway API cases`);
  for (const f of kube.rolloutsValidationErrors) failures.push(`Argo Rollouts validation: ${f.kind} ${f.name} (${f.case}): ${f.message}`);
  for (const f of istio.errors) failures.push(`Istio validation: ${f.kind} ${f.name} (${f.case}): ${f.message}`);
  for (const f of kube.quantities.findings) failures.push(`API machinery quantities: ${f.kind} ${f.name} (${f.case}): ${f.message}`);
  if (kube.quantities.inRollouts === 0) failures.push('no quantity of a Rollout pod template reached the quantity check');
  failures.push(...releaseFailures);
  for (const v of generated.summary.validRejectedAtSynth) failures.push(`a generated valid app was rejected at synth: ${v}`);
  for (const v of generated.summary.unclearMessages) failures.push(`a synth error does not name its construct: ${v}`);
  const validSynthesized = generated.summary.synthesized - generated.summary.brokenAccepted.length;
  if (validSynthesized < GENERATED) failures.push(`only ${validSynthesized} generated valid apps reached the validators; want ${GENERATED}`);

  log(`report: ${path.relative(ROOT, REPORT)}`);
  console.log(JSON.stringify({
    upstream: report.upstream,
    dryRun: { objects: report.dryRun.objects, httpRoutes, rejected: report.dryRun.rejected },
    rolloutsValidation: { rollouts: report.rolloutsValidation.rollouts, errors: report.rolloutsValidation.errors },
    quantities: {
      inRolloutTemplates: report.quantities.inRolloutTemplates,
      pairs: report.quantities.canonicalQuantityPairs,
      notCanonical: report.quantities.notCanonical,
    },
    istioValidation: { objects: report.istioValidation.objects, errors: report.istioValidation.errors },
    releases: {
      apps: releases.apps,
      steps: releases.steps,
      outOfSync: releases.outOfSync,
      checkErrors: releases.checkErrors,
      simulatorMismatches: releases.simulatorMismatches,
      findings: releases.findings.length,
    },
    generated: { valid: validSynthesized, rejectedAtSynth: generated.summary.rejectedAtSynth, brokenAcceptedByAll: brokenAcceptedByAll.length },
  }));
  if (failures.length > 0) {
    console.error(`\n${failures.length} conformance failure(s):\n` + failures.map((f) => `- ${f}`).join('\n'));
    process.exit(1);
  }
  log(`passed in ${report.seconds} s`);
}

main();
