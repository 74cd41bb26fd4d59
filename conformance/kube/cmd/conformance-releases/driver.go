package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	rov1 "github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	rolloutsclient "github.com/argoproj/argo-rollouts/pkg/client/clientset/versioned"
	roclient "github.com/argoproj/argo-rollouts/pkg/client/clientset/versioned/typed/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/kubectl-argo-rollouts/cmd/abort"
	"github.com/argoproj/argo-rollouts/pkg/kubectl-argo-rollouts/cmd/promote"
	"github.com/cdk8s-rollouts/cdk8s-rollouts/conformance/kube/controlplane"
	corev1 "k8s.io/api/core/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

const (
	hashLabel        = "rollouts-pod-template-hash"
	revisionAnno     = "rollout.argoproj.io/revision"
	stepTimeout      = 90 * time.Second
	settleTimeout    = 30 * time.Second
	albActionsPrefix = "alb.ingress.kubernetes.io/actions."
	albCondsPrefix   = "alb.ingress.kubernetes.io/conditions."
	// the driver's own annotation (see waitNudging), left out of the simulator comparison
	nudgeAnnotation = "conformance.cdk8s-rollouts/nudge"
	// the referenced workload's metadata.generation, written on a workloadRef Rollout
	workloadGenerationAnno = "rollout.argoproj.io/workload-generation"
)

type driver struct {
	kube     kubernetes.Interface
	ext      apiextensions.Interface
	dyn      dynamic.Interface
	rollouts rolloutsclient.Interface
	mapper   *restmapper.DeferredDiscoveryRESTMapper
	// written, when set, records the API server's answer to every write of a sync
	written map[string]*unstructured.Unstructured
	// dryRun makes apply's writes server-side dry runs
	dryRun bool
}

func newDriver(cfg *rest.Config) (*driver, error) {
	d := &driver{}
	var err error
	if d.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if d.ext, err = apiextensions.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if d.dyn, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if d.rollouts, err = rolloutsclient.NewForConfig(cfg); err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	d.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	return d, nil
}

func (d *driver) resource(u *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := u.GroupVersionKind()
	mapping, err := d.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, err
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return d.dyn.Resource(mapping.Resource).Namespace(u.GetNamespace()), nil
	}
	return d.dyn.Resource(mapping.Resource), nil
}

// installCRDs installs the CRDs under dir (controlplane.InstallCRDs) and refreshes the mapper.
func (d *driver) installCRDs(ctx context.Context, dir string) error {
	if _, err := controlplane.InstallCRDs(ctx, d.ext, dir); err != nil {
		return err
	}
	d.mapper.Reset()
	return nil
}

