#!/usr/bin/env bash
# Language smoke test: build the jsii packages of cdk8s-rollouts for Python, Java and Go, install
# each into a clean environment as a user would, synthesize the README's ALB header-routing app
# written in that language (test/languages/<lang>/), and require its YAML to be byte-identical to
# the TypeScript synth of the same app (test/languages/typescript/main.ts, from the compiled lib/).
#
#   scripts/smoke-languages.sh [python] [java] [go]     (default: all three)
#
# Needs lib/ (npx projen compile). Work files go to $SMOKE_WORK (default: a folder in /tmp).
#
# Where the dependencies come from:
#   python: everything from PyPI, pinned in test/languages/python/requirements.txt
#   java:   jsii-runtime and constructs from Maven Central (versions pinned in pom.xml); cdk8s and
#           cdk8s-plus-28 are not on this machine's Maven mirror, so jsii-pacmak builds their jars
#           from the very npm packages in node_modules (same versions) into the same local repo
#   go:     jsii-runtime-go and constructs-go from the module proxy (go.sum committed); the proxy
#           here does not serve cdk8s-team's Go modules, so jsii-pacmak generates cdk8s and
#           cdk8splus28 from node_modules and go.mod `replace`s them, like cdk8s-rollouts itself
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# outside the repository: jsii-docgen globs the whole project for **/.jsii (it would walk the
# consumers' node_modules); one folder per checkout
WORK=${SMOKE_WORK:-${TMPDIR:-/tmp}/cdk8s-rollouts-smoke-$(printf %s "$ROOT" | md5sum | cut -c1-8)}
LANGS=("$@")
[ ${#LANGS[@]} -gt 0 ] || LANGS=(python java go)
mkdir -p "$WORK"
PACMAK="$ROOT/node_modules/.bin/jsii-pacmak"
SUMMARY=()

[ -f lib/index.js ] || npx projen compile   # jsii-pacmak packages lib/ and .jsii

step() { echo; echo "==== $*"; }
now() { date +%s; }

# the reference: the same app in TypeScript
REF=$WORK/typescript
rm -rf "$REF"
step "typescript: reference synth"
CDK8S_OUTDIR=$REF npx ts-node --transpile-only --project tsconfig.dev.json test/languages/typescript/main.ts
ls "$REF"

compare() { # <lang> <outdir> <start>
  if diff -r "$REF" "$2"; then
    SUMMARY+=("$1: YAML byte-identical to TypeScript ($(cd "$2" && ls | tr '\n' ' ')) in $(( $(now) - $3 )) s")
  else
    echo "$1: the synthesized YAML differs from the TypeScript synth of the same app" >&2
    exit 1
  fi
}

smoke_python() {
  local start; start=$(now)
  step "python: jsii-pacmak"
  # skipped when `projen build` packaged it already: jsii-pacmak fingerprints its output
  "$PACMAK" --target python
  local wheel; wheel=$(ls "dist/python/cdk8s_rollouts-$(node -p "require('./package.json').version")-py3-none-any.whl")
  step "python: fresh venv, pip install $wheel"
  rm -rf "$WORK/python"
  python3 -m venv "$WORK/python/venv"
  local py=$WORK/python/venv/bin/python
  "$py" -m pip install --quiet --disable-pip-version-check -c test/languages/python/requirements.txt "$wheel"
  "$py" -m pip check
  step "python: synth"
  (cd test/languages/python && CDK8S_OUTDIR=$WORK/python/out "$py" main.py)
  compare python "$WORK/python/out" "$start"
}

smoke_java() {
  local start; start=$(now)
  step "java: jsii-pacmak (cdk8s-rollouts, plus cdk8s and cdk8s-plus-28 from node_modules)"
  # skipped when `projen build` packaged it already: jsii-pacmak fingerprints its output
  "$PACMAK" --target java -o dist . node_modules/cdk8s node_modules/cdk8s-plus-28
  step "java: maven project against the local repository dist/java"
  local m2=$WORK/java/m2
  # a repository of its own; keep downloaded third-party artifacts between runs, never our builds
  rm -rf "$m2/io/github/cdk8s-rollouts" "$m2/org/cdk8s" "$WORK/java/out" test/languages/java/target
  (cd test/languages/java && CDK8S_OUTDIR=$WORK/java/out mvn --batch-mode --quiet \
    -Dmaven.repo.local="$m2" -Dsmoke.repo="file://$ROOT/dist/java" compile exec:java)
  rm -rf test/languages/java/target
  compare java "$WORK/java/out" "$start"
}

smoke_go() {
  local start; start=$(now)
  step "go: jsii-pacmak (cdk8s-rollouts, plus cdk8s and cdk8s-plus-28 from node_modules)"
  # skipped when `projen build` packaged it already: jsii-pacmak fingerprints its output
  "$PACMAK" --target go -o dist . node_modules/cdk8s node_modules/cdk8s-plus-28
  step "go: go run with replace directives to dist/go"
  rm -rf "$WORK/go"
  (cd test/languages/go && CDK8S_OUTDIR=$WORK/go/out go run .)
  git diff --exit-code test/languages/go/go.mod test/languages/go/go.sum
  compare go "$WORK/go/out" "$start"
}

for lang in "${LANGS[@]}"; do
  "smoke_$lang"
done

echo
printf '%s\n' "${SUMMARY[@]}"
