package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	argodiff "github.com/argoproj/argo-cd/v3/util/argo/diff"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"time"
)

// getter reads one object of the scenario by kind and name.
type getter func(kind, name string) (*unstructured.Unstructured, error)

// apiGetter reads the live objects from the API server.
func (d *driver) apiGetter(ctx context.Context, sc scenario, ns string) getter {
	return func(kind, name string) (*unstructured.Unstructured, error) {
		for _, o := range sc.Objects {
			u := &unstructured.Unstructured{Object: o}
			if u.GetKind() != kind || u.GetName() != name {
				continue
			}
			probe := u.DeepCopy()
			if probe.GetNamespace() == "" {
				probe.SetNamespace(ns)
			}
			ri, err := d.resource(probe)
			if err != nil {
				return nil, err
			}
			return ri.Get(ctx, name, metav1.GetOptions{})
		}
		return nil, fmt.Errorf("the scenario has no %s %s", kind, name)
	}
}

func (d *driver) check(ctx context.Context, sc scenario, ns string, exp expectation) []string {
	get := d.apiGetter(ctx, sc, ns)
	errs := checkRouting(sc, get, exp)
	errs = append(errs, d.checkBasicCanary(ctx, sc, ns, exp)...)
	errs = append(errs, checkWorkloadGeneration(sc, get, exp)...)
	if exp.promotionPending {
		ro := rolloutOf(sc.Objects)
		if live, err := get("Rollout", ro.GetName()); err != nil {
			errs = append(errs, err.Error())
		} else {
			errs = append(errs, d.checkPrePromotionAnalysis(ctx, ns, live)...)
		}
	}
	return errs
}