// run drives one scenario: release 1, then releases 2 and 3 through every step to full
// promotion, then release 4 aborted; a sync under fire in release 2.
func (d *driver) run(ctx context.Context, sc scenario, dropIgnore string) (sr scenarioReport) {
	started := time.Now()
	sr.Name = sc.Name
	defer func() { sr.Seconds = time.Since(started).Seconds() }()
	fail := func(err error) scenarioReport {
		sr.Error = err.Error()
		fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", sc.Name, err)
		return sr
	}
	app, err := parseApplication(sc.Application)
	if err != nil {
		return fail(err)
	}
	sr.Application = app.app.Name
	ignores := app.app.Spec.IgnoreDifferences
	if name, idx, ok := strings.Cut(dropIgnore, ":"); ok && name == sc.Name {
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(ignores) {
			return fail(fmt.Errorf("--drop-ignore %s: no such ignoreDifferences entry", dropIgnore))
		}
		dropped, _ := json.Marshal(ignores[i])
		fmt.Printf("%s: dropping ignoreDifferences[%d] %s before diffing\n", sc.Name, i, dropped)
		ignores = append(append([]v1alpha1.ResourceIgnoreDifferences{}, ignores[:i]...), ignores[i+1:]...)
	}
	cfg, err := app.diffConfig(ignores)
	if err != nil {
		return fail(err)
	}
	ro := rolloutOf(sc.Objects)
	ns := ro.GetNamespace()
	if ns == "" {
		ns = app.app.Spec.Destination.Namespace
	}
	if _, err := d.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fail(err)
	}
	steps, _, _ := unstructured.NestedSlice(ro.Object, "spec", "strategy", "canary", "steps")
	blueGreen := sc.Strategy == "blueGreen"
	if steps == nil && !blueGreen {
		return fail(fmt.Errorf("a canary Rollout without steps is not driven"))
	}
	rolloutIf := d.rollouts.ArgoprojV1alpha1().Rollouts(ns)
	if blueGreen {
		fmt.Printf("== %s (Application %s, blue-green)\n", sc.Name, app.app.Name)
	} else {
		fmt.Printf("== %s (Application %s, %d steps)\n", sc.Name, app.app.Name, len(steps))
	}

	var observe observeFunc = func(release int, moment string, kind string, step int, exp expectation) error {
		o := observation{Release: release, Moment: moment}
		// Wait (bounded) until the controller has done what the step says and the live objects
		// match the simulator's prediction: the controller may rewrite an object more than once
		// for one step (e.g. the ALB action's target-group order right after a ping-pong
		// promotion, the canary Service after an abort), and the prediction is the settled state.
		// Argo CD's diff is then taken on the same objects.
		ph := findPhase(sc.Predicted, kind, release, step)
		var lives []*unstructured.Unstructured
		targets, err := app.targets(objectsFor(sc, release))
		if err != nil {
			return err
		}
		var pollErr error
		_ = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, settleTimeout, true, func(context.Context) (bool, error) {
			o.CheckErrors = d.check(ctx, sc, ns, exp) // the outer context: the last check must not hit the poll's deadline
			o.Mismatches = nil
			if lives, pollErr = d.lives(ctx, targets); pollErr != nil {
				return true, nil
			}
			if ph != nil {
				hashes, err := d.hashRevisions(ctx, ns, ro.GetName())
				if err != nil {
					pollErr = err
					return true, nil
				}
				o.Mismatches = compareWithSimulator(ph.Live, lives, hashes)
			}
			return len(o.CheckErrors) == 0 && len(o.Mismatches) == 0, nil
		})
		if pollErr != nil {
			return pollErr
		}
		diffs, _, err := compare(cfg, lives, targets)
		if err != nil {
			return err
		}
		o.OutOfSync = diffs
		if ph != nil {
			o.Phase = ph.Name
			sr.SimulatorCompared++
		}
		sr.Observations++
		sr.OutOfSync += len(o.OutOfSync)
		sr.CheckErrors += len(o.CheckErrors)
		sr.SimulatorMismatches += len(o.Mismatches)
		status := "Synced"
		if len(o.OutOfSync) > 0 {
			status = fmt.Sprintf("OutOfSync (%d)", len(o.OutOfSync))
		}
		fmt.Printf("  release %d %-44s %s, checks %s, simulator %s\n", release, moment, status, okOr(len(o.CheckErrors)), okOr(len(o.Mismatches)))
		if len(o.OutOfSync) > 0 || len(o.CheckErrors) > 0 || len(o.Mismatches) > 0 {
			sr.Failures = append(sr.Failures, o)
			for _, od := range o.OutOfSync {
				fmt.Fprintf(os.Stderr, "    %s / release %d %s: Argo CD says OutOfSync: %s\n      %s\n", sc.Name, release, moment, od.Object, strings.Join(od.Fields, "\n      "))
			}
			for _, e := range o.CheckErrors {
				fmt.Fprintf(os.Stderr, "    %s / release %d %s: controller check: %s\n", sc.Name, release, moment, e)
			}
			for _, m := range o.Mismatches {
				fmt.Fprintf(os.Stderr, "    %s / release %d %s: simulator (%s) vs live: %s\n", sc.Name, release, moment, o.Phase, m)
			}
		}
		return nil
	}

	// A workloadRef migration starts from the Deployment alone, as it ran before the migration.
	migration := sc.Template.Kind != "Rollout"
	if migration {
		if _, err := d.sync(ctx, app, objectsFor(sc, 0), false); err != nil {
			return fail(fmt.Errorf("before the migration: sync: %w", err))
		}
		if err := d.waitDeploymentAvailable(ctx, ns, sc.Template.Name); err != nil {
			return fail(fmt.Errorf("before the migration: %w", err))
		}
		if err := observe(0, "before the migration (the Deployment alone)", "before", -1, expectation{beforeMigration: true}); err != nil {
			return fail(err)
		}
	}

	// Release 1
	if _, err := d.sync(ctx, app, objectsFor(sc, 1), false); err != nil {
		return fail(fmt.Errorf("release 1 sync: %w", err))
	}
	// the replicas of a workloadRef Deployment as the controller scales it down (migration only)
	var scaled []int32
	if err := d.waitRollout(ctx, rolloutIf, ro.GetName(), "Healthy with every step done", func(s rolloutStatus) bool {
		if migration {
			scaled = d.recordReplicas(ctx, ns, sc.Template.Name, scaled)
		}
		return s.Phase == "Healthy" && s.StableRS != "" && s.StableRS == s.CurrentPodHash && s.current()
	}); err != nil {
		return fail(fmt.Errorf("release 1: %w", err))
	}
	sr.Releases++
	if migration {
		scaleErrs := d.checkMigration(ctx, ro, ns, &scaled)
		sr.DeploymentReplicas = scaled
		fmt.Printf("  release 1: the Deployment's spec.replicas while the Rollout came up: %v\n", scaled)
		for _, e := range scaleErrs {
			fmt.Fprintf(os.Stderr, "    %s / release 1: workloadRef scale-down: %s\n", sc.Name, e)
		}
		if len(scaleErrs) > 0 {
			sr.CheckErrors += len(scaleErrs)
			sr.Failures = append(sr.Failures, observation{Release: 1, Moment: "workloadRef scale-down", CheckErrors: scaleErrs})
		}
	}
	if err := observe(1, "steady state", "steady", -1, expectation{final: true}); err != nil {
		return fail(err)
	}
	if blueGreen {
		if err := d.runBlueGreen(ctx, sc, app, cfg, ns, rolloutIf, ro.GetName(), &sr, observe); err != nil {
			return fail(err)
		}
		return d.finish(ctx, sc, app, &sr, fail)
	}

	for release := 2; release <= len(sc.Images); release++ {
		abortAfter := -1
		if release == len(sc.Images) {
			abortAfter = sc.AbortAfter
		}
		res, err := d.sync(ctx, app, objectsFor(sc, release), false)
		if err != nil {
			return fail(fmt.Errorf("release %d sync: %w", release, err))
		}
		fmt.Printf("  release %d: sync applied %s\n", release, strings.Join(res.Applied, ", "))
		sr.Releases++
		exp := expectation{}
		for i := 0; i < len(steps); i++ {
			step, _ := steps[i].(map[string]any)
			exp = exp.after(step)
			sr.Steps++
			pause, isPause := step["pause"].(map[string]any)
			if !isPause {
				continue // the next step is the pause that holds this one
			}
			if _, timed := pause["duration"]; timed {
				// a timed pause ends by itself
				if err := d.waitRollout(ctx, rolloutIf, ro.GetName(), fmt.Sprintf("step %d (timed pause) to pass", i), func(s rolloutStatus) bool {
					return s.current() && s.StepIndex > i
				}); err != nil {
					return fail(fmt.Errorf("release %d: %w", release, err))
				}
				continue
			}
			if err := d.waitRollout(ctx, rolloutIf, ro.GetName(), fmt.Sprintf("paused at step %d", i), func(s rolloutStatus) bool {
				// the Paused condition is the controller's last write when it pauses; a promotion
				// racing that write is lost by v1.9.0's informer cache (seen here)
				return s.current() && s.StepIndex == i && s.Phase == "Paused" && s.Paused && s.PausedCondition
			}); err != nil {
				return fail(fmt.Errorf("release %d: %w", release, err))
			}
			moment := fmt.Sprintf("step %d %s", i, describeStep(stepBefore(steps, i)))
			if err := observe(release, moment, "step", i, exp); err != nil {
				return fail(err)
			}
			if abortAfter > 0 && i == abortAfter-1 {
				if _, err := abort.AbortRollout(rolloutIf, ro.GetName()); err != nil {
					return fail(fmt.Errorf("abort: %w", err))
				}
				if err := d.waitNudging(ctx, rolloutIf, ro.GetName(), "aborted", &sr, func(s rolloutStatus) bool {
					return s.Abort && s.Phase == "Degraded"
				}); err != nil {
					return fail(fmt.Errorf("release %d: %w", release, err))
				}
				sr.Aborted = true
				if err := observe(release, fmt.Sprintf("aborted after step %d", i), "aborted", -1, expectation{aborted: true}); err != nil {
					return fail(err)
				}
				break
			}
			if release == 2 && isMostState(steps, i) {
				sr.SyncUnderFire = d.syncUnderFire(ctx, sc, app, cfg, ns, release, moment, exp)
				if len(sr.SyncUnderFire.Errors) > 0 {
					sr.CheckErrors += len(sr.SyncUnderFire.Errors)
				}
			}
			if err := d.promote(ctx, rolloutIf, ro.GetName(), i, &sr); err != nil {
				return fail(fmt.Errorf("release %d: %w", release, err))
			}
		}
		if sr.Aborted {
			break
		}
		if err := d.waitRollout(ctx, rolloutIf, ro.GetName(), "fully promoted", func(s rolloutStatus) bool {
			return s.current() && s.Phase == "Healthy" && s.StableRS == s.CurrentPodHash && s.StepIndex == len(steps)
		}); err != nil {
			return fail(fmt.Errorf("release %d: %w", release, err))
		}
		if err := observe(release, "fully promoted", "promoted", -1, expectation{final: true}); err != nil {
			return fail(err)
		}
	}
	return d.finish(ctx, sc, app, &sr, fail)
}

