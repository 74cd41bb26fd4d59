// conformance-istio runs Istio's own validation (the checks istiod's validating webhook applies,
// schema.ValidateConfig after a strict proto conversion, as `istioctl validate` does) on every
// Istio object of a corpus that cdk8s-rollouts synthesized, and writes a JSON report.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/schema/collections"
)

type corpus struct {
	Cases []struct {
		ID      string           `json:"id"`
		Objects []map[string]any `json:"objects"`
	} `json:"cases"`
}

type finding struct {
	Case    string `json:"case"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

type report struct {
	Istio    string    `json:"istio"`
	Objects  int       `json:"objects"`
	Errors   []finding `json:"errors"`
	Warnings []finding `json:"warnings"`
}

func main() {
	in := flag.String("corpus", "", "corpus JSON written by scripts/conformance.ts")
	out := flag.String("out", "", "report JSON to write")
	version := flag.String("istio-version", "", "the istio.io/istio version this binary was built from (for the report)")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: conformance-istio --corpus FILE --out FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(*in)
	must(err)
	var c corpus
	must(json.Unmarshal(data, &c))

	r := report{Istio: *version, Errors: []finding{}, Warnings: []finding{}}
	for _, tc := range c.Cases {
		for _, obj := range tc.Objects {
			u := &unstructured.Unstructured{Object: obj}
			gvk := u.GroupVersionKind()
			schema, ok := collections.Pilot.FindByGroupVersionAliasesKind(config.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind})
			if !ok {
				continue // not an Istio kind
			}
			r.Objects++
			f := finding{Case: tc.ID, Kind: gvk.Kind, Name: u.GetNamespace() + "/" + u.GetName()}
			cfg, err := toConfig(schema.NewInstance, schema.GroupVersionKind(), u)
			if err != nil {
				f.Message = "cannot parse: " + err.Error()
				r.Errors = append(r.Errors, f)
				continue
			}
			warning, err := schema.ValidateConfig(*cfg)
			if err != nil {
				f.Message = err.Error()
				r.Errors = append(r.Errors, f)
			}
			if warning != nil {
				w := f
				w.Message = warning.Error()
				r.Warnings = append(r.Warnings, w)
			}
		}
	}
	sort.SliceStable(r.Errors, func(i, j int) bool { return r.Errors[i].Case < r.Errors[j].Case })
	buf, err := json.MarshalIndent(r, "", "  ")
	must(err)
	must(os.WriteFile(*out, buf, 0o644))
	fmt.Printf("istio validation: %d objects, %d errors, %d warnings\n", r.Objects, len(r.Errors), len(r.Warnings))
}

// toConfig converts an object the way istiod's webhook does: the spec strictly into the proto
// message (unknown fields fail), the metadata as given.
func toConfig(newInstance func() (config.Spec, error), gvk config.GroupVersionKind, u *unstructured.Unstructured) (*config.Config, error) {
	spec, err := json.Marshal(u.Object["spec"])
	if err != nil {
		return nil, err
	}
	msg, err := newInstance()
	if err != nil {
		return nil, err
	}
	if err := config.ApplyJSONStrict(msg, string(spec)); err != nil {
		return nil, err
	}
	ns := u.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	return &config.Config{
		Meta: config.Meta{
			GroupVersionKind: gvk,
			Name:             u.GetName(),
			Namespace:        ns,
			Labels:           u.GetLabels(),
			Annotations:      u.GetAnnotations(),
		},
		Spec: msg,
	}, nil
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