// checkRouting checks that the controller did what the steps done so far say: Services select
// the stable and canary ReplicaSets, the ALB action annotation or the VirtualService carries the
// step's weight, header and mirror routes exist exactly while a step has set them, and the
// DestinationRule's subsets select the right pod-template hashes.
func checkRouting(sc scenario, get getter, exp expectation) []string {
	if exp.beforeMigration {
		return checkWorkloadRef(sc, get, exp)
	}
	errs := checkWorkloadRef(sc, get, exp)
	errf := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	ro := rolloutOf(sc.Objects)
	live, err := get("Rollout", ro.GetName())
	if err != nil {
		return []string{err.Error()}
	}
	stableRS, _, _ := unstructured.NestedString(live.Object, "status", "stableRS")
	currentHash, _, _ := unstructured.NestedString(live.Object, "status", "currentPodHash")
	stablePingPong, _, _ := unstructured.NestedString(live.Object, "status", "canary", "stablePingPong")
	canary, _, _ := unstructured.NestedMap(ro.Object, "spec", "strategy", "canary")
	canarySvc, _ := canary["canaryService"].(string)
	stableSvc, _ := canary["stableService"].(string)
	if pp, ok := canary["pingPong"].(map[string]any); ok {
		ping, _ := pp["pingService"].(string)
		pong, _ := pp["pongService"].(string)
		if stablePingPong == "pong" {
			stableSvc, canarySvc = pong, ping
		} else {
			stableSvc, canarySvc = ping, pong
		}
	}
	weight := exp.weight
	headers, mirrors := exp.headerRoutes, exp.mirrorRoutes
	if exp.final || exp.aborted {
		weight, headers, mirrors = 0, nil, nil
	}
	_, pingPong := canary["pingPong"]
	if exp.final && stableRS != currentHash {
		errf("Rollout status: stableRS %s != currentPodHash %s after full promotion", stableRS, currentHash)
	}
	selects := func(svc, want, role string) {
		if svc == "" || want == "" {
			return
		}
		s, err := get("Service", svc)
		if err != nil {
			errf("Service %s: %v", svc, err)
			return
		}
		got, _, _ := unstructured.NestedString(s.Object, "spec", "selector", hashLabel)
		if got != want {
			errf("Service %s (%s): selector %s=%q, want %q", svc, role, hashLabel, got, want)
		}
	}
	selects(stableSvc, stableRS, "stable")
	if !exp.aborted && !(pingPong && exp.final) {
		// after full promotion the ping-pong canary side keeps its last ReplicaSet (the
		// simulator comparison covers it)
		selects(canarySvc, currentHash, "canary")
	}

	// blue-green: the active Service selects the stable ReplicaSet (the old one until promotion,
	// and after an abort), the preview Service the current one (the aborted one after an abort)
	if bg, ok, _ := unstructured.NestedMap(ro.Object, "spec", "strategy", "blueGreen"); ok {
		active, _ := bg["activeService"].(string)
		preview, _ := bg["previewService"].(string)
		selects(active, stableRS, "active")
		selects(preview, currentHash, "preview")
		activeSel, _, _ := unstructured.NestedString(live.Object, "status", "blueGreen", "activeSelector")
		if activeSel != stableRS {
			errf("Rollout status: blueGreen.activeSelector %q, want stable %q", activeSel, stableRS)
		}
		if (exp.promotionPending || exp.aborted) && stableRS == currentHash {
			errf("Rollout status: stableRS %s is the new ReplicaSet before promotion", stableRS)
		}
	}

	routing, _ := canary["trafficRouting"].(map[string]any)
	var managed []string
	for _, r := range asSlice(routing["managedRoutes"]) {
		if m, ok := r.(map[string]any); ok {
			managed = append(managed, fmt.Sprint(m["name"]))
		}
	}
	if alb, ok := routing["alb"].(map[string]any); ok {
		var ingresses []string
		if name, ok := alb["ingress"].(string); ok {
			ingresses = append(ingresses, name)
		}
		for _, n := range asSlice(alb["ingresses"]) {
			ingresses = append(ingresses, fmt.Sprint(n))
		}
		actionService := stableSvc
		if root, ok := alb["rootService"].(string); ok && root != "" {
			actionService = root
		}
		for _, name := range ingresses {
			ing, err := get("Ingress", name)
			if err != nil {
				errf("Ingress %s: %v", name, err)
				continue
			}
			ann := ing.GetAnnotations()
			key := albActionsPrefix + actionService
			var action struct {
				ForwardConfig struct {
					TargetGroups []struct {
						ServiceName string
						Weight      *int64
					}
				}
			}
			if err := json.Unmarshal([]byte(ann[key]), &action); err != nil {
				errf("Ingress %s: annotation %s is not an action: %v", name, key, err)
			} else {
				found := false
				for _, tg := range action.ForwardConfig.TargetGroups {
					if tg.ServiceName == canarySvc {
						found = true
						if tg.Weight == nil || *tg.Weight != weight {
							errf("Ingress %s: %s gives canary %s weight %v, want %d", name, key, canarySvc, deref(tg.Weight), weight)
						}
					}
					if tg.ServiceName == stableSvc && (tg.Weight == nil || *tg.Weight != 100-weight) {
						errf("Ingress %s: %s gives stable %s weight %v, want %d", name, key, stableSvc, deref(tg.Weight), 100-weight)
					}
				}
				if !found {
					errf("Ingress %s: %s has no target group for canary %s: %s", name, key, canarySvc, ann[key])
				}
			}
			paths := ingressBackends(ing)
			for _, route := range managed {
				active := contains(headers, route)
				_, hasAction := ann[albActionsPrefix+route]
				_, hasCond := ann[albCondsPrefix+route]
				hasPath := contains(paths, route)
				if active && !(hasAction && hasCond && hasPath) {
					errf("Ingress %s: header route %s is active but action=%v conditions=%v path=%v", name, route, hasAction, hasCond, hasPath)
				}
				if !active && (hasAction || hasCond || hasPath) {
					errf("Ingress %s: header route %s is not active but action=%v conditions=%v path=%v", name, route, hasAction, hasCond, hasPath)
				}
			}
		}
	}
	if istio, ok := routing["istio"].(map[string]any); ok {
		var canarySubset, stableSubset, drName string
		if dr, ok := istio["destinationRule"].(map[string]any); ok {
			canarySubset, _ = dr["canarySubsetName"].(string)
			stableSubset, _ = dr["stableSubsetName"].(string)
			drName, _ = dr["name"].(string)
		}
		var vsNames []string
		if vs, ok := istio["virtualService"].(map[string]any); ok {
			vsNames = append(vsNames, fmt.Sprint(vs["name"]))
		}
		for _, v := range asSlice(istio["virtualServices"]) {
			if vs, ok := v.(map[string]any); ok {
				vsNames = append(vsNames, fmt.Sprint(vs["name"]))
			}
		}
		for _, vsName := range vsNames {
			vsName = strings.Split(vsName, ".")[0]
			vs, err := get("VirtualService", vsName)
			if err != nil {
				errf("VirtualService %s: %v", vsName, err)
				continue
			}
			http, _, _ := unstructured.NestedSlice(vs.Object, "spec", "http")
			names := map[string]map[string]any{}
			for _, r := range http {
				route, _ := r.(map[string]any)
				rname, _ := route["name"].(string)
				names[rname] = route
				if contains(managed, rname) {
					continue
				}
				for _, dst := range asSlice(route["route"]) {
					dm, _ := dst.(map[string]any)
					dest, _ := dm["destination"].(map[string]any)
					host := strings.Split(fmt.Sprint(dest["host"]), ".")[0]
					subset, _ := dest["subset"].(string)
					w := toInt(dm["weight"])
					if (canarySubset != "" && subset == canarySubset) || (canarySubset == "" && host == canarySvc) {
						if w != weight {
							errf("VirtualService %s route %q: canary weight %d, want %d", vsName, rname, w, weight)
						}
					}
					if (stableSubset != "" && subset == stableSubset) || (stableSubset == "" && host == stableSvc) {
						if w != 100-weight {
							errf("VirtualService %s route %q: stable weight %d, want %d", vsName, rname, w, 100-weight)
						}
					}
				}
			}
			for _, route := range managed {
				r, present := names[route]
				switch {
				case contains(headers, route) && !present:
					errf("VirtualService %s: header route %s is active but absent", vsName, route)
				case contains(mirrors, route) && (!present || r["mirror"] == nil):
					errf("VirtualService %s: mirror route %s is active but absent or without mirror", vsName, route)
				case !contains(headers, route) && !contains(mirrors, route) && present:
					errf("VirtualService %s: managed route %s is not active but present", vsName, route)
				}
			}
		}
		if drName != "" {
			dr, err := get("DestinationRule", drName)
			if err != nil {
				errf("DestinationRule %s: %v", drName, err)
			} else {
				subsets, _, _ := unstructured.NestedSlice(dr.Object, "spec", "subsets")
				for _, s := range subsets {
					sm, _ := s.(map[string]any)
					h, _, _ := unstructured.NestedString(sm, "labels", hashLabel)
					if sm["name"] == stableSubset && h != stableRS {
						errf("DestinationRule %s subset %s: %s=%q, want stable %q", drName, stableSubset, hashLabel, h, stableRS)
					}
					if sm["name"] == canarySubset && h != currentHash {
						errf("DestinationRule %s subset %s: %s=%q, want canary %q", drName, canarySubset, hashLabel, h, currentHash)
					}
				}
			}
		}
	}
	return errs
}