// observeFunc reads every live object at one moment of a release and judges it (see run).
type observeFunc func(release int, moment string, kind string, step int, exp expectation) error

// finish runs what follows the last observation of a scenario.
func (d *driver) finish(ctx context.Context, sc scenario, app *application, sr *scenarioReport, fail func(error) scenarioReport) scenarioReport {
	// after the last observation: can a RespectIgnoreDifferences sync roll out a new image when
	// the live pod template is as in Git?
	finding, err := d.respectIgnoreProbe(ctx, sc, app)
	if err != nil {
		return fail(fmt.Errorf("RespectIgnoreDifferences probe: %w", err))
	}
	if finding != "" {
		sr.Findings = append(sr.Findings, finding)
		fmt.Printf("  FINDING: %s\n", finding)
	}
	if sr.SyncUnderFire == nil {
		sr.SyncUnderFire = &fireReport{Moment: "none: no step leaves controller-owned routing state", RoutingSurvive: true}
	}
	return *sr
}

func okOr(n int) string {
	if n == 0 {
		return "ok"
	}
	return fmt.Sprintf("%d FAILED", n)
}

// stepBefore is the step a pause holds: the one before an inserted pause, or the pause itself.
func stepBefore(steps []any, i int) map[string]any {
	if i > 0 {
		if prev, _ := steps[i-1].(map[string]any); prev != nil {
			if _, isPause := prev["pause"]; !isPause {
				return prev
			}
		}
	}
	s, _ := steps[i].(map[string]any)
	return s
}

