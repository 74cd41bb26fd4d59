package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
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
	"sigs.k8s.io/yaml"
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

// installCRDs creates every CustomResourceDefinition found under dir and waits until each is
// Established, so the API server serves (and validates) its kinds.
func (a *apiClient) installCRDs(ctx context.Context, dir string) error {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.UnmarshalStrict([]byte(doc), &crd); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			if _, err := a.ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("install CRD %s from %s: %w", crd.Name, path, err)
			}
			names = append(names, crd.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			crd, err := a.ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not established: %w", name, err)
		}
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
