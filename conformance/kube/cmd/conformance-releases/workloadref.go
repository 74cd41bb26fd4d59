package main

import (
	"context"
	"fmt"
	"math"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
)

// waitDeploymentAvailable waits until a Deployment's every replica is updated and available.
func (d *driver) waitDeploymentAvailable(ctx context.Context, ns, name string) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, stepTimeout, true, func(ctx context.Context) (bool, error) {
		dep, err := d.kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		want := int32(1)
		if dep.Spec.Replicas != nil {
			want = *dep.Spec.Replicas
		}
		s := dep.Status
		last = fmt.Sprintf("generation %d observed %d, replicas %d updated %d available %d, want %d", dep.Generation, s.ObservedGeneration, s.Replicas, s.UpdatedReplicas, s.AvailableReplicas, want)
		return s.ObservedGeneration == dep.Generation && s.Replicas == want && s.UpdatedReplicas == want && s.AvailableReplicas == want, nil
	})
	if err != nil {
		return fmt.Errorf("timed out after %s waiting for Deployment %s to be available: %s", stepTimeout, name, last)
	}
	return nil
}

// recordReplicas appends the Deployment's spec.replicas when it changed.
func (d *driver) recordReplicas(ctx context.Context, ns, name string, seen []int32) []int32 {
	dep, err := d.kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil || dep.Spec.Replicas == nil {
		return seen
	}
	if len(seen) == 0 || seen[len(seen)-1] != *dep.Spec.Replicas {
		seen = append(seen, *dep.Spec.Replicas)
	}
	return seen
}

// checkMigration checks how the controller scaled the workloadRef Deployment while the first
// Rollout ReplicaSet came up: `progressively` and `onsuccess` end at 0 (waited for, bounded);
// `progressively` never goes up, and `onsuccess` does not move before the Rollout is Healthy.
func (d *driver) checkMigration(ctx context.Context, ro *unstructured.Unstructured, ns string, seen *[]int32) []string {
	scaleDown, _, _ := unstructured.NestedString(ro.Object, "spec", "workloadRef", "scaleDown")
	name, _, _ := unstructured.NestedString(ro.Object, "spec", "workloadRef", "name")
	if scaleDown != "progressively" && scaleDown != "onsuccess" {
		return nil
	}
	_ = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, settleTimeout, true, func(ctx context.Context) (bool, error) {
		*seen = d.recordReplicas(ctx, ns, name, *seen)
		return len(*seen) > 0 && (*seen)[len(*seen)-1] == 0, nil
	})
	var errs []string
	s := *seen
	if len(s) == 0 || s[len(s)-1] != 0 {
		errs = append(errs, fmt.Sprintf("Deployment %s: spec.replicas went %v, want it to end at 0 (scaleDown %s)", name, s, scaleDown))
	}
	for i := 1; i < len(s); i++ {
		if s[i] > s[i-1] {
			errs = append(errs, fmt.Sprintf("Deployment %s: spec.replicas went up, %v (scaleDown %s)", name, s, scaleDown))
			break
		}
	}
	if scaleDown == "onsuccess" && len(s) > 2 {
		errs = append(errs, fmt.Sprintf("Deployment %s: spec.replicas went %v; onsuccess scales to 0 in one write", name, s))
	}
	return errs
}

