#!/usr/bin/env bash
# Copy the upstream CRDs the library is generated from into crds/, from the Go modules of the
# releases we target (the module zips carry the manifests). The versions are the ones pinned in
# conformance/kube/go.mod (Argo Rollouts, Argo CD), conformance/istio/go.mod (Istio's API) and
# conformance/gateway-api/go.mod (the Gateway API), so one version set drives the CRDs, the L1
# imports (`npx projen import`) and the conformance suite.
set -euo pipefail
cd "$(dirname "$0")/.."

version_of() { # module, go.mod
  awk -v m="$1" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m && $2 ~ /^v/ { print $2; exit }' "$2"
}
module_dir() { # module@version [go module folder under conformance/, default kube]
  (cd "conformance/${2:-kube}" && go mod download -json "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})')
}

ROLLOUTS=$(version_of github.com/argoproj/argo-rollouts conformance/kube/go.mod)
ARGOCD=$(version_of github.com/argoproj/argo-cd/v3 conformance/kube/go.mod)
ISTIO_API=$(version_of istio.io/api conformance/istio/go.mod)
GATEWAY_API=$(version_of sigs.k8s.io/gateway-api conformance/gateway-api/go.mod)

src=$(module_dir "github.com/argoproj/argo-rollouts@$ROLLOUTS")/manifests/crds
mkdir -p crds/argo-rollouts crds/argo-cd crds/istio crds/gateway-api
for f in rollout analysis-template cluster-analysis-template analysis-run experiment; do
  install -m 0644 "$src/$f-crd.yaml" crds/argo-rollouts/
done

src=$(module_dir "github.com/argoproj/argo-cd/v3@$ARGOCD")/manifests/crds
for f in application appproject; do
  install -m 0644 "$src/$f-crd.yaml" crds/argo-cd/
done

# Istio publishes every CRD in one multi-document file: keep the two we emit.
src=$(module_dir "istio.io/api@$ISTIO_API")/kubernetes/customresourcedefinitions.gen.yaml
node - "$src" <<'JS'
const fs = require('fs');
const docs = fs.readFileSync(process.argv[2], 'utf8').split(/^---$/m);
for (const [name, file] of [['virtualservices.networking.istio.io', 'virtualservice'], ['destinationrules.networking.istio.io', 'destinationrule']]) {
  const doc = docs.find((d) => new RegExp(`^  name: ${name.replace(/\./g, '\\.')}$`, 'm').test(d));
  if (!doc) throw new Error(`no CRD ${name} in ${process.argv[2]}`);
  fs.writeFileSync(`crds/istio/${file}-crd.yaml`, doc.replace(/^# DO NOT EDIT.*\n/, '').replace(/^\n+/, ''));
}
JS
# The Gateway API's standard channel: the HTTPRoute we emit (GatewayApiHttpRoute).
src=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API" gateway-api)/config/crd/standard
install -m 0644 "$src/gateway.networking.k8s.io_httproutes.yaml" crds/gateway-api/httproute-crd.yaml

cat > crds/VERSIONS <<VERSIONS
argo-rollouts $ROLLOUTS
argo-cd $ARGOCD
istio-api $ISTIO_API
gateway-api $GATEWAY_API
VERSIONS
echo "crds/: Argo Rollouts $ROLLOUTS, Argo CD $ARGOCD, Istio API $ISTIO_API, Gateway API $GATEWAY_API"
