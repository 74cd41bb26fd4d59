//go:build tools

// kwok, which fakes the kubelet of the conformance control plane's nodes (pods become Running
// and Ready without containers), built from its own module: kwok needs newer Kubernetes
// libraries than the k8s.io/kubernetes v1.34 of conformance/kube.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
