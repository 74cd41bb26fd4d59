package main

// Argo CD's side: its own diff (util/argo/diff of argo-cd v3.2.12, configured as the application
// controller configures it in controller/state.go CompareAppState) and a model of its sync
// (kubectl client-side apply with the last-applied annotation, ApplyOutOfSyncOnly,
// RespectIgnoreDifferences as in controller/sync.go normalizeTargetResources).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/argo"
	argodiff "github.com/argoproj/argo-cd/v3/util/argo/diff"
	"github.com/argoproj/argo-cd/v3/util/argo/normalizers"
	jsonpatch "github.com/evanphx/json-patch"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/kubernetes/scheme"
	kubectlutil "k8s.io/kubectl/pkg/util"
)

const (
	appLabelKey = "app.kubernetes.io/instance" // common.LabelKeyAppInstance
	lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
)

// application is an Argo CD Application of a scenario and its sync options.
type application struct {
	app                v1alpha1.Application
	respectIgnore      bool
	applyOutOfSyncOnly bool
	serverSideApply    bool
}

func parseApplication(obj map[string]any) (*application, error) {
	buf, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var a application
	if err := json.Unmarshal(buf, &a.app); err != nil {
		return nil, fmt.Errorf("Application: %w", err)
	}
	if sp := a.app.Spec.SyncPolicy; sp != nil {
		a.respectIgnore = sp.SyncOptions.HasOption("RespectIgnoreDifferences=true")
		a.applyOutOfSyncOnly = sp.SyncOptions.HasOption("ApplyOutOfSyncOnly=true")
		a.serverSideApply = sp.SyncOptions.HasOption("ServerSideApply=true")
	}
	if a.serverSideApply {
		return nil, fmt.Errorf("Application %s: ServerSideApply=true is not driven by this suite yet", a.app.Name)
	}
	for _, opt := range strings.Split(a.app.Annotations["argocd.argoproj.io/compare-options"], ",") {
		if strings.TrimSpace(opt) == "ServerSideDiff=true" {
			return nil, fmt.Errorf("Application %s: ServerSideDiff is not driven by this suite yet", a.app.Name)
		}
	}
	return &a, nil
}

// diffConfig is Argo CD's comparison config for the Application: its ignoreDifferences, the
// default resource override that ignores /status of every kind (ignoreResourceStatusField: all),
// annotation tracking (the v3 default), no cache.
func (a *application) diffConfig(ignores []v1alpha1.ResourceIgnoreDifferences) (argodiff.DiffConfig, error) {
	if ignores == nil {
		ignores = []v1alpha1.ResourceIgnoreDifferences{}
	}
	overrides := map[string]v1alpha1.ResourceOverride{
		"*/*": {IgnoreDifferences: v1alpha1.OverrideIgnoreDiff{JSONPointers: []string{"/status"}}},
	}
	return argodiff.NewDiffConfigBuilder().
		WithDiffSettings(ignores, overrides, false, normalizers.IgnoreNormalizerOpts{}).
		WithTracking(appLabelKey, string(v1alpha1.TrackingMethodAnnotation)).
		WithNoCache().
		Build()
}

