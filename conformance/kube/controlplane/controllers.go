package controlplane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// FakeNodeAnnotation marks the nodes kwok manages (kwok runs with
// --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake).
const FakeNodeAnnotation = "kwok.x-k8s.io/node"

// Kubeconfig writes (once) and returns the path of a kubeconfig for the other processes.
func (cp *ControlPlane) Kubeconfig() (string, error) {
	path := filepath.Join(cp.opts.WorkDir, "kubeconfig")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	return path, cp.WriteKubeconfig(path)
}

// StartWorkloadControllers starts kube-controller-manager with the given controllers (e.g.
// replicaset, deployment, job, garbagecollector) and kube-scheduler, both from BinDir, without
// leader election and serving only on loopback, and waits until both report healthy.
func (cp *ControlPlane) StartWorkloadControllers(controllers []string) error {
	kubeconfig, err := cp.Kubeconfig()
	if err != nil {
		return err
	}
	ports, err := FreePorts(2)
	if err != nil {
		return err
	}
	if err := cp.spawn("kube-controller-manager", filepath.Join(cp.opts.BinDir, "kube-controller-manager"),
		"--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig, "--authorization-kubeconfig="+kubeconfig,
		"--leader-elect=false",
		"--controllers="+joinComma(controllers),
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[0]),
		"--use-service-account-credentials=false",
		// pods are scheduled and started at once; no back-off between ReplicaSet syncs matters
		"--concurrent-replicaset-syncs=5", "--concurrent-deployment-syncs=5",
		"--v=1",
	); err != nil {
		return err
	}
	if err := cp.spawn("kube-scheduler", filepath.Join(cp.opts.BinDir, "kube-scheduler"),
		"--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig, "--authorization-kubeconfig="+kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[1]),
		"--v=1",
	); err != nil {
		return err
	}
	for i, name := range []string{"kube-controller-manager", "kube-scheduler"} {
		url := fmt.Sprintf("https://127.0.0.1:%d/healthz", ports[i])
		if err := waitFor(cp.opts.Timeout, name+" /healthz", func() bool { return httpOK(url, cp.token) }); err != nil {
			return err
		}
	}
	return nil
}

// StartKwok starts kwok (from BinDir) with the stages in stagesFile, managing only the nodes
// annotated kwok.x-k8s.io/node=fake, and creates one such node with room for many pods; it
// returns when kwok has made the node Ready.
func (cp *ControlPlane) StartKwok(ctx context.Context, stagesFile, nodeName string) error {
	kubeconfig, err := cp.Kubeconfig()
	if err != nil {
		return err
	}
	ports, err := FreePorts(1)
	if err != nil {
		return err
	}
	if err := cp.spawn("kwok", filepath.Join(cp.opts.BinDir, "kwok"),
		"--kubeconfig="+kubeconfig,
		"--config="+stagesFile,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector="+FakeNodeAnnotation+"=fake",
		"--server-address=127.0.0.1:"+strconv.Itoa(ports[0]),
		"--node-ip=127.0.0.1",
	); err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cp.Config())
	if err != nil {
		return err
	}
	quantity := resource.MustParse
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        nodeName,
			Annotations: map[string]string{FakeNodeAnnotation: "fake"},
			Labels:      map[string]string{"type": "kwok", "kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux"},
		},
		Status: corev1.NodeStatus{
			Capacity:    corev1.ResourceList{"cpu": quantity("1000"), "memory": quantity("4Ti"), "pods": quantity("1000")},
			Allocatable: corev1.ResourceList{"cpu": quantity("1000"), "memory": quantity("4Ti"), "pods": quantity("1000")},
		},
	}
	if _, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create node %s: %w", nodeName, err)
	}
	if err := waitFor(cp.opts.Timeout, "kwok to make node "+nodeName+" Ready", func() bool {
		n, err := client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		if err != nil {
			return false
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				return true
			}
		}
		return false
	}); err != nil {
		return err
	}
	// The API server taints a new node not-ready (TaintNodesByCondition); the node-lifecycle
	// controller, which is not run here, would lift the taint once the node is Ready.
	return waitFor(cp.opts.Timeout, "the not-ready taint of node "+nodeName+" to be lifted", func() bool {
		n, err := client.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
		if err != nil {
			return false
		}
		var kept []corev1.Taint
		for _, t := range n.Spec.Taints {
			if t.Key != corev1.TaintNodeNotReady {
				kept = append(kept, t)
			}
		}
		if len(kept) == len(n.Spec.Taints) {
			return true
		}
		n.Spec.Taints = kept
		_, err = client.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{})
		return false
	})
}

// FreePorts returns n free TCP ports on loopback.
func FreePorts(n int) ([]int, error) { return freePorts(n) }

// WaitFor polls ok every 200 ms until it holds or the timeout passes.
func WaitFor(timeout time.Duration, what string, ok func() bool) error {
	return waitFor(timeout, what, ok)
}

func joinComma(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}
