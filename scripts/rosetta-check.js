#!/usr/bin/env node
// Every ```ts snippet of README.md, docs/*.md and the @example blocks of src/ must compile and
// translate into every jsii language: `jsii-rosetta extract --strict` over each package's assembly
// (.jsii: its README and @example blocks), with the guides in docs/ appended to the README, since
// only the README is part of an assembly. Fixtures: rosetta/ and packages/cdk8s-rollouts-aws/rosetta/.
// Needs the compiled packages (npx projen compile). Writes <package>/.rosetta-check.jsii (gitignored).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const AWS = path.join(ROOT, 'packages', 'cdk8s-rollouts-aws');
const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort();
const PACKAGES = [
  { name: 'cdk8s-rollouts', dir: ROOT, markdown: ['README.md', ...docs.filter(f => f !== 'aws.md').map(f => `docs/${f}`)] },
  { name: 'cdk8s-rollouts-aws', dir: AWS, markdown: [path.relative(ROOT, path.join(AWS, 'README.md')), 'docs/aws.md'] },
];

/**
 * docs/aws.md pairs the AWS CDK constructs with the cdk8s side (RolloutsController in a Chart).
 * jsii-rosetta compiles a package's snippets against its dependencies and peers only, and
 * cdk8s-rollouts-aws needs neither cdk8s nor cdk8s-rollouts: check its snippets in a copy of the
 * package (in a temporary folder: lib/ and rosetta/ linked) that also has the two, as
 * a user of both packages does.
 */
function awsHarness() {
  // outside the repository: it links back to it, and jsii-docgen globs the project for **/.jsii
  const dir = path.join(os.tmpdir(), `cdk8s-rollouts-rosetta-${process.pid}`, 'cdk8s-rollouts-aws');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(AWS, 'package.json'), 'utf-8'));
  pkg.peerDependencies = { ...pkg.peerDependencies, 'cdk8s': '*', 'cdk8s-rollouts': '*' };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, undefined, 2));
  for (const f of ['lib', 'rosetta']) fs.symlinkSync(path.join(AWS, f), path.join(dir, f));
  for (const [dep, target] of [['aws-cdk-lib'], ['constructs'], ['cdk8s'], ['cdk8s-rollouts', ROOT]]) {
    fs.symlinkSync(target ?? path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep));
  }
  return dir;
}

const only = process.argv.slice(2); // package names, default: all
for (const { name, dir: source, markdown } of PACKAGES.filter(p => only.length === 0 || only.includes(p.name))) {
  const dir = name === 'cdk8s-rollouts-aws' ? awsHarness() : source;
  const assembly = JSON.parse(fs.readFileSync(path.join(source, '.jsii'), 'utf-8'));
  // every snippet of every file; a `<!-- snippet: no-compile -->` block (see test/docs.test.ts) is left out
  const text = markdown.map(f => `<!-- ${f} -->\n\n` + fs.readFileSync(path.join(ROOT, f), 'utf-8')
    .replace(/<!-- snippet: no-compile -->\s*\n(\s*)```\w*[^\n]*\n[\s\S]*?\n\1```\s*\n/g, '')).join('\n\n');
  assembly.readme = { markdown: text };
  const file = path.join(dir, '.rosetta-check.jsii');
  fs.writeFileSync(file, JSON.stringify(assembly));
  const snippets = (text.match(/^\s*```(ts|typescript)\b/gm) ?? []).length;
  console.log(`${assembly.name}: ${markdown.join(', ')} (${snippets} snippets) and the @example blocks`);
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'jsii-rosetta'), ['extract', '--strict', file], {
      stdio: 'inherit', cwd: dir, env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
    });
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.tabl.json`, { force: true });
    if (dir !== source) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}
