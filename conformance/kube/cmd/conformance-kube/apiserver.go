package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cdk8s-rollouts/cdk8s-rollouts/conformance/kube/controlplane"
	corev1 "k8s.io/api/core/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

type apiClient struct {
	kube    kubernetes.Interface
	ext     apiextensions.Interface
	dyn     dynamic.Interface
	mapper  *restmapper.DeferredDiscoveryRESTMapper
	fieldMg string
}

func newAPI(cfg *rest.Config) (*apiClient, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ext, err := apiextensions.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &apiClient{kube: kube, ext: ext, dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc)), fieldMg: "argocd-controller"}, nil
}

// installCRDs installs the CRDs under dir (controlplane.InstallCRDs) and refreshes the mapper.
func (a *apiClient) installCRDs(ctx context.Context, dir string) error {
	names, err := controlplane.InstallCRDs(ctx, a.ext, dir)
	if err != nil {
		return err
	}
	a.mapper.Reset()
	fmt.Printf("installed %d CRDs: %s\n", len(names), strings.Join(names, ", "))
	return nil
}

// createNamespaces creates (for real) every namespace the corpus's objects live in: admission
// refuses even a dry-run create into a namespace that does not exist.
func (a *apiClient) createNamespaces(ctx context.Context, c corpus) error {
	seen := map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}
	var all []string
	for _, tc := range c.Cases {
		for _, obj := range tc.Objects {
			u := unstructured.Unstructured{Object: obj}
			for _, ns := range []string{u.GetNamespace(), namespaceObjectName(u)} {
				if ns != "" && !seen[ns] {
					seen[ns] = true
					all = append(all, ns)
				}
			}
		}
	}
	sort.Strings(all)
	for _, ns := range all {
		_, err := a.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %q: %w", ns, err)
		}
	}
	return nil
}

func namespaceObjectName(u unstructured.Unstructured) string {
	if u.GetAPIVersion() == "v1" && u.GetKind() == "Namespace" {
		return u.GetName()
	}
	return ""
}

// dryRunApply sends the object as Argo CD's server-side apply would, with dryRun=All and strict
// field validation, and returns the API server's refusal ("" when accepted).
func (a *apiClient) dryRunApply(ctx context.Context, obj map[string]any) string {
	u := unstructured.Unstructured{Object: obj}
	gvk := u.GroupVersionKind()
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Sprintf("the API server serves no %s: %v", gvk, err)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return err.Error()
	}
	var ri dynamic.ResourceInterface = a.dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := u.GetNamespace()
		if ns == "" {
			ns = "default"
		}
		ri = a.dyn.Resource(mapping.Resource).Namespace(ns)
	}
	force := true
	_, err = ri.Patch(ctx, u.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{
		DryRun: []string{metav1.DryRunAll}, FieldManager: a.fieldMg, Force: &force, FieldValidation: "Strict",
	})
	if err != nil {
		return err.Error()
	}
	// A create as well: client-side apply (Argo CD's default) creates new objects with a POST,
	// which runs create-only validation (e.g. generateName rules) that apply skips for updates.
	_, err = ri.Create(ctx, &u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err.Error()
	}
	return ""
}