func describeStep(step map[string]any) string {
	for k, v := range step {
		switch k {
		case "setWeight":
			return fmt.Sprintf("(after setWeight %v)", v)
		case "setHeaderRoute", "setMirrorRoute":
			m, _ := v.(map[string]any)
			if _, has := m["match"]; !has {
				return fmt.Sprintf("(after %s %v removed)", k, m["name"])
			}
			return fmt.Sprintf("(after %s %v)", k, m["name"])
		case "setCanaryScale":
			return "(after setCanaryScale)"
		case "pause":
			return "(pause)"
		}
	}
	return ""
}

// expectation is what the steps done so far say the routing must be.
type expectation struct {
	weight       int64
	headerRoutes []string
	mirrorRoutes []string
	final        bool // fully promoted or steady: weight 0, no managed routes, canary == stable
	aborted      bool
	// blue-green: the new ReplicaSet is behind the preview Service, waiting for promotion
	promotionPending bool
	// workloadRef migration: the Deployment alone, before the Rollout exists
	beforeMigration bool
}

func (e expectation) after(step map[string]any) expectation {
	n := e
	n.headerRoutes = append([]string{}, e.headerRoutes...)
	n.mirrorRoutes = append([]string{}, e.mirrorRoutes...)
	if w, ok := step["setWeight"]; ok {
		n.weight = toInt(w)
	}
	for key, list := range map[string]*[]string{"setHeaderRoute": &n.headerRoutes, "setMirrorRoute": &n.mirrorRoutes} {
		m, ok := step[key].(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		var kept []string
		for _, r := range *list {
			if r != name {
				kept = append(kept, r)
			}
		}
		if _, has := m["match"]; has {
			kept = append(kept, name)
		}
		*list = kept
	}
	return n
}

func (e expectation) score() int64 {
	return int64(len(e.headerRoutes)+len(e.mirrorRoutes))*1000 + e.weight
}

func scoreAt(steps []any, i int) int64 {
	e := expectation{}
	for j := 0; j <= i; j++ {
		s, _ := steps[j].(map[string]any)
		e = e.after(s)
	}
	return e.score()
}

// isMostState says whether step i is (the first) moment of most controller-owned state.
func isMostState(steps []any, i int) bool {
	best, at := int64(-1), -1
	for j := range steps {
		s, _ := steps[j].(map[string]any)
		if _, isPause := s["pause"]; !isPause {
			continue
		}
		if sc := scoreAt(steps, j); sc > best {
			best, at = sc, j
		}
	}
	return at == i && best > 0
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}

type rolloutStatus struct {
	Phase     string
	StepIndex int
	Paused    bool
	// the Paused condition is True
	PausedCondition bool
	Abort           bool
	StableRS        string
	CurrentPodHash  string
	generation      int64
	observed        string
	message         string
}

func (s rolloutStatus) current() bool { return s.observed == strconv.FormatInt(s.generation, 10) }

// promote does what `kubectl argo rollouts promote` does (the plugin's own PromoteRollout) and
// waits for the controller to leave the pause.
func (d *driver) promote(ctx context.Context, ri roclient.RolloutInterface, name string, i int, sr *scenarioReport) error {
	if _, err := promote.PromoteRollout(ri, name, false, false, false); err != nil {
		return fmt.Errorf("promote at step %d: %w", i, err)
	}
	return d.waitNudging(ctx, ri, name, fmt.Sprintf("step %d to be promoted", i), sr, func(s rolloutStatus) bool {
		return s.current() && s.StepIndex > i
	})
}

// waitNudging waits for ok after a status write of ours (promote, abort). v1.9.0's controller can
// lose such a write when it lands while the controller persists its own status to its informer
// cache (seen here: the Rollout stays paused with the pause condition cleared). Repeating the
// write would be a no-op (or skip a step), so after 5 s a metadata-only write (an annotation Argo
// CD's diff ignores) makes the controller reconcile the Rollout from the server again; counted.
func (d *driver) waitNudging(ctx context.Context, ri roclient.RolloutInterface, name, what string, sr *scenarioReport, ok func(rolloutStatus) bool) error {
	if err := d.waitRolloutFor(ctx, ri, name, what, 5*time.Second, ok); err == nil {
		return nil
	}
	sr.Nudges++
	fmt.Printf("  %s: not taken up in 5s; nudging the controller with an annotation\n", what)
	patch := fmt.Sprintf(`{"metadata":{"annotations":{"`+nudgeAnnotation+`":"%d"}}}`, sr.Nudges)
	if _, err := ri.Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("nudge: %w", err)
	}
	return d.waitRollout(ctx, ri, name, what, ok)
}

