package main

import (
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Quantities are judged by the API machinery's own parser and formatter: a quantity Argo CD's
// known-types normaliser would rewrite in a Rollout's pod template (it round-trips the template
// as a PodSpec) makes a sync with RespectIgnoreDifferences=true copy the whole live containers
// list into the target, dropping a new image (argoproj/argo-cd#23283). So every quantity in a
// Rollout's template must already be in the form ParseQuantity(q).String() writes.

type quantityReport struct {
	// Quantities found in the corpus' Rollout pod templates, each checked.
	InRollouts int `json:"inRollouts"`
	// Pairs (given, canonical) computed by the library's canonicalQuantity, each checked.
	Pairs    int       `json:"pairs"`
	Findings []finding `json:"findings"`
}

type quantityPair struct {
	Given     string `json:"given"`
	Canonical string `json:"canonical"`
}

// notCanonical is why q is not a fixed point of ParseQuantity/String, or "".
func notCanonical(q string) string {
	parsed, err := resource.ParseQuantity(q)
	if err != nil {
		return "" // the API server's dry run reports what does not parse
	}
	if s := parsed.String(); s != q {
		return fmt.Sprintf("quantity %q is not canonical: the API machinery writes it %q", q, s)
	}
	return ""
}

// rolloutQuantities checks the quantities of every Rollout's pod template in a case.
func rolloutQuantities(tc corpusCase, r *quantityReport) {
	for _, obj := range tc.Objects {
		if obj["kind"] != "Rollout" {
			continue
		}
		spec, _ := nested(obj, "spec", "template", "spec").(map[string]any)
		if spec == nil {
			continue
		}
		check := func(where string, values any) {
			m, _ := values.(map[string]any)
			for k, v := range m {
				q, ok := v.(string)
				if !ok {
					continue
				}
				r.InRollouts++
				if why := notCanonical(q); why != "" {
					r.Findings = append(r.Findings, describe(tc.ID, obj, fmt.Sprintf("%s.%s: %s", where, k, why)))
				}
			}
		}
		for _, list := range []string{"containers", "initContainers"} {
			items, _ := spec[list].([]any)
			for i, item := range items {
				c, _ := item.(map[string]any)
				check(fmt.Sprintf("spec.template.spec.%s[%d].resources.limits", list, i), nested(c, "resources", "limits"))
				check(fmt.Sprintf("spec.template.spec.%s[%d].resources.requests", list, i), nested(c, "resources", "requests"))
			}
		}
		volumes, _ := spec["volumes"].([]any)
		for i, item := range volumes {
			v, _ := item.(map[string]any)
			check(fmt.Sprintf("spec.template.spec.volumes[%d].emptyDir", i), map[string]any{"sizeLimit": nested(v, "emptyDir", "sizeLimit")})
		}
		check("spec.template.spec.overhead", spec["overhead"])
	}
}

// checkPairs judges the library's canonicalQuantity: for every pair the canonical form must be a
// fixed point of ParseQuantity/String and equal in value to the given quantity.
func checkPairs(file string, r *quantityReport) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var pairs []quantityPair
	if err := json.Unmarshal(data, &pairs); err != nil {
		return err
	}
	for _, p := range pairs {
		r.Pairs++
		fail := func(msg string) {
			r.Findings = append(r.Findings, finding{Case: "canonicalQuantity", Kind: "quantity", Name: p.Given, Message: msg})
		}
		given, err := resource.ParseQuantity(p.Given)
		if err != nil {
			if p.Canonical != "" {
				fail(fmt.Sprintf("the API machinery refuses %q (%v), the library rewrote it to %q", p.Given, err, p.Canonical))
			}
			continue
		}
		if p.Canonical == "" {
			// left as written: only beyond an int64, where the API machinery clamps
			if given.CmpInt64(1<<62) < 0 && given.CmpInt64(-(1<<62)) > 0 {
				fail(fmt.Sprintf("the library left %q as written; the API machinery writes it %q", p.Given, given.String()))
			}
			continue
		}
		if why := notCanonical(p.Canonical); why != "" {
			fail(why)
			continue
		}
		if canonical := resource.MustParse(p.Canonical); given.Cmp(canonical) != 0 {
			fail(fmt.Sprintf("%q is not the value of %q (the API machinery reads it as %q)", p.Canonical, p.Given, given.String()))
		}
	}
	return nil
}

func nested(obj any, path ...string) any {
	for _, key := range path {
		m, ok := obj.(map[string]any)
		if !ok {
			return nil
		}
		obj = m[key]
	}
	return obj
}
