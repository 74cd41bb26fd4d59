import { cdk8s, javascript, release } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-rollouts',
  description: 'cdk8s constructs for progressive delivery with Argo Rollouts: canary and blue-green Rollouts, ALB and Istio traffic routing, analysis, and Argo CD Applications that never fight the Rollouts controller',
  author: 'cdk8s-rollouts maintainers',
  authorAddress: 'maintainers@cdk8s-rollouts.dev',
  repositoryUrl: 'https://github.com/cdk8s-rollouts/cdk8s-rollouts.git',
  // Construct Hub lists a jsii package with the keyword `cdk8s` (and `cdk8s-plus` for cdk8s-plus users)
  keywords: ['cdk8s', 'cdk8s-plus', 'argo-rollouts', 'argo-cd', 'canary', 'blue-green', 'istio', 'alb', 'progressive-delivery', 'kubernetes'],
  stability: 'experimental',
  // what we test (Node 20); jsii 6, the compiler, itself needs >= 20.16 to build this repo
  minNodeVersion: '20.0.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,

  // Peer floors: the oldest versions we support, tested by scripts/test-floors.sh. We build and
  // test against the pinned devDependencies below (the versions of package-lock.json).
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  cdk8sVersionPinning: false,
  constructsVersionPinning: false,
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s@2.70.106',
    'constructs@10.8.1',
    'cdk8s-plus-28@2.5.6',
    // only for packages/cdk8s-rollouts-aws (its own jsii package), the examples and the tests:
    // the cdk8s-rollouts package itself neither needs nor declares aws-cdk-lib
    'aws-cdk-lib@2.276.0',
    '@kubernetes-models/argo-rollouts@^2.0.0',
    '@kubernetes-models/istio@^3.0.1',
    '@kubernetes-models/argo-cd@^4.0.0',
    'kubernetes-models@^5.1.0',
    'jq-wasm@^1.0.1',
    'cdk8s-cli@2.207.60',
    'synckit@^0.11.13',
    'fast-check@^4',
  ],

  // no GitHub and no release machinery on this project's machines
  github: false,
  // semantic versions from conventional commits, CHANGELOG.md, tags: see "Releasing" in README.md
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelog: true, changelogPath: 'CHANGELOG.md', gitPushCommand: '' }),
  majorVersion: 0,
  releaseToNpm: true,
  publishToPypi: { distName: 'cdk8s-rollouts', module: 'cdk8s_rollouts' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8srollouts',
    mavenGroupId: 'io.github.cdk8s-rollouts',
    mavenArtifactId: 'cdk8s-rollouts',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-rollouts/cdk8s-rollouts-go', packageName: 'cdk8srollouts' },
  depsUpgrade: false,
  sampleCode: false,

  docgen: true,
  jestOptions: {
    // `test` runs `jest --ci`: a snapshot mismatch fails; `test:update` writes snapshots
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    extraCliOptions: ['--json', '--outputFile=test-reports/jest.json'],
    jestConfig: {
      // the drift and docs suites run jq-wasm and the TypeScript compiler: minutes of CPU on two
      // cores when other jobs share the machine; a slow test is not a failed one
      testTimeout: 60_000,
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      testPathIgnorePatterns: ['/node_modules/', '/examples/.*/dist/'],
    },
  },
  typecheckTests: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['examples/**/*.ts', 'scripts/**/*.ts', 'docs/**/*.ts', '.projenrc.ts'],
    // the consumer projects compile on their own, against the packed tarballs
    exclude: ['lib', 'dist', 'examples/*/dist', 'packages/*/lib', 'test/consumers'],
  },
  eslintOptions: {
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    dirs: ['src', 'packages/cdk8s-rollouts-aws/src'],
    devdirs: ['test', 'examples', 'scripts', 'docs', 'projenrc'],
    ignorePatterns: ['src/imports/**', 'examples/*/dist/**', 'test/consumers/**'],
    // CI must fail on lint errors, not rewrite files
    commandOptions: { fix: false },
  },
  gitignore: ['test-reports/', '.bench/', 'conformance/.bin/', 'conformance/.work/'],
  npmignoreEnabled: true,
});

// docs/ ships in the npm package: the README links to it
project.npmignore?.exclude('examples/', 'scripts/', '.ci/', 'test-reports/', 'packages/', 'rosetta/', '.smoke/', 'crds/',
  '.rosetta-check.jsii', '*.tabl.json', 'CHANGELOG.md.bak');

const TS_NODE = 'ts-node --transpile-only --project tsconfig.dev.json';

project.addTask('synth:examples', {
  description: 'Synthesize every examples/<name>/main.ts into examples/<name>/dist/',
  exec: `${TS_NODE} scripts/synth-examples.ts`,
});

project.addTask('conformance', {
  description: 'The real validators: kube-apiserver dry run, Argo Rollouts and Istio validation of every example, unit-test chart and generated app (needs Go; see README)',
  exec: `${TS_NODE} scripts/conformance.ts`,
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmark: CanaryApp synthesis (app.synth(), app.synthYaml(), one folder per chart) against the same objects as hand-written ApiObjects (compiled lib/), and require time',
  steps: [
    { spawn: 'compile' },
    { exec: 'node scripts/bench.js' },
  ],
});

