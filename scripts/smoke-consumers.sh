#!/usr/bin/env bash
# Consumer smoke test: install the packed tarballs (dist/js) into two fresh projects, as users do.
#  - test/consumers/cdk8s-only: a `cdk8s init typescript-app` project of today (cdk8s-plus-33, the
#    template's tsconfig.json) without the AWS CDK: npm must not install aws-cdk-lib, tsc must pass,
#    and a CanaryApp + ArgoCdApplication beside a cdk8s-plus-33 Deployment must synthesize without
#    loading aws-cdk-lib;
#  - test/consumers/aws: cdk8s-rollouts + cdk8s-rollouts-aws with aws-cdk-lib.
#
#   scripts/smoke-consumers.sh [cdk8s-only] [aws]        (default: both)
#   PEERS="cdk8s@2.68.11 constructs@10.3.0 ..." overrides the peer versions installed (the floor job)
#
# Needs dist/js/*.tgz (npx projen package:js). Work files go to $SMOKE_WORK/consumers (default: in /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KINDS=("$@")
[ ${#KINDS[@]} -gt 0 ] || KINDS=(cdk8s-only aws)
TGZ=$(ls "$ROOT"/dist/js/cdk8s-rollouts@*.tgz)
TGZ_AWS=$(ls "$ROOT"/dist/js/cdk8s-rollouts-aws@*.tgz)
WORK=${SMOKE_WORK:-${TMPDIR:-/tmp}/cdk8s-rollouts-smoke-$(printf %s "$ROOT" | md5sum | cut -c1-8)}
NPM=(npm --no-audit --no-fund --loglevel=error)

for kind in "${KINDS[@]}"; do
  start=$(date +%s)
  dir=$WORK/consumers/$kind
  rm -rf "$dir" && mkdir -p "$dir"
  cp "test/consumers/$kind/"{package.json,tsconfig.json,main.ts} "$dir/"
  cd "$dir"
  if [ "$kind" = aws ]; then
    "${NPM[@]}" install "$TGZ" "$TGZ_AWS" ${PEERS:-}
  else
    "${NPM[@]}" install "$TGZ" ${PEERS:-}
    # npm installed the peers cdk8s-rollouts needs (cdk8s-plus-28) and nothing of the AWS CDK
    if [ -n "$(npm ls --all --parseable aws-cdk-lib 2>/dev/null)" ] || [ -e node_modules/aws-cdk-lib ]; then
      npm ls --all aws-cdk-lib; echo "cdk8s-only: aws-cdk-lib was installed" >&2; exit 1
    fi
    echo "cdk8s-only: npm ls aws-cdk-lib is empty"
  fi
  npm ls --depth=0 cdk8s cdk8s-plus-28 constructs aws-cdk-lib cdk8s-plus-33 || true
  npx tsc -p tsconfig.json
  CDK8S_OUTDIR=$dir/out node main.js
  ls out
  grep -q 'kind: Rollout' out/checkout.k8s.yaml
  grep -q 'kind: Application' out/*.k8s.yaml
  if [ "$kind" = cdk8s-only ]; then grep -q 'name: redis' out/checkout.k8s.yaml; fi
  if [ "$kind" = aws ]; then grep -q 'eks.amazonaws.com/role-arn' out/argo-rollouts.k8s.yaml; grep -q DescribeTargetHealth out/policy.json; fi
  echo "consumer $kind: installed, type-checked and synthesized in $(( $(date +%s) - start )) s"
  cd "$ROOT"
done
