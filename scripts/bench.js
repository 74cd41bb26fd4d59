#!/usr/bin/env node
// Benchmark of CanaryApp synthesis (issues #9, #17). Run with `npx projen bench` (compiles lib/ first).
//
// For N = 100 and 1000 it synthesizes N CanaryApps (half ALB with a header route, half Istio;
// 8 steps each; one Argo CD Application per app, its source derived from the layout) with the
// compiled library, and as the baseline the very same objects written as plain cdk8s
// `ApiObject`s from literal templates, in each of the three ways users synthesize:
// - synth:  `app.synth()` with cdk8s' default output, YamlOutputType.FILE_PER_CHART (what `cdk8s synth` does)
// - yaml:   `app.synthYaml()`
// - folder: `app.synth()` with YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per Argo CD app)
// Output goes to a temporary directory (tmpfs when there is one). Before anything is timed, the
// baseline output (every file, or the YAML string) is asserted equal to the library's in each mode.
// In cdk8s 2.70 `synth` and `yaml` validate the whole App once per chart (`chart.toJson()`), so
// they are quadratic in the number of charts, library or not; `folder` validates once.
//
// Figures (each the median of RUNS runs):
// - ms per app: (construct + synthesis) / N, in this process, after an untimed warm-up run
//   (for sizes projected under 5 s), with a full GC before each timed run; library and baseline
//   runs alternate. Wall time (and of it, the construction alone), and the process' CPU time beside it (other processes on a shared
//   machine inflate wall time; the load average is printed with the figures). A size whose
//   library run is projected over BENCH_BUDGET_S (default 120) is skipped, and fewer runs are made
//   when RUNS would exceed it (both are reported).
// - peak RSS (folder mode): process.resourceUsage().maxRSS of a fresh child process per
//   (N, variant, run) that loads the modules and synthesizes once.
// - per-chart walk (synth and yaml modes): wall and CPU ms of one `App._synthChart()` of an empty chart, the
//   dependency resolution and validation of the whole App that cdk8s repeats for every chart,
//   timed inside one synthesis (WALK_RUNS rounds of WALK_CALLS calls, median), library and baseline.
// - require cost: fresh `node -e` children timing, with process.hrtime, `require('cdk8s');
//   require('cdk8s-plus-28')` against the same plus `require('<repo>/lib')` (REQUIRE_RUNS, median).
// Env: BENCH_SIZES=100,1000  BENCH_MODES=synth,yaml,folder  BENCH_RUNS=5  BENCH_REQUIRE_RUNS=9  BENCH_WALK_RUNS=5
//      BENCH_BUDGET_S=120  BENCH_LIB=<path of a compiled lib>.
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
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [100, 1000];
const RUNS = Number(process.env.BENCH_RUNS || 5);
const REQUIRE_RUNS = Number(process.env.BENCH_REQUIRE_RUNS || 9);
const WALK_RUNS = Number(process.env.BENCH_WALK_RUNS || 5); // rounds of the per-chart walk measurement
const WALK_CALLS = 5; // App._synthChart() calls per round
const CHECK_N = 4; // baseline output must equal library output at this N (2 ALB + 2 Istio apps)
// at most this long per (mode, size) for the timed runs (library + baseline); fewer runs (or none) beyond it
const SYNTH_BUDGET_MS = Number(process.env.BENCH_BUDGET_S || 120) * 1000;
const RSS_BUDGET_MS = SYNTH_BUDGET_MS / 2;

/** The three ways to synthesize; `output` is the App's yamlOutputType. */
const MODES = {
  synth: { label: 'app.synth(), FILE_PER_CHART (default)', output: 'FILE_PER_CHART' },
  yaml: { label: 'app.synthYaml()', output: 'FILE_PER_CHART' },
  folder: { label: 'app.synth(), FOLDER_PER_CHART_FILE_PER_RESOURCE', output: 'FOLDER_PER_CHART_FILE_PER_RESOURCE' },
};
const MODE_NAMES = process.env.BENCH_MODES ? process.env.BENCH_MODES.split(',') : Object.keys(MODES);