func ingressBackends(ing *unstructured.Unstructured) []string {
	var out []string
	rules, _, _ := unstructured.NestedSlice(ing.Object, "spec", "rules")
	for _, r := range rules {
		paths, _, _ := unstructured.NestedSlice(r.(map[string]any), "http", "paths")
		for _, p := range paths {
			name, _, _ := unstructured.NestedString(p.(map[string]any), "backend", "service", "name")
			out = append(out, name)
		}
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// hashRevisions maps the real pod-template hashes of the Rollout's ReplicaSets to the
// simulator's stand-ins for the same revision.
func (d *driver) hashRevisions(ctx context.Context, ns, rollout string) (map[string]string, error) {
	list, err := d.kube.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, rs := range list.Items {
		owned := false
		for _, o := range rs.OwnerReferences {
			owned = owned || (o.Kind == "Rollout" && o.Name == rollout)
		}
		h, rev := rs.Labels[hashLabel], rs.Annotations[revisionAnno]
		if owned && h != "" && rev != "" {
			out[h] = "5f8c7d" + rev + "b9"
		}
	}
	return out, nil
}

// project keeps what the simulator models of an object: metadata annotations and labels (minus
// the last-applied annotation, whose serialisation is kubectl's, and the Deployment controller's
// revision annotation), and per kind the parts the Rollouts controller writes.
func project(obj map[string]any) map[string]any {
	u := &unstructured.Unstructured{Object: obj}
	out := map[string]any{}
	ann := map[string]any{}
	for k, v := range u.GetAnnotations() {
		if k == lastApplied || k == "deployment.kubernetes.io/revision" || k == nudgeAnnotation {
			continue
		}
		if k == workloadGenerationAnno && u.GetKind() == "Rollout" {
			// its value counts the controller's scale-down writes (checkWorkloadRef checks it
			// against the Deployment); the simulator writes a placeholder naming the workload
			kind, _, _ := unstructured.NestedString(obj, "spec", "workloadRef", "kind")
			name, _, _ := unstructured.NestedString(obj, "spec", "workloadRef", "name")
			v = fmt.Sprintf("(metadata.generation of %s %s)", kind, name)
		}
		ann[k] = v
	}
	labels := map[string]any{}
	for k, v := range u.GetLabels() {
		labels[k] = v
	}
	out["metadata"] = map[string]any{"annotations": ann, "labels": labels}
	copyPath := func(path ...string) {
		if v, ok, _ := unstructured.NestedFieldNoCopy(obj, path...); ok {
			_ = unstructured.SetNestedField(out, deepCopy(v), path...)
		}
	}
	switch u.GetKind() {
	case "Service":
		copyPath("spec", "selector")
	case "Ingress", "VirtualService", "DestinationRule":
		copyPath("spec")
	case "Rollout":
		copyPath("spec", "replicas")
		copyPath("status", "stableRS")
		copyPath("status", "currentPodHash")
	case "Deployment":
		copyPath("spec", "replicas")
	}
	return prune(out).(map[string]any)
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// prune drops empty maps and lists (the API server drops e.g. `externalIPs: []`).
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			p := prune(val)
			if m, ok := p.(map[string]any); ok && len(m) == 0 {
				continue
			}
			if s, ok := p.([]any); ok && len(s) == 0 {
				continue
			}
			out[k] = p
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, val := range x {
			out = append(out, prune(val))
		}
		return out
	}
	return v
}

// compareWithSimulator compares the live objects with the simulator's prediction for the same
// moment, after mapping real pod-template hashes to the simulator's.
func compareWithSimulator(predictedLive []map[string]any, lives []*unstructured.Unstructured, hashes map[string]string) []string {
	var out []string
	for _, p := range predictedLive {
		pu := &unstructured.Unstructured{Object: p}
		var live *unstructured.Unstructured
		for _, l := range lives {
			if l != nil && l.GetKind() == pu.GetKind() && l.GetName() == pu.GetName() {
				live = l
			}
		}
		name := pu.GetKind() + " " + pu.GetName()
		if live == nil {
			out = append(out, name+": predicted but not live")
			continue
		}
		buf, _ := json.Marshal(project(live.Object))
		text := string(buf)
		for real, fake := range hashes {
			text = strings.ReplaceAll(text, real, fake)
		}
		var got any
		_ = json.Unmarshal([]byte(text), &got)
		want := deepCopy(project(deepCopy(p).(map[string]any)))
		for _, d := range jsonDiff("", want, got) {
			out = append(out, name+" "+d)
		}
	}
	return out
}

// syncUnderFire re-syncs at the moment of most controller-owned state: first as the Application's
// sync options say, then every object (still with RespectIgnoreDifferences), and checks the
// objects exactly as the sync's own writes left them (the API server's answers to the writes, so
// the controller cannot have repaired them in between), then Argo CD's diff. A control sync
// without RespectIgnoreDifferences shows what the rule protects (not a failure).
func (d *driver) syncUnderFire(ctx context.Context, sc scenario, app *application, cfg argodiff.DiffConfig, ns string, release int, moment string, exp expectation) *fireReport {
	fr := &fireReport{Moment: fmt.Sprintf("release %d %s", release, moment), RoutingSurvive: true}
	objects := objectsFor(sc, release)
	for _, all := range []bool{false, true} {
		d.written = map[string]*unstructured.Unstructured{}
		res, err := d.sync(ctx, app, objects, all)
		if err != nil {
			fr.Errors = append(fr.Errors, err.Error())
			fr.RoutingSurvive = false
			continue
		}
		if all {
			fr.AppliedByFull = res.Applied
		} else {
			fr.AppliedBySync = res.Applied
		}
		written := d.written
		api := d.apiGetter(ctx, sc, ns)
		get := func(kind, name string) (*unstructured.Unstructured, error) {
			if w, ok := written[kind+"/"+name]; ok {
				return w, nil
			}
			return api(kind, name)
		}
		for _, e := range checkRouting(sc, get, exp) {
			fr.Errors = append(fr.Errors, fmt.Sprintf("after the sync (all objects: %v): %s", all, e))
			fr.RoutingSurvive = false
		}
	}
	d.written = nil
	targets, err := app.targets(objects)
	if err == nil {
		lives, err2 := d.lives(ctx, targets)
		if err2 == nil {
			diffs, _, err3 := compare(cfg, lives, targets)
			err = err3
			for _, od := range diffs {
				fr.Errors = append(fr.Errors, fmt.Sprintf("OutOfSync after the sync: %s: %s", od.Object, strings.Join(od.Fields, "; ")))
			}
		} else {
			err = err2
		}
	}
	if err != nil {
		fr.Errors = append(fr.Errors, err.Error())
	}
	// control: the same full sync of the routing objects without RespectIgnoreDifferences (the
	// Rollout is left out: see respectIgnoreProbe)
	plain := *app
	plain.respectIgnore = false
	var routingObjects []map[string]any
	for _, o := range objects {
		if o["kind"] != "Rollout" {
			routingObjects = append(routingObjects, o)
		}
	}
	// server-side dry run: the API server computes what the writes would leave, nothing persists
	// (the controller does not always repair e.g. a ping Service's selector in mid-step)
	d.written = map[string]*unstructured.Unstructured{}
	d.dryRun = true
	_, err = d.sync(ctx, &plain, routingObjects, true)
	d.dryRun = false
	if err == nil {
		written := d.written
		api := d.apiGetter(ctx, sc, ns)
		clobbered := checkRouting(sc, func(kind, name string) (*unstructured.Unstructured, error) {
			if w, ok := written[kind+"/"+name]; ok {
				return w, nil
			}
			return api(kind, name)
		}, exp)
		fr.ControlWithoutRespect = clobbered
		if len(clobbered) == 0 {
			fr.ControlWithoutRespect = []string{"(nothing clobbered)"}
		}
	}
	d.written = nil
	// let the controller repair what the control sync clobbered before the release goes on
	_ = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, settleTimeout, true, func(context.Context) (bool, error) {
		return len(d.check(ctx, sc, ns, exp)) == 0, nil
	})
	fmt.Printf("  sync under fire at %s: application sync applied %d, full sync applied %d, routing survived %v; control without RespectIgnoreDifferences: %s\n",
		fr.Moment, len(fr.AppliedBySync), len(fr.AppliedByFull), fr.RoutingSurvive, strings.Join(fr.ControlWithoutRespect, "; "))
	for _, e := range fr.Errors {
		fmt.Printf("    %s: sync under fire: %s\n", sc.Name, e)
	}
	return fr
}

