#!/usr/bin/env bash
# The floors of our peerDependencies are the oldest versions we claim to support: install exactly
# those into the consumer projects (scripts/smoke-consumers.sh, from the packed tarballs) and
# type-check and synthesize there. The unit tests run against the pinned devDependencies.
#   cdk8s-rollouts:      cdk8s 2.68.12 (2.68.11, the floor of cdk8s-plus-28's own peer range, is not on the npm registry mirror), cdk8s-plus-28 2.5.6, constructs 10.3.0
#   cdk8s-rollouts-aws:  aws-cdk-lib 2.150.0, constructs 10.3.0
# Keep in sync with .projenrc.ts (cdk8sVersion, constructsVersion, peerDeps) and
# packages/cdk8s-rollouts-aws/package.json (peerDependencies); the script reads them from there.
set -euo pipefail
cd "$(dirname "$0")/.."
floor() { # <package.json> <dependency>: the version of a "^x.y.z" peer range
  node -e "const r=require('./$1').peerDependencies['$2']; if(!/^\^\d+\.\d+\.\d+$/.test(r)) throw new Error('$1: $2 '+r); console.log(r.slice(1))"
}
CDK8S=$(floor package.json cdk8s)
PLUS=$(floor package.json cdk8s-plus-28)
CONSTRUCTS=$(floor package.json constructs)
AWS_CDK=$(floor packages/cdk8s-rollouts-aws/package.json aws-cdk-lib)
AWS_CONSTRUCTS=$(floor packages/cdk8s-rollouts-aws/package.json constructs)
[ -n "$(ls dist/js/cdk8s-rollouts@*.tgz 2>/dev/null)" ] || npx projen package:js

# cdk8s-plus-33 declares cdk8s ^2.68.11 and constructs ^10.3.0 too, so the cdk8s-only project
# (which also uses cdk8s-plus-33) can take the same floors
PEERS="cdk8s@$CDK8S cdk8s-plus-28@$PLUS constructs@$CONSTRUCTS" scripts/smoke-consumers.sh cdk8s-only
PEERS="cdk8s@$CDK8S cdk8s-plus-28@$PLUS constructs@$(printf '%s\n' "$CONSTRUCTS" "$AWS_CONSTRUCTS" | sort -V | tail -1) aws-cdk-lib@$AWS_CDK" \
  scripts/smoke-consumers.sh aws
echo "floors: consumers installed, type-checked and synthesized with cdk8s $CDK8S, cdk8s-plus-28 $PLUS, constructs $CONSTRUCTS, aws-cdk-lib $AWS_CDK"