const TARGETS = {
  ratioAt1000: 1.1, // library at most 1.1x the baseline at N = 1000, in every mode
  folderTotalMsAt1000: 2000, // 1000 apps in under 2 s, one folder per chart
  folderGrowth1000over100: 1.2, // folder mode: ms/app at N = 1000 at most 1.2x that at N = 100
  requireExtraMs: 60, // require(lib) at most 60 ms over cdk8s + cdk8s-plus-28
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

/** The Application's source is derived: `dist/<chart>` per folder, or `dist` + include `<chart>.k8s.yaml`. */
function applicationProps(chart) {
  return {
    repoUrl: 'https://github.com/acme/platform.git',
    outdirInRepo: 'dist',
    destinationNamespace: chart.namespace,
    automatedSync: { prune: true, selfHeal: true },
    deploys: [chart],
  };
}

const OUT_ROOT = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** An app of the mode's output type that writes into a fresh temporary directory. */
function newApp(cdk8s, mode) {
  return new cdk8s.App({
    yamlOutputType: cdk8s.YamlOutputType[MODES[mode].output],
    outdir: fs.mkdtempSync(path.join(OUT_ROOT, 'cdk8s-rollouts-bench-')),
  });
}

/** Synthesizes an app in the mode; returns what it wrote (path -> text, or the YAML) when `collect`. */
function synthesize(app, mode, collect = false) {
  let out;
  if (mode === 'yaml') {
    out = app.synthYaml();
  } else {
    app.synth();
    if (collect) {
      out = {};
      const walk = dir => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) walk(full);
          else out[path.relative(app.outdir, full)] = fs.readFileSync(full, 'utf8');
        }
      };
      walk(app.outdir);
    }
  }
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return out;
}

