// conformance-releases drives releases of the examples through the real Argo Rollouts
// controller (v1.9.0, built from this module) on a local control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler from k8s.io/kubernetes; kwok fakes the kubelet), and at
// every step asks Argo CD's own diff (argo-cd v3.2.12 util/argo/diff) whether the Application is
// Synced. It also checks that the controller did what each step says, compares the live objects
// with what test/helpers/controller-simulator.ts predicted, re-syncs under fire at the moment of
// most controller-owned state, and aborts the last release. Writes a JSON report; exits 1 on any
// OutOfSync, failed check or simulator mismatch.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cdk8s-rollouts/cdk8s-rollouts/conformance/kube/controlplane"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type scenarioFile struct {
	Scenarios []scenario `json:"scenarios"`
}

type scenario struct {
	Name        string           `json:"name"`
	Example     string           `json:"example"`
	Application map[string]any   `json:"application"`
	Strategy    string           `json:"strategy"`
	Template    objectRef        `json:"template"`
	Objects     []map[string]any `json:"objects"`
	Images      []string         `json:"images"`
	ProbeImage  string           `json:"probeImage"`
	AbortAfter  int              `json:"abortAfter"`
	Predicted   []predicted      `json:"predicted"`
}

// objectRef names the object whose pod template carries a release's image.
type objectRef struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type predicted struct {
	Name    string           `json:"name"`
	Kind    string           `json:"kind"`
	Release int              `json:"release"`
	Step    *int             `json:"step"`
	Live    []map[string]any `json:"live"`
}

// observation is one moment at which the driver read every live object.
type observation struct {
	Release     int          `json:"release"`
	Moment      string       `json:"moment"`
	OutOfSync   []objectDiff `json:"outOfSync,omitempty"`
	CheckErrors []string     `json:"checkErrors,omitempty"`
	// Mismatches between the live objects and the simulator's prediction for the same moment.
	Mismatches []string `json:"simulatorMismatches,omitempty"`
	// The simulator phase compared with ("" when it predicts none for this moment).
	Phase string `json:"simulatorPhase,omitempty"`
}

type scenarioReport struct {
	Name                string      `json:"name"`
	Application         string      `json:"application"`
	Releases            int         `json:"releases"`
	Steps               int         `json:"steps"`
	Observations        int         `json:"observations"`
	OutOfSync           int         `json:"outOfSync"`
	CheckErrors         int         `json:"checkErrors"`
	SimulatorMismatches int         `json:"simulatorMismatches"`
	SimulatorCompared   int         `json:"simulatorPhasesCompared"`
	SyncUnderFire       *fireReport `json:"syncUnderFire,omitempty"`
	Aborted             bool        `json:"aborted"`
	// workloadRef migration: the Deployment's spec.replicas as the controller scaled it down
	DeploymentReplicas []int32 `json:"deploymentReplicas,omitempty"`
	// Problems found that are not OutOfSync at a step (scripts/conformance.ts fails on them).
	Findings []string `json:"findings,omitempty"`
	// Promotions repeated because the controller did not take the first one up.
	// Metadata-only writes that made the controller take up a lost promotion or abort.
	Nudges   int           `json:"nudges"`
	Error    string        `json:"error,omitempty"`
	Seconds  float64       `json:"seconds"`
	Failures []observation `json:"failures,omitempty"`
}

type fireReport struct {
	Moment         string   `json:"moment"`
	AppliedBySync  []string `json:"appliedByApplicationSync"`
	AppliedByFull  []string `json:"appliedByFullSync"`
	RoutingSurvive bool     `json:"routingSurvived"`
	Errors         []string `json:"errors,omitempty"`
	// What a full sync without RespectIgnoreDifferences left of the routing (informative).
	ControlWithoutRespect []string `json:"controlWithoutRespectIgnoreDifferences,omitempty"`
}

type report struct {
	Kubernetes   string           `json:"kubernetes"`
	ArgoRollouts string           `json:"argoRollouts"`
	ArgoCD       string           `json:"argoCd"`
	Kwok         string           `json:"kwok"`
	DropIgnore   string           `json:"dropIgnore,omitempty"`
	Apps         int              `json:"apps"`
	Steps        int              `json:"steps"`
	OutOfSync    int              `json:"outOfSync"`
	CheckErrors  int              `json:"checkErrors"`
	Mismatches   int              `json:"simulatorMismatches"`
	Scenarios    []scenarioReport `json:"scenarios"`
	StartSeconds float64          `json:"controlPlaneStartSeconds"`
	Seconds      float64          `json:"seconds"`
}