// checkWorkloadRef checks the Deployment a Rollout's workloadRef names: before the migration it
// runs every declared replica; from then on, with scaleDown progressively or onsuccess, it has 0
// replicas and no pods (never: it keeps the declared replicas).
func checkWorkloadRef(sc scenario, get getter, exp expectation) []string {
	ro := rolloutOf(sc.Objects)
	ref, ok, _ := unstructured.NestedMap(ro.Object, "spec", "workloadRef")
	if !ok {
		return nil
	}
	name, _ := ref["name"].(string)
	scaleDown, _ := ref["scaleDown"].(string)
	declared := int64(1)
	for _, o := range sc.Objects {
		u := &unstructured.Unstructured{Object: o}
		if u.GetKind() == "Deployment" && u.GetName() == name {
			if r, ok, _ := unstructured.NestedFieldNoCopy(o, "spec", "replicas"); ok {
				declared = toInt(r)
			}
		}
	}
	live, err := get("Deployment", name)
	if err != nil {
		return []string{fmt.Sprintf("Deployment %s: %v", name, err)}
	}
	replicas, _, _ := unstructured.NestedInt64(live.Object, "spec", "replicas")
	running, _, _ := unstructured.NestedInt64(live.Object, "status", "replicas")
	want := int64(0)
	if exp.beforeMigration || (scaleDown != "progressively" && scaleDown != "onsuccess") {
		want = declared
	}
	var errs []string
	if replicas != want || running != want {
		errs = append(errs, fmt.Sprintf("Deployment %s (workloadRef, scaleDown %q): spec.replicas %d, status.replicas %d, want %d", name, scaleDown, replicas, running, want))
	}
	return errs
}

// checkWorkloadGeneration checks that the Rollout records the generation of the workload whose
// template it runs. Settled observations only: after a sync's own write to the Deployment the
// controller takes a moment to record the new generation.
func checkWorkloadGeneration(sc scenario, get getter, exp expectation) []string {
	ro := rolloutOf(sc.Objects)
	name, ok, _ := unstructured.NestedString(ro.Object, "spec", "workloadRef", "name")
	if !ok || exp.beforeMigration {
		return nil
	}
	dep, err := get("Deployment", name)
	if err != nil {
		return []string{err.Error()}
	}
	live, err := get("Rollout", ro.GetName())
	if err != nil {
		return []string{err.Error()}
	}
	if g, want := live.GetAnnotations()[workloadGenerationAnno], fmt.Sprint(dep.GetGeneration()); g != want {
		return []string{fmt.Sprintf("Rollout %s: annotation %s=%q, want the Deployment's generation %s", ro.GetName(), workloadGenerationAnno, g, want)}
	}
	return nil
}

// checkBasicCanary checks the ReplicaSets of a canary without traffic routing, where the weight
// is the share of pods: the canary ReplicaSet has ceil(replicas × weight / 100) of them at a
// step, all after full promotion, none after an abort.
func (d *driver) checkBasicCanary(ctx context.Context, sc scenario, ns string, exp expectation) []string {
	ro := rolloutOf(sc.Objects)
	canary, ok, _ := unstructured.NestedMap(ro.Object, "spec", "strategy", "canary")
	if !ok || canary["trafficRouting"] != nil || exp.beforeMigration {
		return nil
	}
	live, err := d.rollouts.ArgoprojV1alpha1().Rollouts(ns).Get(ctx, ro.GetName(), metav1.GetOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	replicas := int32(1)
	if live.Spec.Replicas != nil {
		replicas = *live.Spec.Replicas
	}
	want := int32(math.Ceil(float64(replicas) * float64(exp.weight) / 100))
	if exp.final {
		want = replicas
	}
	if exp.aborted {
		want = 0
	}
	list, err := d.kube.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	found := false
	for _, rs := range list.Items {
		owned := false
		for _, o := range rs.OwnerReferences {
			owned = owned || (o.Kind == "Rollout" && o.Name == ro.GetName())
		}
		if !owned || rs.Labels[hashLabel] != live.Status.CurrentPodHash {
			continue
		}
		found = true
		if rs.Spec.Replicas == nil || *rs.Spec.Replicas != want {
			errs = append(errs, fmt.Sprintf("canary ReplicaSet %s: spec.replicas %v, want %d (weight %d of %d replicas)", rs.Name, deref32(rs.Spec.Replicas), want, exp.weight, replicas))
		}
	}
	if !found {
		errs = append(errs, fmt.Sprintf("no ReplicaSet of the Rollout has %s=%s", hashLabel, live.Status.CurrentPodHash))
	}
	return errs
}

func deref32(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}