// respectIgnoreProbe checks whether a sync with RespectIgnoreDifferences=true rolls out a new
// image when the live Rollout's pod template is exactly as in Git (as after a create or a sync
// without the option; the controller itself rewrites it in the canonical form Argo CD's
// known-types normaliser produces, e.g. 2048Mi -> 2Gi, 1000m -> 1). It runs after the last
// observation (it leaves the Rollout changed) and returns a finding when the new image is dropped
// (argoproj/argo-cd#23283, #26588): the library writes canonical quantities so that it never is,
// and scripts/conformance.ts fails on a finding.
func (d *driver) respectIgnoreProbe(ctx context.Context, sc scenario, app *application) (string, error) {
	release := len(sc.Images) + 1
	// the object that carries the pod template: the Rollout, or its workloadRef Deployment
	kind, name := templateKind(sc), templateName(sc)
	template := func(r int) []map[string]any {
		for _, o := range objectsFor(sc, r) {
			u := &unstructured.Unstructured{Object: o}
			if u.GetKind() == kind && u.GetName() == name {
				return []map[string]any{o}
			}
		}
		return nil
	}
	plain := *app
	plain.respectIgnore = false
	if kind == "Rollout" {
		// a workloadRef Deployment keeps its ignored replicas (a sync without the option would
		// scale it up again)
		if _, err := d.sync(ctx, &plain, template(release-1), true); err != nil {
			return "", err
		}
	}
	if _, err := d.sync(ctx, app, template(release), false); err != nil {
		return "", err
	}
	live, err := d.apiGetter(ctx, sc, app.app.Spec.Destination.Namespace)(kind, name)
	if err != nil {
		return "", err
	}
	containers, _, _ := unstructured.NestedSlice(live.Object, "spec", "template", "spec", "containers")
	image := ""
	if len(containers) > 0 {
		image, _ = containers[0].(map[string]any)["image"].(string)
	}
	if image == imageOf(sc, release) {
		return "", nil
	}
	finding := fmt.Sprintf("with RespectIgnoreDifferences=true, Argo CD's sync of release %d left the %s's image at %s instead of %s: "+
		"the live pod template is as in Git (2048Mi, 1000m), Argo CD's known-types normaliser canonicalises it (2Gi, 1), and the JSON merge patch "+
		"that copies ignored fields from live into the target replaces the whole containers list with the live one (controller/sync.go "+
		"normalizeTargetResources; argoproj/argo-cd#23283, #26588)", release, kind, image, imageOf(sc, release))
	return finding, nil
}
