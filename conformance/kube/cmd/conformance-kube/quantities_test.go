package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func rolloutWith(resources map[string]any) corpusCase {
	return corpusCase{ID: "case", Objects: []map[string]any{{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": map[string]any{"name": "checkout", "namespace": "shop"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "main", "resources": resources}},
			"volumes":    []any{map[string]any{"name": "scratch", "emptyDir": map[string]any{"sizeLimit": "1024Mi"}}},
		}}},
	}}}
}

func TestRolloutQuantitiesFlagsWhatTheAPIMachineryRewrites(t *testing.T) {
	var r quantityReport
	rolloutQuantities(rolloutWith(map[string]any{"limits": map[string]any{"cpu": "1000m", "memory": "2Gi"}, "requests": map[string]any{"cpu": "1500m"}}), &r)
	if r.InRollouts != 4 {
		t.Fatalf("checked %d quantities, want 4", r.InRollouts)
	}
	var messages []string
	for _, f := range r.Findings {
		messages = append(messages, f.Message)
	}
	got := strings.Join(messages, "\n")
	if len(r.Findings) != 2 || !strings.Contains(got, `limits.cpu: quantity "1000m" is not canonical: the API machinery writes it "1"`) ||
		!strings.Contains(got, `emptyDir.sizeLimit: quantity "1024Mi" is not canonical: the API machinery writes it "1Gi"`) {
		t.Fatalf("findings:\n%s", got)
	}
}

func TestCheckPairsFlagsAWrongFormOrValue(t *testing.T) {
	pairs := []quantityPair{
		{Given: "1.5Gi", Canonical: "1536Mi"}, // right
		{Given: "1.5Gi", Canonical: "1.5Gi"},  // not canonical
		{Given: "1Gi", Canonical: "1536Mi"},   // another value
		{Given: "8Ei", Canonical: ""},         // left as written beyond an int64: fine
		{Given: "512Mi", Canonical: ""},       // left as written: wrong
		{Given: "abc", Canonical: "1"},        // rewrote what is not a quantity
	}
	data, _ := json.Marshal(pairs)
	file := filepath.Join(t.TempDir(), "pairs.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var r quantityReport
	if err := checkPairs(file, &r); err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, f := range r.Findings {
		flagged[f.Name+" "+f.Message] = true
	}
	if r.Pairs != 6 || len(r.Findings) != 4 {
		t.Fatalf("pairs %d, findings %v", r.Pairs, flagged)
	}
}
