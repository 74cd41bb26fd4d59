// packages/cdk8s-rollouts-aws is its own jsii package (so that cdk8s-rollouts never needs aws-cdk-lib)
// and jsii compiles only the files under a package's own src/: it carries copies of the small
// modules of checks it shares with RolloutsController. They must not drift apart.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const AWS = path.join(ROOT, 'packages', 'cdk8s-rollouts-aws', 'src');

test.each([
  ['src/aws/validation.ts', 'shared/validation.ts'],
  ['src/private/names.ts', 'private/names.ts'],
  ['src/private/problems.ts', 'private/problems.ts'],
])('%s and its copy in cdk8s-rollouts-aws are identical', (original, copy) => {
  expect(fs.readFileSync(path.join(AWS, copy), 'utf-8')).toEqual(fs.readFileSync(path.join(ROOT, original), 'utf-8'));
});