func statusOf(r *rov1.Rollout) rolloutStatus {
	s := rolloutStatus{
		Phase: string(r.Status.Phase), StepIndex: -1,
		Paused: len(r.Status.PauseConditions) > 0 || r.Status.ControllerPause,
		Abort:  r.Status.Abort, StableRS: r.Status.StableRS, CurrentPodHash: r.Status.CurrentPodHash,
		generation: r.Generation, observed: r.Status.ObservedGeneration, message: r.Status.Message,
	}
	for _, c := range r.Status.Conditions {
		if c.Type == rov1.RolloutPaused && c.Status == corev1.ConditionTrue {
			s.PausedCondition = true
		}
	}
	if r.Status.CurrentStepIndex != nil {
		s.StepIndex = int(*r.Status.CurrentStepIndex)
	}
	return s
}

// waitRollout polls the Rollout until ok holds (bounded by stepTimeout).
func (d *driver) waitRollout(ctx context.Context, ri roclient.RolloutInterface, name, what string, ok func(rolloutStatus) bool) error {
	return d.waitRolloutFor(ctx, ri, name, what, stepTimeout, ok)
}

func (d *driver) waitRolloutFor(ctx context.Context, ri roclient.RolloutInterface, name, what string, timeout time.Duration, ok func(rolloutStatus) bool) error {
	var last rolloutStatus
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		r, err := ri.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		last = statusOf(r)
		return ok(last), nil
	})
	if err != nil {
		return fmt.Errorf("timed out after %s waiting for Rollout %s: %s; last status: phase %q, step %d, paused %v, abort %v, stableRS %q, currentPodHash %q, generation %d observed %q, message %q",
			timeout, name, what, last.Phase, last.StepIndex, last.Paused, last.Abort, last.StableRS, last.CurrentPodHash, last.generation, last.observed, last.message)
	}
	return nil
}

