//go:build tools

// Pins the Gateway API release whose standard-channel CRDs crds/gateway-api/ vendors (the
// module zip carries config/crd/standard/); nothing is built from it. Its own module, so the
// pin does not move any dependency of the validators built from conformance/kube.
package tools

import (
	_ "sigs.k8s.io/gateway-api/apis/v1"
)
