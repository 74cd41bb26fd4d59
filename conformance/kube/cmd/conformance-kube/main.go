// conformance-kube judges a corpus of objects synthesized by cdk8s-rollouts with real upstream
// code: a kube-apiserver (with etcd, both built from their Go modules) that has the vendored CRDs
// installed and receives every object as a server-side apply with dryRun=All and strict field
// validation; and Argo Rollouts' own validation (ValidateRollout and the referenced-resources
// check, fed with the Services, Ingresses, VirtualServices and AnalysisTemplates of the same case,
// found by name the way the controller finds them); and the API machinery's quantity parser and
// formatter on every quantity of a Rollout's pod template and on the library's canonicalQuantity
// (quantities.go). It writes a JSON report.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cdk8s-rollouts/cdk8s-rollouts/conformance/kube/controlplane"
)

type corpus struct {
	Cases []corpusCase `json:"cases"`
}

type corpusCase struct {
	ID string `json:"id"`
	// Complete cases hold every object their Rollouts reference (examples, generated apps); a
	// unit test's chart may leave some to other charts, so a missing reference is only counted.
	Complete bool             `json:"complete"`
	Objects  []map[string]any `json:"objects"`
}

type finding struct {
	Case    string `json:"case"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

type report struct {
	Kubernetes         string    `json:"kubernetes"`
	ArgoRollouts       string    `json:"argoRollouts"`
	Mode               string    `json:"mode"`
	Cases              int       `json:"cases"`
	DryRunObjects      int       `json:"dryRunObjects"`
	Rejected           []finding `json:"rejected"`
	Rollouts           int       `json:"rollouts"`
	RolloutsValidation []finding `json:"rolloutsValidationErrors"`
	// The objects sent to the API server, by apiVersion/kind (what really ran).
	DryRunByKind map[string]int `json:"dryRunByKind"`
	// References a Rollout of an incomplete case names but its case does not hold.
	UnresolvedReferences int `json:"unresolvedReferences"`
	// Quantities judged by the API machinery (see quantities.go).
	Quantities quantityReport `json:"quantities"`
	Seconds    float64        `json:"seconds"`
}

func main() {
	in := flag.String("corpus", "", "corpus JSON written by scripts/conformance.ts")
	out := flag.String("out", "", "report JSON to write")
	bin := flag.String("bin", "", "folder with the etcd and kube-apiserver binaries")
	crds := flag.String("crds", "", "folder of CRD manifests to install (searched recursively)")
	work := flag.String("work", "", "scratch folder for etcd data, certificates and logs")
	k8sVersion := flag.String("kubernetes-version", "", "k8s.io/kubernetes version the binaries were built from (for the report)")
	rolloutsVersion := flag.String("argo-rollouts-version", "", "Argo Rollouts version (for the report)")
	quantities := flag.String("quantities", "", "JSON file of {given, canonical} pairs from the library's canonicalQuantity (optional)")
	flag.Parse()
	if *in == "" || *out == "" || *bin == "" || *crds == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "usage: conformance-kube --corpus FILE --out FILE --bin DIR --crds DIR --work DIR")
		os.Exit(2)
	}
	start := time.Now()
	data, err := os.ReadFile(*in)
	must(err)
	var c corpus
	must(json.Unmarshal(data, &c))

	r := report{
		Kubernetes: *k8sVersion, ArgoRollouts: *rolloutsVersion, Mode: "kube-apiserver (server-side apply, dryRun=All, fieldValidation=Strict)",
		Cases: len(c.Cases), DryRunByKind: map[string]int{}, Rejected: []finding{}, RolloutsValidation: []finding{},
	}

	// Argo Rollouts' own validation needs no server.
	for _, tc := range c.Cases {
		n, unresolved, findings := validateRollouts(tc)
		r.Rollouts += n
		r.UnresolvedReferences += unresolved
		r.RolloutsValidation = append(r.RolloutsValidation, findings...)
		rolloutQuantities(tc, &r.Quantities)
	}
	if *quantities != "" {
		must(checkPairs(*quantities, &r.Quantities))
	}
	if r.Quantities.Findings == nil {
		r.Quantities.Findings = []finding{}
	}

	cp, err := controlplane.Start(controlplane.Options{BinDir: *bin, WorkDir: *work, Timeout: 3 * time.Minute})
	must(err)
	defer cp.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	api, err := newAPI(cp.Config())
	must(orStop(cp, err))
	must(orStop(cp, api.installCRDs(ctx, *crds)))
	must(orStop(cp, api.createNamespaces(ctx, c)))
	for _, tc := range c.Cases {
		for _, obj := range tc.Objects {
			r.DryRunObjects++
			apiVersion, _ := obj["apiVersion"].(string)
			kind, _ := obj["kind"].(string)
			r.DryRunByKind[apiVersion+"/"+kind]++
			if msg := api.dryRunApply(ctx, obj); msg != "" {
				r.Rejected = append(r.Rejected, describe(tc.ID, obj, msg))
			}
		}
	}
	r.Seconds = time.Since(start).Seconds()
	sort.SliceStable(r.Rejected, func(i, j int) bool { return r.Rejected[i].Case < r.Rejected[j].Case })
	buf, err := json.MarshalIndent(r, "", "  ")
	must(err)
	must(os.MkdirAll(filepath.Dir(*out), 0o755))
	must(os.WriteFile(*out, buf, 0o644))
	fmt.Printf("kube-apiserver dry run: %d objects in %d cases, %d rejected; Argo Rollouts validation: %d rollouts, %d errors; "+
		"quantities: %d in Rollout templates and %d canonicalQuantity pairs, %d not canonical (%.1fs)\n",
		r.DryRunObjects, r.Cases, len(r.Rejected), r.Rollouts, len(r.RolloutsValidation),
		r.Quantities.InRollouts, r.Quantities.Pairs, len(r.Quantities.Findings), r.Seconds)
}

func describe(caseID string, obj map[string]any, msg string) finding {
	md, _ := obj["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	if ns, _ := md["namespace"].(string); ns != "" {
		name = ns + "/" + name
	}
	kind, _ := obj["kind"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	return finding{Case: caseID, Kind: apiVersion + "/" + kind, Name: name, Message: strings.TrimSpace(msg)}
}

func orStop(cp *controlplane.ControlPlane, err error) error {
	if err != nil {
		return fmt.Errorf("%w\n%s", err, cp.LogTail(30))
	}
	return nil
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance-kube:", err)
		os.Exit(1)
	}
}
