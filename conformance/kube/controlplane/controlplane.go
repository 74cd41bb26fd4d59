// Package controlplane starts a Kubernetes control plane on loopback from binaries built from
// k8s.io/kubernetes and go.etcd.io/etcd (no Docker, no kubelet): etcd and kube-apiserver.
// Stop always tears everything down, also after a failed start.
package controlplane

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
)

// Options say where the binaries are and where the control plane may write.
type Options struct {
	// BinDir holds `etcd` and `kube-apiserver`.
	BinDir string
	// WorkDir is created and holds data, certificates and logs.
	WorkDir string
	// Timeout bounds every wait for readiness.
	Timeout time.Duration
	// DisableAdmissionPlugins are turned off in kube-apiserver (e.g. ServiceAccount, so pods
	// are admitted without the service-account controllers running).
	DisableAdmissionPlugins []string
}

// ControlPlane is a running etcd and kube-apiserver.
type ControlPlane struct {
	opts      Options
	procs     []*exec.Cmd
	token     string
	serverURL string
	logs      []string
}

// Start starts etcd, then kube-apiserver, and waits until the API server is ready.
func Start(opts Options) (cp *ControlPlane, err error) {
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Minute
	}
	cp = &ControlPlane{opts: opts}
	defer func() {
		if err != nil {
			cp.Stop()
			err = fmt.Errorf("%w\n%s", err, cp.LogTail(40))
		}
	}()
	if err = os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return cp, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return cp, err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	if err = cp.spawn("etcd", filepath.Join(opts.BinDir, "etcd"),
		"--name=conformance",
		"--data-dir="+filepath.Join(opts.WorkDir, "etcd"),
		"--listen-client-urls="+etcdClient, "--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer, "--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=conformance="+etcdPeer,
		"--unsafe-no-fsync", "--log-level=warn",
	); err != nil {
		return cp, err
	}
	if err = waitFor(opts.Timeout, "etcd health", func() bool { return httpOK(etcdClient+"/health", "") }); err != nil {
		return cp, err
	}

	certDir := filepath.Join(opts.WorkDir, "pki")
	if err = os.MkdirAll(certDir, 0o755); err != nil {
		return cp, err
	}
	saKey := filepath.Join(certDir, "sa.key")
	if err = writeRSAKey(saKey); err != nil {
		return cp, err
	}
	cp.token = randomHex(16)
	tokens := filepath.Join(certDir, "tokens.csv")
	if err = os.WriteFile(tokens, []byte(cp.token+",conformance,conformance,system:masters\n"), 0o600); err != nil {
		return cp, err
	}
	cp.serverURL = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	var extra []string
	if len(opts.DisableAdmissionPlugins) > 0 {
		extra = append(extra, "--disable-admission-plugins="+strings.Join(opts.DisableAdmissionPlugins, ","))
	}
	if err = cp.spawn("kube-apiserver", filepath.Join(opts.BinDir, "kube-apiserver"), append([]string{
		"--etcd-servers=" + etcdClient,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(ports[2]),
		"--cert-dir=" + certDir,
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saKey,
		"--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=1",
	}, extra...)...,
	); err != nil {
		return cp, err
	}
	err = waitFor(opts.Timeout, "kube-apiserver /readyz", func() bool { return httpOK(cp.serverURL+"/readyz", cp.token) })
	return cp, err
}

// Config is a client configuration for the API server (a system:masters token).
func (cp *ControlPlane) Config() *rest.Config {
	return &rest.Config{
		Host:            cp.serverURL,
		BearerToken:     cp.token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             200,
		Burst:           400,
	}
}

// WriteKubeconfig writes a kubeconfig for other processes (controllers, kwok).
func (cp *ControlPlane) WriteKubeconfig(path string) error {
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: conformance
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: conformance
  user: {token: %q}
contexts:
- name: conformance
  context: {cluster: conformance, user: conformance}
current-context: conformance
`, cp.serverURL, cp.token)
	return os.WriteFile(path, []byte(kc), 0o600)
}

// Spawn starts another process of the control plane (a controller), stopped with the rest.
func (cp *ControlPlane) Spawn(name, binary string, args ...string) error {
	return cp.spawn(name, binary, args...)
}

func (cp *ControlPlane) spawn(name, binary string, args ...string) error {
	logPath := filepath.Join(cp.opts.WorkDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	cp.procs = append(cp.procs, cmd)
	cp.logs = append(cp.logs, logPath)
	return nil
}

// Stop kills every process, last started first, and waits for them.
func (cp *ControlPlane) Stop() {
	for i := len(cp.procs) - 1; i >= 0; i-- {
		p := cp.procs[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	cp.procs = nil
}

// LogTail returns the last lines of every process log, to explain a failure.
func (cp *ControlPlane) LogTail(lines int) string {
	var b strings.Builder
	for _, path := range cp.logs {
		data, _ := os.ReadFile(path)
		all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Fprintf(&b, "--- %s (last %d lines)\n%s\n", path, len(all), strings.Join(all, "\n"))
	}
	return b.String()
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func waitFor(timeout time.Duration, what string, ok func() bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		if ok() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// The API server serves a self-signed certificate on loopback.
var insecureClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec

func httpOK(url, token string) bool {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := insecureClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func writeRSAKey(path string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