func main() {
	in := flag.String("scenarios", "", "scenarios JSON written by scripts/release-scenarios.ts")
	out := flag.String("out", "", "report JSON to write")
	bin := flag.String("bin", "", "folder with etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kwok-stages, rollouts-controller")
	crds := flag.String("crds", "", "folder of CRD manifests to install")
	work := flag.String("work", "", "scratch folder")
	dropIgnore := flag.String("drop-ignore", os.Getenv("CONFORMANCE_DROP_IGNORE"), "SCENARIO:INDEX: drop that ignoreDifferences entry of the scenario's Application before diffing (to show the suite fails)")
	versions := flag.String("versions", "", "kubernetes=…,argoRollouts=…,argoCd=…,kwok=… (for the report)")
	flag.Parse()
	if *in == "" || *out == "" || *bin == "" || *crds == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "usage: conformance-releases --scenarios FILE --out FILE --bin DIR --crds DIR --work DIR")
		os.Exit(2)
	}
	start := time.Now()
	data, err := os.ReadFile(*in)
	must(err)
	var sf scenarioFile
	must(json.Unmarshal(data, &sf))
	r := report{DropIgnore: *dropIgnore, Scenarios: []scenarioReport{}}
	for _, kv := range strings.Split(*versions, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "kubernetes":
			r.Kubernetes = v
		case "argoRollouts":
			r.ArgoRollouts = v
		case "argoCd":
			r.ArgoCD = v
		case "kwok":
			r.Kwok = v
		}
	}

	must(os.RemoveAll(*work))
	cp, err := controlplane.Start(controlplane.Options{
		BinDir: *bin, WorkDir: *work, Timeout: 3 * time.Minute,
		// pods are admitted without the service-account controllers
		DisableAdmissionPlugins: []string{"ServiceAccount"},
	})
	must(err)
	failed := false
	func() {
		defer cp.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
		defer cancel()
		d, err := startCluster(ctx, cp, *bin, *crds, *work)
		if err != nil {
			fmt.Fprintf(os.Stderr, "conformance-releases: %v\n%s", err, cp.LogTail(40))
			failed = true
			return
		}
		r.StartSeconds = time.Since(start).Seconds()
		fmt.Printf("control plane with controllers, kwok and the Argo Rollouts controller up in %.0fs\n", r.StartSeconds)
		for _, sc := range sf.Scenarios {
			sr := d.run(ctx, sc, *dropIgnore)
			r.Scenarios = append(r.Scenarios, sr)
			r.Apps++
			r.Steps += sr.Steps
			r.OutOfSync += sr.OutOfSync
			r.CheckErrors += sr.CheckErrors
			r.Mismatches += sr.SimulatorMismatches
			if sr.Error != "" || sr.OutOfSync > 0 || sr.CheckErrors > 0 || sr.SimulatorMismatches > 0 {
				failed = true
			}
			if sr.Error != "" {
				fmt.Fprintf(os.Stderr, "--- logs at the failure of %s\n%s", sc.Name, cp.LogTail(25))
			}
		}
	}()
	r.Seconds = time.Since(start).Seconds()
	buf, err := json.MarshalIndent(r, "", "  ")
	must(err)
	must(os.MkdirAll(filepath.Dir(*out), 0o755))
	must(os.WriteFile(*out, buf, 0o644))
	fmt.Printf("releases: %d apps, %d steps, %d OutOfSync, %d failed checks, %d simulator mismatches (%.0fs)\n",
		r.Apps, r.Steps, r.OutOfSync, r.CheckErrors, r.Mismatches, r.Seconds)
	if failed {
		os.Exit(1)
	}
}

// startCluster installs the CRDs, starts the workload controllers, kwok with a fake node and the
// Argo Rollouts controller.
func startCluster(ctx context.Context, cp *controlplane.ControlPlane, bin, crds, work string) (*driver, error) {
	d, err := newDriver(cp.Config())
	if err != nil {
		return nil, err
	}
	if err := d.installCRDs(ctx, crds); err != nil {
		return nil, err
	}
	// ReplicaSets and Deployments (workloadRef) need their controllers; Jobs for job metrics;
	// the garbage collector removes the pods of deleted ReplicaSets.
	if err := cp.StartWorkloadControllers([]string{"replicaset", "deployment", "job", "garbagecollector"}); err != nil {
		return nil, err
	}
	stages, err := exec.Command(filepath.Join(bin, "kwok-stages")).Output()
	if err != nil {
		return nil, fmt.Errorf("kwok-stages: %w", err)
	}
	stagesFile := filepath.Join(work, "kwok-stages.yaml")
	if err := os.WriteFile(stagesFile, stages, 0o644); err != nil {
		return nil, err
	}
	if err := cp.StartKwok(ctx, stagesFile, "kwok-node-0"); err != nil {
		return nil, err
	}
	for _, ns := range []string{"argo-rollouts"} {
		if _, err := d.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, err
		}
	}
	kubeconfig, err := cp.Kubeconfig()
	if err != nil {
		return nil, err
	}
	ports, err := controlplane.FreePorts(2)
	if err != nil {
		return nil, err
	}
	if err := cp.Spawn("rollouts-controller", filepath.Join(bin, "rollouts-controller"),
		"--kubeconfig="+kubeconfig,
		"--metricsPort="+strconv.Itoa(ports[0]), "--healthzPort="+strconv.Itoa(ports[1]),
		"--leader-elect=false",
		// the examples emit networking.istio.io/v1 and ingressClassName alb
		"--istio-api-version=v1",
		"--alb-ingress-classes=alb",
		// target-group verification asks AWS for the ALB's target groups: off, there is no AWS here
		"--aws-verify-target-group=false",
		"--loglevel=info",
	); err != nil {
		return nil, err
	}
	healthz := fmt.Sprintf("http://127.0.0.1:%d/healthz", ports[1])
	if err := controlplane.WaitFor(2*time.Minute, "rollouts-controller /healthz", func() bool { return httpGetOK(healthz) }); err != nil {
		return nil, err
	}
	return d, nil
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance-releases:", err)
		os.Exit(1)
	}
}
