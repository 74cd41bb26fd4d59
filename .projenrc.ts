import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-rollouts',
  description: 'cdk8s constructs for progressive delivery with Argo Rollouts: canary and blue-green Rollouts, ALB and Istio traffic routing, analysis, and Argo CD Applications that never fight the Rollouts controller',
  author: 'cdk8s-rollouts maintainers',
  authorAddress: 'maintainers@cdk8s-rollouts.dev',
  repositoryUrl: 'https://github.com/cdk8s-rollouts/cdk8s-rollouts.git',
  keywords: ['cdk8s', 'argo-rollouts', 'argo-cd', 'canary', 'blue-green', 'istio', 'alb', 'progressive-delivery'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6', 'aws-cdk-lib@^2.276.0'],
  devDeps: [
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
  release: false,
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
    exclude: ['lib', 'dist', 'examples/*/dist'],
  },
  eslintOptions: {
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'docs', 'projenrc'],
    ignorePatterns: ['src/imports/**', 'examples/*/dist/**'],
    // CI must fail on lint errors, not rewrite files
    commandOptions: { fix: false },
  },
  gitignore: ['test-reports/', '.bench/', 'conformance/.bin/', 'conformance/.work/'],
  npmignoreEnabled: true,
});

project.npmignore?.exclude('examples/', 'scripts/', 'docs/', '.ci/', 'test-reports/');

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
  description: 'Benchmark: CanaryApp synthesis against the same objects as hand-written ApiObjects (compiled lib/)',
  steps: [
    { spawn: 'compile' },
    { exec: 'node scripts/bench.js' },
  ],
});

// Regenerate the L1 classes from the upstream CRDs vendored in crds/ (the releases we target,
// see crds/VERSIONS and scripts/vendor-crds.sh). The output is committed; CI re-runs this and
// fails when src/imports differs.
const importTask = project.addTask('import', {
  description: 'cdk8s import of the vendored upstream CRDs in crds/ into src/imports',
});
const CRDS = 'crds';
for (const [module, file] of [
  ['rollout', 'argo-rollouts/rollout-crd.yaml'],
  ['analysistemplate', 'argo-rollouts/analysis-template-crd.yaml'],
  ['clusteranalysistemplate', 'argo-rollouts/cluster-analysis-template-crd.yaml'],
  ['experiment', 'argo-rollouts/experiment-crd.yaml'],
  ['application', 'argo-cd/application-crd.yaml'],
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

project.synth();
