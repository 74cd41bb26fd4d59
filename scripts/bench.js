#!/usr/bin/env node
// Benchmark of CanaryApp synthesis (issue #9). Run with `npx projen bench` (compiles lib/ first).
//
// For N = 10, 100, 1000 it synthesizes N CanaryApps (half ALB with a header route, half Istio;
// 8 steps each; one Argo CD Application per app) with the compiled library, and as the baseline
// the very same objects written as plain cdk8s `ApiObject`s from literal templates. The baseline
// YAML is asserted equal to the library YAML before anything is timed.
//
// Synthesis is what a platform repo does: `app.synth()` with one folder per chart
// (YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, as Argo CD reads one folder per app) into a
// temporary directory (tmpfs when there is one). cdk8s validates the app once there; in its other
// output types and in `synthYaml()` it validates the whole app once per chart, which makes any
// one-chart-per-app layout quadratic, library or not (see README, Performance).
//
// Figures (each the median of RUNS runs):
// - ms per app: (construct + app.synth()) / N, in this process, after an untimed warm-up run
//   (for sizes projected under 5 s), with a full GC before each timed run; library and baseline
//   runs alternate. A size whose library run is projected over BENCH_BUDGET_S (default 90) is
//   skipped, and fewer runs are made when 5 would exceed it (both are reported).
// - peak RSS: process.resourceUsage().maxRSS of a fresh child process per (N, variant, run) that
//   loads the modules and synthesizes once (fewer runs when they would exceed half the budget).
// Env: BENCH_SIZES=10,100  BENCH_RUNS=5  BENCH_BUDGET_S=90  BENCH_LIB=<path of a compiled lib>.
// - require cost: fresh `node -e` children timing, with process.hrtime, `require('cdk8s');
//   require('cdk8s-plus-28')` against the same plus `require('<repo>/lib')`.
// A table goes to stdout, then a last line that is only JSON with every figure and target.
'use strict';

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const LIB = process.env.BENCH_LIB ? path.resolve(process.env.BENCH_LIB) : path.join(ROOT, 'lib');
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [10, 100, 1000];
const RUNS = Number(process.env.BENCH_RUNS || 5);
const CHECK_N = 4;
// keep the whole run to about 3 minutes on 2 cores: at most this long per size for the timed
// runs (library + baseline), and for the peak-RSS child processes; fewer runs (or none) beyond it
const SYNTH_BUDGET_MS = Number(process.env.BENCH_BUDGET_S || 90) * 1000;
const RSS_BUDGET_MS = SYNTH_BUDGET_MS / 2; // baseline YAML must equal library YAML at this N (2 ALB + 2 Istio apps)

const TARGETS = {
  ratioAt1000: 1.5, // library ms/app at most 1.5x the baseline at N = 1000
  totalMsAt1000: 5000, // 1000 apps in under 5 s
  growth1000over100: 1.2, // ms/app at N = 1000 at most 1.2x that at N = 100
  requireExtraMs: 150, // require(lib) at most 150 ms over cdk8s + cdk8s-plus-28
};

// ---------------------------------------------------------------------------------------------
// The workload

/** App i: `a0000`, `a0001`, ...; even i ALB, odd i Istio. */
const appName = i => `a${String(i).padStart(4, '0')}`;
const kindOf = i => (i % 2 === 0 ? 'alb' : 'istio');

function canaryProps(lib, cdk8s, kind, name) {
  const { Duration } = cdk8s;
  const { HeaderMatch, Step, TrafficRouting } = lib;
  const common = { image: `registry.example.com/${name}:1.0.0`, containerPort: 8080, replicas: 4 };
  if (kind === 'alb') {
    return {
      ...common,
      routing: TrafficRouting.alb({ host: `${name}.example.com` }),
      steps: [
        Step.setCanaryScale({ weight: 10 }),
        Step.setHeaderRoute(`${name}-testers`, [HeaderMatch.exact('version', '2')]),
        Step.pause(Duration.seconds(60)),
        Step.setWeight(5),
        Step.pause(),
        Step.setCanaryScale({ matchTrafficWeight: true }),
        Step.setWeight(50),
        Step.pause(Duration.minutes(5)),
      ],
    };
  }
  return {
    ...common,
    routing: TrafficRouting.istio({
      hosts: [`${name}.${name}.svc.cluster.local`, `${name}.example.com`],
      gateways: ['istio-system/public-gateway', 'mesh'],
    }),
    steps: [
      Step.setWeight(10), Step.pause(Duration.minutes(1)),
      Step.setWeight(30), Step.pause(Duration.minutes(1)),
      Step.setWeight(60), Step.pause(Duration.minutes(1)),
      Step.setWeight(90), Step.pause(),
    ],
  };
}

