package main

import (
	"context"
	"fmt"
	"strings"

	argodiff "github.com/argoproj/argo-cd/v3/util/argo/diff"
	roclient "github.com/argoproj/argo-rollouts/pkg/client/clientset/versioned/typed/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/kubectl-argo-rollouts/cmd/abort"
	"github.com/argoproj/argo-rollouts/pkg/kubectl-argo-rollouts/cmd/promote"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// runBlueGreen drives releases 2.. of a blue-green Rollout: each brings the new ReplicaSet up
// behind the preview Service, runs the pre-promotion analysis and pauses for promotion; the
// driver observes the pause, then promotes as `kubectl argo rollouts promote` does (releases 2
// and 3) or aborts (the last release). The sync under fire happens at release 2's pause, when
// the active and preview Services select different ReplicaSets.
func (d *driver) runBlueGreen(ctx context.Context, sc scenario, app *application, cfg argodiff.DiffConfig, ns string, ri roclient.RolloutInterface, name string, sr *scenarioReport, observe observeFunc) error {
	for release := 2; release <= len(sc.Images); release++ {
		res, err := d.sync(ctx, app, objectsFor(sc, release), false)
		if err != nil {
			return fmt.Errorf("release %d sync: %w", release, err)
		}
		fmt.Printf("  release %d: sync applied %s\n", release, strings.Join(res.Applied, ", "))
		sr.Releases++
		if err := d.waitRollout(ctx, ri, name, "paused for promotion after the pre-promotion analysis", func(s rolloutStatus) bool {
			return s.current() && s.Phase == "Paused" && s.Paused && s.PausedCondition && s.CurrentPodHash != "" && s.CurrentPodHash != s.StableRS
		}); err != nil {
			return fmt.Errorf("release %d: %w", release, err)
		}
		// the pause for promotion is a blue-green release's one step
		sr.Steps++
		moment := "paused for promotion (pre-promotion analysis done)"
		exp := expectation{promotionPending: true}
		if err := observe(release, moment, "paused", -1, exp); err != nil {
			return err
		}
		if release == len(sc.Images) {
			if _, err := abort.AbortRollout(ri, name); err != nil {
				return fmt.Errorf("abort: %w", err)
			}
			if err := d.waitNudging(ctx, ri, name, "aborted", sr, func(s rolloutStatus) bool {
				return s.Abort && s.Phase == "Degraded"
			}); err != nil {
				return fmt.Errorf("release %d: %w", release, err)
			}
			sr.Aborted = true
			return observe(release, "aborted while paused for promotion", "aborted", -1, expectation{aborted: true})
		}
		if release == 2 {
			sr.SyncUnderFire = d.syncUnderFire(ctx, sc, app, cfg, ns, release, moment, exp)
			sr.CheckErrors += len(sr.SyncUnderFire.Errors)
		}
		if _, err := promote.PromoteRollout(ri, name, false, false, false); err != nil {
			return fmt.Errorf("release %d: promote: %w", release, err)
		}
		if err := d.waitNudging(ctx, ri, name, "promoted: the active Service on the new ReplicaSet", sr, func(s rolloutStatus) bool {
			return s.current() && s.Phase == "Healthy" && s.StableRS == s.CurrentPodHash
		}); err != nil {
			return fmt.Errorf("release %d: %w", release, err)
		}
		if err := observe(release, "promoted", "promoted", -1, expectation{final: true}); err != nil {
			return err
		}
	}
	return nil
}

// checkPrePromotionAnalysis checks that the AnalysisRun the Rollout's status names for the
// pre-promotion analysis of the current ReplicaSet succeeded, and that its Job metric really ran
// a Job to completion (kwok completes the Job's pods).
func (d *driver) checkPrePromotionAnalysis(ctx context.Context, ns string, live *unstructured.Unstructured) []string {
	arName, _, _ := unstructured.NestedString(live.Object, "status", "blueGreen", "prePromotionAnalysisRunStatus", "name")
	arStatus, _, _ := unstructured.NestedString(live.Object, "status", "blueGreen", "prePromotionAnalysisRunStatus", "status")
	if arName == "" {
		return []string{"Rollout status names no pre-promotion AnalysisRun"}
	}
	if arStatus != "Successful" {
		return []string{fmt.Sprintf("pre-promotion AnalysisRun %s: status %q in the Rollout, want Successful", arName, arStatus)}
	}
	ar, err := d.rollouts.ArgoprojV1alpha1().AnalysisRuns(ns).Get(ctx, arName, metav1.GetOptions{})
	if err != nil {
		return []string{fmt.Sprintf("pre-promotion AnalysisRun %s: %v", arName, err)}
	}
	var errs []string
	if ar.Status.Phase != "Successful" {
		errs = append(errs, fmt.Sprintf("pre-promotion AnalysisRun %s: phase %q, want Successful", arName, ar.Status.Phase))
	}
	currentHash, _, _ := unstructured.NestedString(live.Object, "status", "currentPodHash")
	if h := ar.Labels[hashLabel]; h != currentHash {
		errs = append(errs, fmt.Sprintf("pre-promotion AnalysisRun %s analysed %s=%q, want the new ReplicaSet %q", arName, hashLabel, h, currentHash))
	}
	jobs, err := d.kube.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return append(errs, err.Error())
	}
	succeeded := 0
	for _, j := range jobs.Items {
		for _, o := range j.OwnerReferences {
			if o.Kind == "AnalysisRun" && o.Name == arName && j.Status.Succeeded > 0 {
				succeeded++
			}
		}
	}
	if succeeded == 0 {
		errs = append(errs, fmt.Sprintf("pre-promotion AnalysisRun %s: no Job of its metric succeeded", arName))
	}
	return errs
}