// Regenerate the L1 classes from the upstream CRDs vendored in crds/ (the releases we target,
// see crds/VERSIONS and scripts/vendor-crds.sh). The output is committed; CI re-runs this and
// fails when src/imports differs. Only the kinds the library emits: the Experiment and
// AnalysisRun CRDs are vendored for the conformance suite alone (an experiment step renders
// with the Rollout's own types).
const importTask = project.addTask('import', {
  description: 'cdk8s import of the vendored upstream CRDs in crds/ into src/imports',
});
const CRDS = 'crds';
for (const [module, file] of [
  ['rollout', 'argo-rollouts/rollout-crd.yaml'],
  ['analysistemplate', 'argo-rollouts/analysis-template-crd.yaml'],
  ['clusteranalysistemplate', 'argo-rollouts/cluster-analysis-template-crd.yaml'],
  ['application', 'argo-cd/application-crd.yaml'],
  ['appproject', 'argo-cd/appproject-crd.yaml'],
  ['virtualservice', 'istio/virtualservice-crd.yaml'],
  ['destinationrule', 'istio/destinationrule-crd.yaml'],
]) {
  importTask.exec(`cdk8s import --no-check-upgrade --no-save ${module}:=${CRDS}/${file} -l typescript -o src/imports`);
}

// The registry mirror lacks the non-linux bindings of unrs-resolver@1.13.0, so `npm ci`
// rejects a lockfile npm itself wrote; 1.12.2 has all of them.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// jsii, jsii-pacmak and jsii-docgen print an end-of-life banner for Node 20 on every call
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// ---- packages/cdk8s-rollouts-aws: the AWS CDK constructs, a jsii package of their own ----------
// cdk8s-rollouts must install, load and type-check without aws-cdk-lib in every language: jsii has
// no optional dependencies (a peer in the assembly becomes a hard install_requires / Maven / Go
// dependency), so the AWS CDK constructs live in a second package built from this repo. Its
// package.json (hand-written) holds its jsii targets; it is compiled, documented and packaged by
// the same tasks as the main package, into the same dist/.
const AWS_PKG = 'packages/cdk8s-rollouts-aws';
const JSII_FLAGS = '--silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency';
// we build against the pinned devDependencies; the peer floors are tested by scripts/test-floors.sh
project.compileTask.reset(`jsii ${JSII_FLAGS}`);
// the generated L1 modules without their inline source maps: half of require('cdk8s-rollouts') (#17)
project.compileTask.exec('node scripts/strip-import-source-maps.js');
// jsii-docgen and jsii-pacmak look for dependency assemblies in the package's own node_modules
// (they do not walk up as Node does): link the root's copies there
project.compileTask.exec('mkdir -p node_modules && ln -sfn ../../../node_modules/aws-cdk-lib ../../../node_modules/constructs node_modules/', { cwd: AWS_PKG });
project.compileTask.exec(`jsii ${JSII_FLAGS}`, { cwd: AWS_PKG });
project.tasks.tryFind('docgen')?.exec('jsii-docgen -o API.md', { cwd: AWS_PKG });
// cdk8s and cdk8s-plus-28 are not on this machine's Maven mirror, nor cdk8s-team's Go modules on its
// module proxy: jsii-pacmak builds them from node_modules (same versions) beside ours, into dist/java
// (a Maven repository) and dist/go, where the smoke tests find them. Publishing takes only ours.
const PACMAK_DEPS = 'node_modules/cdk8s node_modules/cdk8s-plus-28';
for (const target of ['java', 'go']) {
  project.tasks.tryFind(`package:${target}`)?.reset(`jsii-pacmak -v --target ${target} -o dist . ${PACMAK_DEPS}`);
}
// cdk8s-rollouts-aws: npm only for now (its package.json has no other jsii target). We publish no
// language we do not test, and testing it in Python, Java or Go needs aws-cdk-lib there: a 100+ MB
// wheel or Go module per CI run, and a jar this machine's Maven mirror does not have.
project.tasks.tryFind('package:js')?.exec('jsii-pacmak -v --target js', { cwd: AWS_PKG });
project.gitignore.exclude(`/${AWS_PKG}/lib/`, `/${AWS_PKG}/.jsii`, `/${AWS_PKG}/tsconfig.tsbuildinfo`,
  // work files of the smoke tests and the rosetta check
  '/.smoke/', '.rosetta-check.jsii', '*.tabl.json', '/test/languages/java/target/');

// the AWS package is released with the main package, at the same version
const syncAwsVersion = `node -e "const f='${AWS_PKG}/package.json',fs=require('fs'),p=JSON.parse(fs.readFileSync(f));p.version=require('./package.json').version;fs.writeFileSync(f,JSON.stringify(p,null,2)+'\\n')"`;
project.tasks.tryFind('bump')?.exec(syncAwsVersion);
project.tasks.tryFind('unbump')?.exec(syncAwsVersion);

// ---- language smoke, consumers, rosetta, floors (run by .ci/run after the build) --------------
project.addTask('smoke:languages', {
  description: 'Build the Python, Java and Go packages, install each into a clean environment and synthesize the README app; YAML must equal the TypeScript synth',
  exec: 'scripts/smoke-languages.sh',
  receiveArgs: true,
});
project.addTask('smoke:consumers', {
  description: 'Install the packed tarballs into a cdk8s-only project (cdk8s-plus-33, no aws-cdk-lib) and an AWS project; type-check and synth',
  steps: [{ spawn: 'package:js' }, { exec: 'scripts/smoke-consumers.sh', receiveArgs: true }],
});
project.addTask('rosetta:check', {
  description: 'jsii-rosetta extract --strict: every ts snippet of README.md, docs/*.md and the @example blocks compiles and translates',
  exec: 'node scripts/rosetta-check.js',
});
project.addTask('test:floors', {
  description: 'Install the oldest supported peer versions (the floors of peerDependencies) and run the consumer smoke against them',
  exec: 'scripts/test-floors.sh',
});
project.gitignore.include(`/${AWS_PKG}/tsconfig.json`);

project.synth();