function applicationProps(name, chart) {
  return {
    repoUrl: 'https://github.com/acme/platform.git',
    path: `dist/${name}`,
    destinationNamespace: name,
    automatedSync: { prune: true, selfHeal: true },
    deploys: [chart],
  };
}

const OUT_ROOT = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** An app that writes one folder per chart into a fresh temporary directory. */
function newApp(cdk8s) {
  return new cdk8s.App({
    yamlOutputType: cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    outdir: fs.mkdtempSync(path.join(OUT_ROOT, 'cdk8s-rollouts-bench-')),
  });
}

/** Synthesizes an app as a platform repo does, then removes what it wrote; returns the bytes written. */
function synthToFolders(app) {
  app.synth();
  let bytes = 0;
  for (const chart of fs.readdirSync(app.outdir)) {
    for (const file of fs.readdirSync(path.join(app.outdir, chart))) bytes += fs.statSync(path.join(app.outdir, chart, file)).size;
  }
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return bytes;
}

/** The library variant: N CanaryApps, each in its own chart, and their Applications. */
function synthLibrary(mods, n, names = null) {
  const { cdk8s, lib } = mods;
  const app = newApp(cdk8s);
  const argocd = new cdk8s.Chart(app, 'argocd', { namespace: 'argocd' });
  for (let i = 0; i < n; i++) {
    const name = names ? names[i] : appName(i);
    const kind = names ? names.kind : kindOf(i);
    const chart = new cdk8s.Chart(app, name, { namespace: name });
    new lib.CanaryApp(chart, name, canaryProps(lib, cdk8s, kind, name));
    new lib.ArgoCdApplication(argocd, name, applicationProps(name, chart));
  }
  return app;
}

// ---------------------------------------------------------------------------------------------
// The baseline: the same manifests as literal templates, one plain ApiObject each

const PLACEHOLDER = 'zzplaceholderzz';

/** The cdk8s-plus pod label `cdk8s.io/metadata.addr` of the Rollout at `<name>/<name>/rollout`. */
function addrLabel(name) {
  const hash = crypto.createHash('sha1');
  for (const c of ['', name, name, 'rollout']) hash.update(`${c}\n`);
  return `${name}-rollout-c8${hash.digest('hex').slice(0, 6)}`;
}

