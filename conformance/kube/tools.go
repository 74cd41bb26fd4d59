//go:build tools

// The binaries the conformance suite builds from this module (go build <path>), and the Argo CD
// diff package the release tests use, pinned here with the rest.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/util/argo/diff"
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