/** The library variant: N CanaryApps, each in its own chart, and their Applications. */
function synthLibrary(mods, n, mode, names = null) {
  const { cdk8s, lib } = mods;
  const app = newApp(cdk8s, mode);
  const argocd = new cdk8s.Chart(app, 'argocd', { namespace: 'argocd' });
  for (let i = 0; i < n; i++) {
    const name = names ? names[i] : appName(i);
    const kind = names ? names.kind : kindOf(i);
    const chart = new cdk8s.Chart(app, name, { namespace: name });
    new lib.CanaryApp(chart, name, canaryProps(lib, cdk8s, kind, name));
    new lib.ArgoCdApplication(argocd, name, applicationProps(chart));
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
 * Literal templates per output type (the Application's derived source differs), produced once
 * from one synthesized library app per kind: for each kind a function (name, addr) =>
 * { chart: [manifest...], application: manifest }, the hand-written equivalent of a YAML file
 * with the app name filled in.
 */
function makeTemplates(mods) {
  const templates = {};
  for (const mode of Object.keys(MODES)) {
    const output = MODES[mode].output;
    if (templates[output]) continue;
    templates[output] = {};
    for (const kind of ['alb', 'istio']) {
      const names = [PLACEHOLDER];
      names.kind = kind;
      const app = synthLibrary(mods, 1, mode, names);
      const [argocd, chart] = app.charts;
      const manifests = { chart: chart.toJson(), application: argocd.toJson()[0] };
      fs.rmSync(app.outdir, { recursive: true, force: true });
      // eslint-disable-next-line no-new-func -- a literal object template compiled once
      templates[output][kind] = new Function('n', 'addr', `return ${toSource(manifests)};`);
    }
  }
  return templates;
}

function synthBaseline(mods, n, mode, templates) {
  const { Chart, ApiObject } = mods.cdk8s;
  const app = newApp(mods.cdk8s, mode);
  const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
  const forOutput = templates[MODES[mode].output];
  for (let i = 0; i < n; i++) {
    const name = appName(i);
    const t = forOutput[kindOf(i)](name, addrLabel(name));
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
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = () => os.loadavg().map(x => round(x, 2));

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
// Child mode: `node bench.js --rss <library|baseline> <N>` synthesizes once (folder mode) and prints maxRSS (KiB).

function rssChild(variant, n) {
  const mods = loadModules();
  const templates = variant === 'baseline' ? makeTemplates(mods) : undefined;
  const app = variant === 'baseline' ? synthBaseline(mods, n, 'folder', templates) : synthLibrary(mods, n, 'folder');
  synthesize(app, 'folder');
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main

/** Both variants give the same output (every file, or the YAML string) in the mode. */
function checkEqual(mods, templates, mode) {
  const lib = synthesize(synthLibrary(mods, CHECK_N, mode), mode, true);
  const base = synthesize(synthBaseline(mods, CHECK_N, mode, templates), mode, true);
  const asText = out => (typeof out === 'string' ? out : Object.entries(out).map(([f, text]) => `### ${f}\n${text}`).join('\n'));
  const a = asText(lib).split('\n');
  const b = asText(base).split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  if (i >= 0 || a.length !== b.length) {
    const at = i >= 0 ? i : Math.min(a.length, b.length);
    throw new Error(`${mode}: baseline output differs from library output at line ${at + 1}:\n  library:  ${a[at]}\n  baseline: ${b[at]}`);
  }
  const text = asText(lib);
  for (const kind of ['Ingress', 'VirtualService', 'Application']) {
    if (!text.includes(`kind: ${kind}`)) throw new Error(`${mode}: no ${kind} in the check`);
  }
  // cdk8s' per-chart validation walks every construct of the App: the count is its cost
  const constructs = app => app.node.findAll().length;
  return {
    files: typeof lib === 'string' ? 1 : Object.keys(lib).length,
    bytes: text.length,
    constructsPerApp: {
      library: round(constructs(synthLibrary(mods, CHECK_N, mode)) / CHECK_N, 1),
      baseline: round(constructs(synthBaseline(mods, CHECK_N, mode, templates)) / CHECK_N, 1),
    },
  };
}

/**
 * Projected ms of one run at n from the largest size measured so far: quadratic when the cost per
 * app grew between the last two sizes, else linear. In a mode that validates once per chart,
 * what it costs beyond the folder mode at the same size (`linear`) is taken as quadratic.
 * Deliberately pessimistic: it only decides whether to try the size at all.
 */
function project(measured, n, linear = {}) {
  const ns = Object.keys(measured).map(Number).sort((x, y) => x - y);
  if (ns.length === 0) return 0;
  const last = ns[ns.length - 1];
  const prev = ns[ns.length - 2];
  const f = n / last;
  if (prev !== undefined && measured[last] / last > (measured[prev] / prev) * 1.1) return measured[last] * f * f;
  const base = Math.min(linear[last] ?? 0, measured[last]);
  return base * f + (measured[last] - base) * (linear[last] === undefined ? f : f * f);
}

function runsWithin(budgetMs, pairMs) {
  return Math.max(0, Math.min(RUNS, Math.floor(budgetMs / Math.max(pairMs, 1))));
}

function timeSynthesis(mods, templates, mode, folder) {
  const gc = gcFunction();
  // each returns the ms spent constructing, so that construction and synthesis can be told apart
  const timed = build => n => {
    const t0 = nowMs();
    const app = build(n);
    const constructMs = nowMs() - t0;
    synthesize(app, mode);
    return constructMs;
  };
  const variants = {
    library: timed(n => synthLibrary(mods, n, mode)),
    baseline: timed(n => synthBaseline(mods, n, mode, templates)),
  };
  const results = {};
  const medians = { library: {}, baseline: {} };
  for (const n of SIZES) {
    // per-chart modes: quadratic beyond what the folder mode (measured first) costs
    const linear = v => (mode === 'folder' ? {} : Object.fromEntries(Object.entries(folder || {}).filter(([, x]) => !x.skipped).map(([k, x]) => [k, x[`${v}TotalMs`]])));
    const projected = { library: project(medians.library, n, linear('library')), baseline: project(medians.baseline, n, linear('baseline')) };
    if (projected.library > SYNTH_BUDGET_MS) {
      results[n] = { skipped: `projected ${round(projected.library / 1000, 1)} s per library run exceeds the budget of ${SYNTH_BUDGET_MS / 1000} s per size`, projectedLibraryMs: round(projected.library, 0) };
      continue;
    }
    const samples = { library: [], baseline: [] };
    const cpu = { library: [], baseline: [] };
    const construct = { library: [], baseline: [] };
    // warm-up (untimed) while it is cheap; at larger sizes the code is warm from the smaller ones
    if (projected.library + projected.baseline < 5000) for (const v of Object.keys(variants)) variants[v](n);
    const loadBefore = load();
    let spent = 0;
    let runs = 0;
    // alternate the order; stop early when another pair of runs would exceed the budget
    while (runs < RUNS && (runs === 0 || spent + spent / runs <= SYNTH_BUDGET_MS)) {
      const order = runs % 2 ? ['baseline', 'library'] : ['library', 'baseline'];
      for (const v of order) {
        gc();
        const t0 = nowMs();
        const c0 = cpuMs();
        construct[v].push(variants[v](n));
        const ms = nowMs() - t0;
        cpu[v].push(cpuMs() - c0);
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
      libraryCpuMs: round(median(cpu.library), 1),
      baselineCpuMs: round(median(cpu.baseline), 1),
      cpuRatio: round(median(cpu.library) / median(cpu.baseline), 2),
      // wall ms of construction alone (the rest of the total is synthesis)
      libraryConstructMs: round(median(construct.library), 1),
      baselineConstructMs: round(median(construct.baseline), 1),
      load: { before: loadBefore, after: load() },
      samplesMs: { library: samples.library.map(x => round(x, 1)), baseline: samples.baseline.map(x => round(x, 1)) },
    };
  }
  return results;
}

/**
 * What cdk8s adds per chart in the `synth` and `yaml` modes: `App._synthChart()` of an empty chart
 * (dependency resolution and validation of the whole App, nothing rendered), timed inside one
 * synthesis so that the library's validations are reused as they are in `app.synth()`. Wall and CPU ms
 * per chart, median of WALK_RUNS rounds of WALK_CALLS calls, library and baseline alternating;
 * times N charts it is the quadratic part of those modes.
 */
function measureWalk(mods, templates) {
  const { App, ApiObject, Chart } = mods.cdk8s;
  const gc = gcFunction();
  const results = {};
  for (const n of SIZES) {
    const apps = { library: synthLibrary(mods, n, 'synth'), baseline: synthBaseline(mods, n, 'synth', templates) };
    const samples = { library: [], baseline: [] };
    const wall = { library: [], baseline: [] };
    const counts = {};
    for (const [v, app] of Object.entries(apps)) {
      const all = app.node.findAll();
      counts[v] = { constructs: all.length, validations: all.reduce((k, c) => k + (c.node._validations ? c.node._validations.length : 0), 0) };
      new Chart(app, 'zz-walk-empty');
    }
    for (let r = 0; r < WALK_RUNS; r++) {
      for (const v of (r % 2 ? ['baseline', 'library'] : ['library', 'baseline'])) {
        const app = apps[v];
        const empty = app.node.findChild('zz-walk-empty');
        // a probe object whose rendering times the walks: its chart's toJson() is the one synthesis
        const probeChart = new Chart(app, `zz-walk-probe-${r}`);
        class Probe extends ApiObject {
          toJson() {
            App._synthChart(empty);
            gc();
            const t0 = nowMs();
            const c0 = cpuMs();
            for (let k = 0; k < WALK_CALLS; k++) App._synthChart(empty);
            samples[v].push((cpuMs() - c0) / WALK_CALLS);
            wall[v].push((nowMs() - t0) / WALK_CALLS);
            return super.toJson();
          }
        }
        new Probe(probeChart, 'probe', { apiVersion: 'v1', kind: 'ConfigMap' });
        App._synthChart(probeChart);
        app.node.tryRemoveChild(probeChart.node.id);
      }
    }
    for (const app of Object.values(apps)) fs.rmSync(app.outdir, { recursive: true, force: true });
    const lib = median(samples.library);
    const base = median(samples.baseline);
    results[n] = {
      // wall time compares with the totals of the synthesis table; CPU adds the collector's threads
      libraryMsPerChart: round(median(wall.library), 2),
      baselineMsPerChart: round(median(wall.baseline), 2),
      libraryMsTimesN: round(median(wall.library) * n, 0),
      baselineMsTimesN: round(median(wall.baseline) * n, 0),
      libraryCpuMsPerChart: round(lib, 2),
      baselineCpuMsPerChart: round(base, 2),
      ratio: round(lib / base, 2),
      libraryCpuMsTimesN: round(lib * n, 0),
      baselineCpuMsTimesN: round(base * n, 0),
      constructsPerApp: { library: round(counts.library.constructs / n, 1), baseline: round(counts.baseline.constructs / n, 1) },
      validationsPerApp: { library: round(counts.library.validations / n, 1), baseline: round(counts.baseline.validations / n, 1) },
    };
  }
  return results;
}

function measureRss(synth) {
  const results = {};
  for (const n of SIZES) {
    if (!synth || !synth[n] || synth[n].skipped) {
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
    'const t0 = process.hrtime.bigint();',
    'const c0 = process.cpuUsage();',
    "require('cdk8s'); require('cdk8s-plus-28');",
    withLib ? `require(${JSON.stringify(LIB)});` : '',
    'const ms = Number(process.hrtime.bigint() - t0) / 1e6;',
    'const c = process.cpuUsage(c0);',
    "const aws = Object.keys(require.cache).filter(k => k.includes('aws-cdk-lib'));",
    'console.log(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, awsCdkLibModules: aws.length }));',
  ].join('\n');
  const run = withLib => JSON.parse(runChild(['-e', script(withLib)]));
  run(false); run(true); // warm the file system cache
  const base = [];
  const full = [];
  const baseCpu = [];
  const fullCpu = [];
  let awsCdkLibModules = 0;
  for (let r = 0; r < REQUIRE_RUNS; r++) {
    const b = run(false);
    base.push(b.ms);
    baseCpu.push(b.cpuMs);
    const f = run(true);
    full.push(f.ms);
    fullCpu.push(f.cpuMs);
    awsCdkLibModules = f.awsCdkLibModules;
  }
  return {
    runs: REQUIRE_RUNS,
    cdk8sAndPlusMs: round(median(base), 1),
    withLibraryMs: round(median(full), 1),
    extraMs: round(median(full) - median(base), 1),
    extraCpuMs: round(median(fullCpu) - median(baseCpu), 1),
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
  const loadAtStart = load();
  const mods = loadModules();
  const templates = makeTemplates(mods);
  let constructsPerApp;
  for (const mode of MODE_NAMES) {
    const check = checkEqual(mods, templates, mode);
    console.log(`${mode}: baseline output == library output at N=${CHECK_N} (${check.files} file(s), ${check.bytes} bytes)`);
    constructsPerApp = check.constructsPerApp;
  }

  const synth = {};
  // folder first: its figures bound the linear part of the other modes' projections
  for (const mode of [...MODE_NAMES].sort((a, b) => (b === 'folder') - (a === 'folder'))) synth[mode] = timeSynthesis(mods, templates, mode, synth.folder);
  const rss = measureRss(synth.folder);
  const walk = MODE_NAMES.some(m => m !== 'folder') ? measureWalk(mods, templates) : null;
  const req = measureRequire();

  const at = (mode, n) => (synth[mode] && synth[mode][n]) || { skipped: `${mode} at N=${n} not measured` };
  const measured = (x, f) => (x.skipped ? null : f(x));
  const targets = {};
  for (const mode of Object.keys(MODES)) {
    const big = at(mode, 1000);
    targets[`${mode}RatioAt1000`] = { limit: TARGETS.ratioAt1000, value: measured(big, x => x.ratio), projected: big.projectedLibraryMs };
  }
  const folderBig = at('folder', 1000);
  const folderMid = at('folder', 100);
  targets.folderTotalMsAt1000 = { limit: TARGETS.folderTotalMsAt1000, value: measured(folderBig, x => x.libraryTotalMs) };
  targets.folderGrowth1000over100 = { limit: TARGETS.folderGrowth1000over100, value: folderBig.skipped || folderMid.skipped ? null : round(folderBig.libraryMsPerApp / folderMid.libraryMsPerApp, 2) };
  targets.requireExtraMs = { limit: TARGETS.requireExtraMs, value: req.extraMs };
  targets.awsCdkLibNotLoaded = { limit: 0, value: req.awsCdkLibModules };
  for (const t of Object.values(targets)) {
    t.pass = t.value !== null && t.value <= t.limit;
    if (t.projected === undefined) delete t.projected;
  }

  const header = ['mode', 'N', 'lib ms/app', 'base ms/app', 'ratio', 'lib total ms', 'base total ms', 'lib CPU ms', 'base CPU ms', 'CPU ratio', 'lib constr ms', 'base constr ms', 'load 1m'];
  const widths = header.map((h, i) => (i === 0 ? 6 : Math.max(h.length, 8)));
  const line = cells => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : pad(c, widths[i]))).join('  ');
  const fixed = (x, d) => (x === null || x === undefined ? '-' : x.toFixed(d));
  console.log('');
  console.log(`synthesis: construct + synthesis, median of ${RUNS} (wall and CPU time), output on ${OUT_ROOT}; `
    + `constructs per app: library ${constructsPerApp.library}, baseline ${constructsPerApp.baseline}`);
  for (const mode of MODE_NAMES) console.log(`  ${mode.padEnd(6)} = ${MODES[mode].label}`);
  console.log(line(header));
  for (const mode of MODE_NAMES) {
    for (const n of SIZES) {
      const s = at(mode, n);
      if (s.skipped) {
        console.log(`${line([mode, n])}  skipped: ${s.skipped}`);
        continue;
      }
      console.log(line([mode, n, fixed(s.libraryMsPerApp, 3), fixed(s.baselineMsPerApp, 3), fixed(s.ratio, 2),
        fixed(s.libraryTotalMs, 1), fixed(s.baselineTotalMs, 1), fixed(s.libraryCpuMs, 1), fixed(s.baselineCpuMs, 1), fixed(s.cpuRatio, 2),
        fixed(s.libraryConstructMs, 1), fixed(s.baselineConstructMs, 1), fixed(s.load.before[0], 2)]) + (s.runs < RUNS ? `  (${s.runs} runs)` : ''));
    }
  }
  if (synth.folder) {
    console.log('');
    console.log(`peak RSS, folder mode (fresh process): ${SIZES.map(n => `N=${n} library ${fixed(rss[n].libraryPeakRssMiB, 1)} MiB, baseline ${fixed(rss[n].baselinePeakRssMiB, 1)} MiB`).join('; ')}`);
  }
  if (walk) {
    console.log('');
    console.log(`per-chart walk of cdk8s in the synth and yaml modes (App._synthChart of an empty chart inside one synthesis; wall and CPU, median of ${WALK_RUNS} x ${WALK_CALLS}):`);
    for (const n of SIZES) {
      const w = walk[n];
      console.log(`  N=${n}: library ${w.libraryMsPerChart} ms/chart wall, ${w.libraryCpuMsPerChart} CPU (${w.constructsPerApp.library} constructs, ${w.validationsPerApp.library} validations per app), `
        + `baseline ${w.baselineMsPerChart} ms/chart wall, ${w.baselineCpuMsPerChart} CPU (${w.constructsPerApp.baseline} constructs, ${w.validationsPerApp.baseline} validations per app), CPU ratio ${w.ratio}; `
        + `x N charts (wall): library ${w.libraryMsTimesN} ms, baseline ${w.baselineMsTimesN} ms`);
    }
  }
  console.log('');
  console.log(`require (median of ${req.runs}, fresh node per run): cdk8s + cdk8s-plus-28 ${req.cdk8sAndPlusMs} ms, `
    + `+ library ${req.withLibraryMs} ms, extra ${req.extraMs} ms (CPU time: extra ${req.extraCpuMs} ms); aws-cdk-lib loaded: ${req.awsCdkLibLoaded ? `yes (${req.awsCdkLibModules} modules)` : 'no'}`);
  console.log('');
  console.log('targets');
  const labels = {
    synthRatioAt1000: 'synth: library / baseline at N=1000',
    yamlRatioAt1000: 'yaml: library / baseline at N=1000',
    folderRatioAt1000: 'folder: library / baseline at N=1000',
    folderTotalMsAt1000: 'folder: ms for 1000 apps (library)',
    folderGrowth1000over100: 'folder: ms/app at N=1000 / ms/app at N=100',
    requireExtraMs: 'extra ms to require the library',
    awsCdkLibNotLoaded: 'aws-cdk-lib modules loaded by require',
  };
  for (const [k, t] of Object.entries(targets)) {
    console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${labels[k]}: ${t.value === null ? `not measured${t.projected ? ` (projected ${t.projected} ms)` : ''}` : t.value} (limit ${t.limit})`);
  }
  const elapsedS = round((nowMs() - started) / 1000, 1);
  const loadAtEnd = load();
  console.log(`  (${elapsedS} s on ${os.cpus().length} cpus, node ${process.version}; load average ${loadAtStart.join(' ')} at start, ${loadAtEnd.join(' ')} at end)`);

  const modes = {};
  for (const mode of MODE_NAMES) {
    modes[mode] = {};
    for (const n of SIZES) {
      const { samplesMs, ...figures } = at(mode, n);
      modes[mode][n] = { ...figures, ...(mode === 'folder' ? rss[n] : {}), ...(samplesMs ? { samplesMs } : {}) };
    }
  }
  console.log(JSON.stringify({
    node: process.version, cpus: os.cpus().length, runs: RUNS, constructsPerApp, load: { start: loadAtStart, end: loadAtEnd }, modes, perChartWalk: walk, require: req, targets,
    pass: Object.values(targets).every(t => t.pass), elapsedS,
  }));
}

if (require.main !== module) {
  module.exports = { MODES, canaryProps, loadModules, makeTemplates, synthLibrary, synthBaseline, synthesize, checkEqual };
} else if (process.argv[2] === '--rss') {
  rssChild(process.argv[3], Number(process.argv[4]));
} else {
  main();
}