/** JavaScript source of a JSON value, with PLACEHOLDER inside strings replaced by the variable `n`. */
function toSource(value) {
  if (typeof value === 'string') {
    const addr = addrLabel(PLACEHOLDER);
    if (value === addr) return 'addr';
    return value.split(PLACEHOLDER).map(s => JSON.stringify(s)).join(' + n + ').replace(/^"" \+ | \+ ""$/g, '');
  }
  if (Array.isArray(value)) return `[${value.map(toSource).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const key = k => (k.includes(PLACEHOLDER) ? `[${toSource(k)}]` : JSON.stringify(k));
    return `{${Object.entries(value).map(([k, v]) => `${key(k)}: ${toSource(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Literal templates, produced once from one synthesized library app per kind: for each kind a
 * function (name, addr) => { chart: [manifest...], application: manifest }, the hand-written
 * equivalent of a YAML file with the app name filled in.
 */
function makeTemplates(mods) {
  const templates = {};
  for (const kind of ['alb', 'istio']) {
    const names = [PLACEHOLDER];
    names.kind = kind;
    const app = synthLibrary(mods, 1, names);
    const [argocd, chart] = app.charts;
    const manifests = { chart: chart.toJson(), application: argocd.toJson()[0] };
    fs.rmSync(app.outdir, { recursive: true, force: true });
    // eslint-disable-next-line no-new-func -- a literal object template compiled once
    templates[kind] = new Function('n', 'addr', `return ${toSource(manifests)};`);
  }
  return templates;
}

function synthBaseline(mods, n, templates) {
  const { Chart, ApiObject } = mods.cdk8s;
  const app = newApp(mods.cdk8s);
  const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
  for (let i = 0; i < n; i++) {
    const name = appName(i);
    const t = templates[kindOf(i)](name, addrLabel(name));
    const chart = new Chart(app, name, { namespace: name });
    for (const m of t.chart) new ApiObject(chart, `${m.kind}-${m.metadata.name}`, m);
    new ApiObject(argocd, name, t.application);
  }
  return app;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function loadModules() {
  return { cdk8s: require('cdk8s'), lib: require(LIB) };
}

function gcFunction() {
  if (typeof global.gc === 'function') return global.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return () => {};
  }
}

function runChild(args) {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }).trim();
}

// ---------------------------------------------------------------------------------------------
// Child mode: `node bench.js --rss <library|baseline> <N>` synthesizes once and prints maxRSS (KiB).

function rssChild(variant, n) {
  const mods = loadModules();
  const templates = variant === 'baseline' ? makeTemplates(mods) : undefined;
  const app = variant === 'baseline' ? synthBaseline(mods, n, templates) : synthLibrary(mods, n);
  const bytes = synthToFolders(app);
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, bytes })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main

function checkEqual(mods, templates) {
  const libApp = synthLibrary(mods, CHECK_N);
  const baseApp = synthBaseline(mods, CHECK_N, templates);
  const lib = libApp.synthYaml();
  const base = baseApp.synthYaml();
  fs.rmSync(libApp.outdir, { recursive: true, force: true });
  fs.rmSync(baseApp.outdir, { recursive: true, force: true });
  if (lib !== base) {
    const a = lib.split('\n');
    const b = base.split('\n');
    const i = a.findIndex((line, k) => line !== b[k]);
    throw new Error(`baseline YAML differs from library YAML at line ${i + 1}:\n  library:  ${a[i]}\n  baseline: ${b[i]}`);
  }
  for (const kind of ['alb', 'istio']) {
    if (!lib.includes(kind === 'alb' ? 'kind: Ingress' : 'kind: VirtualService')) throw new Error(`no ${kind} app in the check`);
  }
  return { docs: lib.split(/^---$/m).length, bytes: lib.length };
}

/**
 * Projected ms of one run at n from the largest size measured so far: quadratic when the cost per
 * app grew between the last two sizes (in case validation or rendering ever walks the app per
 * chart), else linear. Deliberately pessimistic: it only decides whether to try the size at all.
 */
function project(measured, n) {
  const ns = Object.keys(measured).map(Number).sort((x, y) => x - y);
  if (ns.length === 0) return 0;
  const last = ns[ns.length - 1];
  const prev = ns[ns.length - 2];
  const grows = prev !== undefined && measured[last] / last > (measured[prev] / prev) * 1.1;
  return measured[last] * (grows ? (n / last) ** 2 : n / last);
}

/** How many runs fit the budget at a given ms per pair of runs. */
function runsWithin(budgetMs, pairMs) {
  return Math.max(0, Math.min(RUNS, Math.floor(budgetMs / Math.max(pairMs, 1))));
}

function timeSynthesis(mods, templates) {
  const gc = gcFunction();
  const variants = {
    library: n => synthToFolders(synthLibrary(mods, n)),
    baseline: n => synthToFolders(synthBaseline(mods, n, templates)),
  };
  const results = {};
  const medians = { library: {}, baseline: {} };
  for (const n of SIZES) {
    const projected = { library: project(medians.library, n), baseline: project(medians.baseline, n) };
    if (projected.library > SYNTH_BUDGET_MS) {
      results[n] = { skipped: `projected ${round(projected.library / 1000, 1)} s per library run exceeds the budget of ${SYNTH_BUDGET_MS / 1000} s per size`, projectedLibraryMs: round(projected.library, 0) };
      continue;
    }
    const samples = { library: [], baseline: [] };
    // warm-up (untimed) while it is cheap; at larger sizes the code is warm from the smaller ones
    if (projected.library + projected.baseline < 5000) for (const v of Object.keys(variants)) variants[v](n);
    let spent = 0;
    let runs = 0;
    // alternate the order; stop early when another pair of runs would exceed the budget
    while (runs < RUNS && (runs === 0 || spent + spent / runs <= SYNTH_BUDGET_MS)) {
      const order = runs % 2 ? ['baseline', 'library'] : ['library', 'baseline'];
      for (const v of order) {
        gc();
        const t0 = nowMs();
        variants[v](n);
        const ms = nowMs() - t0;
        samples[v].push(ms);
        spent += ms;
      }
      runs++;
    }
    const lib = median(samples.library);
    const base = median(samples.baseline);
    medians.library[n] = lib;
    medians.baseline[n] = base;
    results[n] = {
      runs,
      libraryMsPerApp: round(lib / n),
      baselineMsPerApp: round(base / n),
      ratio: round(lib / base, 2),
      libraryTotalMs: round(lib, 1),
      baselineTotalMs: round(base, 1),
      samplesMs: { library: samples.library.map(x => round(x, 1)), baseline: samples.baseline.map(x => round(x, 1)) },
    };
  }
  return results;
}

function measureRss(synth) {
  const results = {};
  for (const n of SIZES) {
    if (synth[n].skipped) {
      results[n] = { libraryPeakRssMiB: null, baselinePeakRssMiB: null };
      continue;
    }
    // a fresh process per run costs the synthesis again plus the start-up (~0.5 s)
    const runs = Math.max(1, runsWithin(RSS_BUDGET_MS, synth[n].libraryTotalMs + synth[n].baselineTotalMs + 1000));
    const samples = { library: [], baseline: [] };
    for (let r = 0; r < runs; r++) {
      for (const v of ['library', 'baseline']) {
        samples[v].push(JSON.parse(runChild([__filename, '--rss', v, String(n)])).maxRssKiB / 1024);
      }
    }
    results[n] = { rssRuns: runs, libraryPeakRssMiB: round(median(samples.library), 1), baselinePeakRssMiB: round(median(samples.baseline), 1) };
  }
  return results;
}

function measureRequire() {
  const script = withLib => [
    "const t0 = process.hrtime.bigint();",
    "require('cdk8s'); require('cdk8s-plus-28');",
    withLib ? `require(${JSON.stringify(LIB)});` : '',
    'const ms = Number(process.hrtime.bigint() - t0) / 1e6;',
    "const aws = Object.keys(require.cache).filter(k => k.includes('aws-cdk-lib'));",
    'console.log(JSON.stringify({ ms, awsCdkLibModules: aws.length }));',
  ].join('\n');
  const run = withLib => JSON.parse(runChild(['-e', script(withLib)]));
  run(false); run(true); // warm the file system cache
  const base = [];
  const full = [];
  let awsCdkLibModules = 0;
  for (let r = 0; r < RUNS; r++) {
    base.push(run(false).ms);
    const f = run(true);
    full.push(f.ms);
    awsCdkLibModules = f.awsCdkLibModules;
  }
  return {
    cdk8sAndPlusMs: round(median(base), 1),
    withLibraryMs: round(median(full), 1),
    extraMs: round(median(full) - median(base), 1),
    awsCdkLibLoaded: awsCdkLibModules > 0,
    awsCdkLibModules,
  };
}

function pad(s, w) {
  s = String(s);
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

function main() {
  const started = nowMs();
  const mods = loadModules();
  const templates = makeTemplates(mods);
  const check = checkEqual(mods, templates);
  console.log(`baseline YAML == library YAML at N=${CHECK_N} (${check.docs} documents, ${check.bytes} bytes)`);

  const synth = timeSynthesis(mods, templates);
  const rss = measureRss(synth);
  const req = measureRequire();

  const big = synth[1000] || { skipped: 'N=1000 not in BENCH_SIZES' };
  const mid = synth[100] || { skipped: 'N=100 not in BENCH_SIZES' };
  const measured = (x, f) => (x.skipped ? null : f(x));
  const targets = {
    ratioAt1000: { limit: TARGETS.ratioAt1000, value: measured(big, x => x.ratio) },
    totalMsAt1000: { limit: TARGETS.totalMsAt1000, value: big.skipped ? null : big.libraryTotalMs, projected: big.projectedLibraryMs },
    growth1000over100: { limit: TARGETS.growth1000over100, value: big.skipped || mid.skipped ? null : round(big.libraryMsPerApp / mid.libraryMsPerApp, 2) },
    requireExtraMs: { limit: TARGETS.requireExtraMs, value: req.extraMs },
  };
  for (const t of Object.values(targets)) {
    t.pass = t.value !== null && t.value <= t.limit;
    if (t.projected === undefined) delete t.projected;
  }

  const header = ['N', 'lib ms/app', 'base ms/app', 'ratio', 'lib total ms', 'base total ms', 'lib RSS MiB', 'base RSS MiB'];
  const widths = header.map(h => Math.max(h.length, 8));
  const line = cells => cells.map((c, i) => pad(c, widths[i])).join('  ');
  console.log('');
  console.log(`synthesis (median of ${RUNS}; construct + app.synth(), one folder per chart, on ${OUT_ROOT})`);
  console.log(line(header));
  const fixed = (x, d) => (x === null || x === undefined ? '-' : x.toFixed(d));
  for (const n of SIZES) {
    const s = synth[n];
    if (s.skipped) {
      console.log(`${pad(n, widths[0])}  skipped: ${s.skipped}`);
      continue;
    }
    console.log(line([n, fixed(s.libraryMsPerApp, 3), fixed(s.baselineMsPerApp, 3), fixed(s.ratio, 2),
      fixed(s.libraryTotalMs, 1), fixed(s.baselineTotalMs, 1), fixed(rss[n].libraryPeakRssMiB, 1), fixed(rss[n].baselinePeakRssMiB, 1)])
      + (s.runs < RUNS || rss[n].rssRuns < RUNS ? `  (${s.runs} timed runs, ${rss[n].rssRuns} RSS runs)` : ''));
  }
  console.log('');
  console.log(`require (median of ${RUNS}, fresh node per run): cdk8s + cdk8s-plus-28 ${req.cdk8sAndPlusMs} ms, `
    + `+ library ${req.withLibraryMs} ms, extra ${req.extraMs} ms; aws-cdk-lib loaded: ${req.awsCdkLibLoaded ? `yes (${req.awsCdkLibModules} modules)` : 'no'}`);
  console.log('');
  console.log('targets');
  const labels = {
    ratioAt1000: 'library / baseline per app at N=1000',
    totalMsAt1000: 'ms for 1000 apps (library)',
    growth1000over100: 'ms/app at N=1000 / ms/app at N=100',
    requireExtraMs: 'extra ms to require the library',
  };
  for (const [k, t] of Object.entries(targets)) {
    console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${labels[k]}: ${t.value === null ? `not measured${t.projected ? ` (projected ${t.projected})` : ''}` : t.value} (limit ${t.limit})`);
  }
  const elapsedS = round((nowMs() - started) / 1000, 1);
  console.log(`  (${elapsedS} s on ${os.cpus().length} cpus, node ${process.version})`);

  const sizes = {};
  for (const n of SIZES) {
    const { samplesMs, ...figures } = synth[n];
    sizes[n] = { ...figures, ...rss[n], ...(samplesMs ? { samplesMs } : {}) };
  }
  console.log(JSON.stringify({
    node: process.version, cpus: os.cpus().length, runs: RUNS, sizes, require: req, targets,
    pass: Object.values(targets).every(t => t.pass), elapsedS,
  }));
}

if (require.main !== module) {
  module.exports = { loadModules, makeTemplates, synthLibrary, synthBaseline, checkEqual };
} else if (process.argv[2] === '--rss') {
  rssChild(process.argv[3], Number(process.argv[4]));
} else {
  main();
}