// targets are the desired objects as Argo CD syncs them: with the tracking annotation.
func (a *application) targets(objects []map[string]any) ([]*unstructured.Unstructured, error) {
	rt := argo.NewResourceTracking()
	var out []*unstructured.Unstructured
	for _, obj := range objects {
		u := (&unstructured.Unstructured{Object: obj}).DeepCopy()
		if u.GetNamespace() == "" {
			u.SetNamespace(a.app.Spec.Destination.Namespace)
		}
		if err := rt.SetAppInstance(u, appLabelKey, a.app.Name, a.app.Spec.Destination.Namespace, v1alpha1.TrackingMethodAnnotation, ""); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// objectDiff is one object Argo CD reports as OutOfSync, with the fields that differ.
type objectDiff struct {
	Object string   `json:"object"`
	Fields []string `json:"fields"`
}

func objectName(u *unstructured.Unstructured) string {
	gvk := u.GroupVersionKind()
	g := gvk.Group
	if g != "" {
		g += "/"
	}
	return fmt.Sprintf("%s%s %s/%s", g, gvk.Kind, u.GetNamespace(), u.GetName())
}

// compare runs Argo CD's StateDiffs and returns the objects it reports as Modified (OutOfSync).
func compare(cfg argodiff.DiffConfig, lives, targets []*unstructured.Unstructured) ([]objectDiff, []bool, error) {
	res, err := argodiff.StateDiffs(lives, targets, cfg)
	if err != nil {
		return nil, nil, err
	}
	var out []objectDiff
	modified := make([]bool, len(targets))
	for i, d := range res.Diffs {
		if !d.Modified {
			continue
		}
		modified[i] = true
		var live, predicted any
		_ = json.Unmarshal(d.NormalizedLive, &live)
		_ = json.Unmarshal(d.PredictedLive, &predicted)
		out = append(out, objectDiff{Object: objectName(targets[i]), Fields: jsonDiff("", predicted, live)})
	}
	return out, modified, nil
}

// normalizeTargets is what RespectIgnoreDifferences=true does before a sync (modelled on
// controller/sync.go normalizeTargetResources): the ignored fields of each target take their
// live values.
func normalizeTargets(cfg argodiff.DiffConfig, lives, targets []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	normalized, err := argodiff.Normalize(lives, targets, cfg)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for i, live := range lives {
		target := normalized.Targets[i]
		if live == nil || target == nil {
			out = append(out, targets[i])
			continue
		}
		versioned, typedErr := scheme.Scheme.New(target.GroupVersionKind())
		normLiveJSON, err := normalized.Lives[i].MarshalJSON()
		if err != nil {
			return nil, err
		}
		liveJSON, err := live.MarshalJSON()
		if err != nil {
			return nil, err
		}
		targetJSON, err := target.MarshalJSON()
		if err != nil {
			return nil, err
		}
		var patched []byte
		if typedErr == nil {
			meta, err := strategicpatch.NewPatchMetaFromStruct(versioned)
			if err != nil {
				return nil, err
			}
			patch, err := strategicpatch.CreateThreeWayMergePatch(liveJSON, liveJSON, normLiveJSON, meta, true)
			if err != nil {
				return nil, err
			}
			if patched, err = strategicpatch.StrategicMergePatch(targetJSON, patch, versioned); err != nil {
				return nil, err
			}
		} else {
			patch, err := jsonpatch.CreateMergePatch(normLiveJSON, liveJSON)
			if err != nil {
				return nil, err
			}
			if patched, err = jsonpatch.MergePatch(targetJSON, patch); err != nil {
				return nil, err
			}
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(patched); err != nil {
			return nil, err
		}
		if os.Getenv("CONFORMANCE_DEBUG_PATCH") != "" && u.GetKind() == "Rollout" {
			c := func(o *unstructured.Unstructured) string {
				v, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				b, _ := json.Marshal(v)
				return string(b)
			}
			fmt.Printf("    RespectIgnoreDifferences on %s:\n      live    %s\n      normLive %s\n      target  %s\n      normTarget %s\n      result  %s\n", objectName(u), c(live), c(normalized.Lives[i]), c(targets[i]), c(target), c(u))
		}
		out = append(out, u)
	}
	return out, nil
}

// apply is kubectl's client-side apply, which Argo CD runs for a sync without ServerSideApply:
// a create with the last-applied annotation, or a three-way patch (strategic merge for built-in
// kinds, JSON merge for custom resources) from the last-applied, the new and the live object.
func (d *driver) apply(ctx context.Context, target, live *unstructured.Unstructured) error {
	obj := target.DeepCopy()
	if ann := obj.GetAnnotations(); ann != nil {
		delete(ann, lastApplied)
		obj.SetAnnotations(ann)
	}
	modified, err := kubectlutil.GetModifiedConfiguration(obj, true, unstructured.UnstructuredJSONScheme)
	if err != nil {
		return err
	}
	ri, err := d.resource(obj)
	if err != nil {
		return err
	}
	if live == nil {
		created := &unstructured.Unstructured{}
		if err := created.UnmarshalJSON(modified); err != nil {
			return err
		}
		res, err := ri.Create(ctx, created, metav1.CreateOptions{FieldManager: "argocd-controller", DryRun: d.dryRunOpt()})
		d.record(res)
		return err
	}
	original := []byte(live.GetAnnotations()[lastApplied])
	current, err := live.MarshalJSON()
	if err != nil {
		return err
	}
	var patch []byte
	patchType := types.MergePatchType
	if versioned, err := scheme.Scheme.New(obj.GroupVersionKind()); err == nil {
		meta, err := strategicpatch.NewPatchMetaFromStruct(versioned)
		if err != nil {
			return err
		}
		if patch, err = strategicpatch.CreateThreeWayMergePatch(original, modified, current, meta, true); err != nil {
			return err
		}
		patchType = types.StrategicMergePatchType
	} else if patch, err = jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current); err != nil {
		return err
	}
	if os.Getenv("CONFORMANCE_DEBUG_PATCH") != "" {
		fmt.Printf("    patch %s (%s): %s\n", objectName(obj), patchType, patch)
	}
	if string(patch) == "{}" {
		return nil
	}
	res, err := ri.Patch(ctx, obj.GetName(), patchType, patch, metav1.PatchOptions{FieldManager: "argocd-controller", DryRun: d.dryRunOpt()})
	d.record(res)
	return err
}

func (d *driver) dryRunOpt() []string {
	if d.dryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

func (d *driver) record(u *unstructured.Unstructured) {
	if d.written != nil && u != nil {
		d.written[u.GetKind()+"/"+u.GetName()] = u
	}
}

// lives reads the live object of every target (nil when it does not exist).
func (d *driver) lives(ctx context.Context, targets []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, t := range targets {
		ri, err := d.resource(t)
		if err != nil {
			return nil, err
		}
		live, err := ri.Get(ctx, t.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			out = append(out, nil)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, live)
	}
	return out, nil
}

// syncResult says what a sync applied.
type syncResult struct {
	Applied []string `json:"applied"`
}

// sync does what Argo CD's sync does with the Application's sync options; all=true applies every
// object (a sync with ApplyOutOfSyncOnly off), still honouring RespectIgnoreDifferences.
func (d *driver) sync(ctx context.Context, a *application, objects []map[string]any, all bool) (syncResult, error) {
	var res syncResult
	targets, err := a.targets(objects)
	if err != nil {
		return res, err
	}
	lives, err := d.lives(ctx, targets)
	if err != nil {
		return res, err
	}
	cfg, err := a.diffConfig(a.app.Spec.IgnoreDifferences)
	if err != nil {
		return res, err
	}
	_, modified, err := compare(cfg, lives, targets)
	if err != nil {
		return res, err
	}
	if a.respectIgnore {
		if targets, err = normalizeTargets(cfg, lives, targets); err != nil {
			return res, err
		}
	}
	for i, t := range targets {
		if lives[i] != nil && a.applyOutOfSyncOnly && !modified[i] && !all {
			continue
		}
		if err := d.apply(ctx, t, lives[i]); err != nil {
			return res, fmt.Errorf("apply %s: %w", objectName(t), err)
		}
		res.Applied = append(res.Applied, objectName(t))
	}
	return res, nil
}

// jsonDiff lists the paths at which two JSON values differ, with both values.
func jsonDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			out = append(out, jsonDiff(path+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), w[k], g[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			break
		}
		var out []string
		for i := range w {
			out = append(out, jsonDiff(fmt.Sprintf("%s/%d", path, i), w[i], g[i])...)
		}
		return out
	default:
		if jsonEqual(want, got) {
			return nil
		}
	}
	if jsonEqual(want, got) {
		return nil
	}
	return []string{fmt.Sprintf("%s: want %s, got %s", orRoot(path), short(want), short(got))}
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func short(v any) string {
	if v == nil {
		return "(absent)"
	}
	b, _ := json.Marshal(v)
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}