func findPhase(phases []predicted, kind string, release, step int) *predicted {
	for i := range phases {
		p := &phases[i]
		if p.Kind != kind || p.Release != release {
			continue
		}
		if kind == "step" && (p.Step == nil || *p.Step != step) {
			continue
		}
		return p
	}
	return nil
}

func rolloutOf(objects []map[string]any) *unstructured.Unstructured {
	for _, o := range objects {
		if o["kind"] == "Rollout" {
			return &unstructured.Unstructured{Object: o}
		}
	}
	return &unstructured.Unstructured{Object: map[string]any{}}
}

// objectsFor is the scenario's objects with the image of the given release in the template
// object's first container (the Rollout, or the Deployment its workloadRef names). Release 0 is
// a workloadRef migration's starting point: release 1 without the Rollout.
func objectsFor(sc scenario, release int) []map[string]any {
	var out []map[string]any
	image := imageOf(sc, max(release, 1))
	for _, o := range sc.Objects {
		c := (&unstructured.Unstructured{Object: o}).DeepCopy().Object
		u := &unstructured.Unstructured{Object: c}
		if release == 0 && u.GetKind() == "Rollout" {
			continue
		}
		if u.GetKind() == templateKind(sc) && u.GetName() == templateName(sc) {
			containers, _, _ := unstructured.NestedSlice(c, "spec", "template", "spec", "containers")
			if len(containers) > 0 {
				first, _ := containers[0].(map[string]any)
				first["image"] = image
				_ = unstructured.SetNestedSlice(c, containers, "spec", "template", "spec", "containers")
			}
		}
		out = append(out, c)
	}
	return out
}

func templateKind(sc scenario) string {
	if sc.Template.Kind == "" {
		return "Rollout"
	}
	return sc.Template.Kind
}

func templateName(sc scenario) string {
	if sc.Template.Name == "" {
		return rolloutOf(sc.Objects).GetName()
	}
	return sc.Template.Name
}

func httpGetOK(url string) bool {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

var _ = sort.Strings

// imageOf is the image of a release; the one after the last is the probe's.
func imageOf(sc scenario, release int) string {
	if release > len(sc.Images) {
		return sc.ProbeImage
	}
	return sc.Images[release-1]
}
