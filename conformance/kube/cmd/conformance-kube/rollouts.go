package main

import (
	"bytes"
	"encoding/json"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/validation"
	analysisutil "github.com/argoproj/argo-rollouts/utils/analysis"
	ingressutil "github.com/argoproj/argo-rollouts/utils/ingress"
	istioutil "github.com/argoproj/argo-rollouts/utils/istio"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// caseObjects indexes one case's objects by kind, namespace and name, as the controller's
// listers would find them in the cluster.
type caseObjects struct {
	rollouts         []*v1alpha1.Rollout
	services         map[string]*corev1.Service
	ingresses        map[string]*networkingv1.Ingress
	virtualServices  map[string]unstructured.Unstructured
	templates        map[string]*v1alpha1.AnalysisTemplate
	clusterTemplates map[string]*v1alpha1.ClusterAnalysisTemplate
	// pod-template labels of the workloads a workloadRef may name, by kind/namespace/name
	workloadLabels map[string]map[string]string
	decodeErrors   []finding
	complete       bool
}

func key(ns, name string) string { return ns + "/" + name }

func strictDecode(obj map[string]any, into any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(into)
}

func index(tc corpusCase) caseObjects {
	co := caseObjects{
		services: map[string]*corev1.Service{}, ingresses: map[string]*networkingv1.Ingress{},
		virtualServices: map[string]unstructured.Unstructured{}, templates: map[string]*v1alpha1.AnalysisTemplate{},
		clusterTemplates: map[string]*v1alpha1.ClusterAnalysisTemplate{}, workloadLabels: map[string]map[string]string{},
	}
	for _, obj := range tc.Objects {
		u := unstructured.Unstructured{Object: obj}
		ns := u.GetNamespace()
		if ns == "" {
			ns = "default"
		}
		var err error
		switch gvk := u.GroupVersionKind(); {
		case gvk.Group == "argoproj.io" && gvk.Kind == "Rollout":
			var ro v1alpha1.Rollout
			if err = strictDecode(obj, &ro); err == nil {
				ro.Namespace = ns
				co.rollouts = append(co.rollouts, &ro)
			}
		case gvk.Group == "" && gvk.Kind == "Service":
			var svc corev1.Service
			if err = strictDecode(obj, &svc); err == nil {
				co.services[key(ns, svc.Name)] = &svc
			}
		case gvk.Group == "networking.k8s.io" && gvk.Kind == "Ingress":
			var ing networkingv1.Ingress
			if err = strictDecode(obj, &ing); err == nil {
				co.ingresses[key(ns, ing.Name)] = &ing
			}
		case gvk.Group == "networking.istio.io" && gvk.Kind == "VirtualService":
			co.virtualServices[key(ns, u.GetName())] = u
		case gvk.Group == "argoproj.io" && gvk.Kind == "AnalysisTemplate":
			var at v1alpha1.AnalysisTemplate
			if err = strictDecode(obj, &at); err == nil {
				co.templates[key(ns, at.Name)] = &at
			}
		case (gvk.Group == "apps" && (gvk.Kind == "Deployment" || gvk.Kind == "ReplicaSet")) || (gvk.Group == "" && gvk.Kind == "PodTemplate"):
			path := []string{"spec", "template", "metadata", "labels"}
			if gvk.Kind == "PodTemplate" {
				path = []string{"template", "metadata", "labels"}
			}
			labels, _, _ := unstructured.NestedStringMap(obj, path...)
			co.workloadLabels[gvk.Kind+"/"+key(ns, u.GetName())] = labels
		case gvk.Group == "argoproj.io" && gvk.Kind == "ClusterAnalysisTemplate":
			var cat v1alpha1.ClusterAnalysisTemplate
			if err = strictDecode(obj, &cat); err == nil {
				co.clusterTemplates[cat.Name] = &cat
			}
		}
		if err != nil {
			co.decodeErrors = append(co.decodeErrors, describe(tc.ID, obj, "Argo Rollouts types refuse it: "+err.Error()))
		}
	}
	return co
}

// validateRollouts runs ValidateRollout and ValidateRolloutReferencedResources on every Rollout
// of a case, with the referenced objects gathered as rollout/controller.go does.
func validateRollouts(tc corpusCase) (rollouts, unresolved int, findings []finding) {
	co := index(tc)
	co.complete = tc.Complete
	findings = append(findings, co.decodeErrors...)
	for _, ro := range co.rollouts {
		var errs field.ErrorList
		errs = append(errs, validation.ValidateRollout(ro)...)
		// rollout/templateref.go resolves a workloadRef before the referenced resources are
		// validated: the Service selectors are checked against the workload's pod labels
		if ref := ro.Spec.WorkloadRef; ref != nil && !ro.Spec.TemplateResolvedFromRef {
			if labels, ok := co.workloadLabels[ref.Kind+"/"+key(ro.Namespace, ref.Name)]; ok {
				ro.Spec.Template.Labels = labels
				ro.Spec.TemplateResolvedFromRef = true
			} else if co.complete {
				errs = append(errs, field.NotFound(field.NewPath("spec", "workloadRef"), ref.Kind+" "+ref.Name))
			}
		}
		if ro.Spec.WorkloadRef != nil && !ro.Spec.TemplateResolvedFromRef {
			// the workload lives outside the case: the controller would check the references
			// against its labels, which the case does not have
			unresolved++
		} else {
			refs, refErrs := co.references(ro)
			for _, e := range refErrs {
				if e.Type == field.ErrorTypeNotFound && !co.complete {
					unresolved++
				} else {
					errs = append(errs, e)
				}
			}
			errs = append(errs, validation.ValidateRolloutReferencedResources(ro, refs)...)
		}
		for _, e := range errs {
			findings = append(findings, finding{Case: tc.ID, Kind: "argoproj.io/v1alpha1/Rollout", Name: key(ro.Namespace, ro.Name), Message: e.Error()})
		}
	}
	return len(co.rollouts), unresolved, findings
}

func (co caseObjects) references(ro *v1alpha1.Rollout) (validation.ReferencedResources, field.ErrorList) {
	var refs validation.ReferencedResources
	var errs field.ErrorList
	service := func(name string, t validation.ServiceType) {
		if name == "" {
			return
		}
		if svc, ok := co.services[key(ro.Namespace, name)]; ok {
			refs.ServiceWithType = append(refs.ServiceWithType, validation.ServiceWithType{Service: svc, Type: t})
		} else {
			errs = append(errs, field.NotFound(validation.GetServiceWithTypeFieldPath(t), name))
		}
	}
	analysis := func(a *v1alpha1.RolloutAnalysis, t validation.AnalysisTemplateType, step int) {
		if a == nil {
			return
		}
		path := validation.GetAnalysisTemplateWithTypeFieldPath(t, step)
		templates, clusterTemplates, err := co.templatesFromRefs(ro.Namespace, a.Templates, path)
		if err != nil {
			errs = append(errs, err)
			return
		}
		refs.AnalysisTemplatesWithType = append(refs.AnalysisTemplatesWithType, validation.AnalysisTemplatesWithType{
			AnalysisTemplates: templates, ClusterAnalysisTemplates: clusterTemplates, TemplateType: t, CanaryStepIndex: step, Args: a.Args,
		})
	}
	if bg := ro.Spec.Strategy.BlueGreen; bg != nil {
		service(bg.ActiveService, validation.ActiveService)
		service(bg.PreviewService, validation.PreviewService)
		analysis(bg.PrePromotionAnalysis, validation.PrePromotionAnalysis, 0)
		analysis(bg.PostPromotionAnalysis, validation.PostPromotionAnalysis, 0)
	} else if c := ro.Spec.Strategy.Canary; c != nil {
		service(c.StableService, validation.StableService)
		service(c.CanaryService, validation.CanaryService)
		if c.PingPong != nil {
			service(c.PingPong.PingService, validation.PingService)
			service(c.PingPong.PongService, validation.PongService)
		}
		for i, step := range c.Steps {
			analysis(step.Analysis, validation.InlineAnalysis, i)
		}
		if c.Analysis != nil {
			analysis(&c.Analysis.RolloutAnalysis, validation.BackgroundAnalysis, 0)
		}
		if tr := c.TrafficRouting; tr != nil {
			if tr.ALB != nil {
				if err := validation.ValidateRolloutAlbIngressesConfig(ro); err != nil {
					errs = append(errs, field.Invalid(field.NewPath("spec", "strategy", "canary", "trafficRouting", "alb"), "", err.Error()))
				} else {
					names := tr.ALB.Ingresses
					if len(names) == 0 {
						names = []string{tr.ALB.Ingress}
					}
					for _, name := range names {
						if ing, ok := co.ingresses[key(ro.Namespace, name)]; ok {
							refs.Ingresses = append(refs.Ingresses, *ingressutil.NewIngress(ing))
						} else {
							errs = append(errs, field.NotFound(field.NewPath("spec", "strategy", "canary", "trafficRouting", "alb", "ingress"), name))
						}
					}
				}
			}
			if tr.Istio != nil {
				if err := validation.ValidateRolloutVirtualServicesConfig(ro); err != nil {
					errs = append(errs, field.Invalid(field.NewPath("spec", "strategy", "canary", "trafficRouting", "istio"), "", err.Error()))
				} else {
					vsvcs := tr.Istio.VirtualServices
					if !istioutil.MultipleVirtualServiceConfigured(ro) && tr.Istio.VirtualService != nil {
						vsvcs = []v1alpha1.IstioVirtualService{*tr.Istio.VirtualService}
					}
					for _, v := range vsvcs {
						ns, name := istioutil.GetVirtualServiceNamespaceName(v.Name)
						if ns == "" {
							ns = ro.Namespace
						}
						if vs, ok := co.virtualServices[key(ns, name)]; ok {
							refs.VirtualServices = append(refs.VirtualServices, vs)
						} else {
							errs = append(errs, field.NotFound(field.NewPath("spec", "strategy", "canary", "trafficRouting", "istio", "virtualService", "name"), v.Name))
						}
					}
				}
			}
		}
	}
	return refs, errs
}

// templatesFromRefs resolves template references (and templates nested in templates) as
// rollout/controller.go's getReferencedAnalysisTemplatesFromRef does.
func (co caseObjects) templatesFromRefs(ns string, refs []v1alpha1.AnalysisTemplateRef, path *field.Path) ([]*v1alpha1.AnalysisTemplate, []*v1alpha1.ClusterAnalysisTemplate, *field.Error) {
	var templates []*v1alpha1.AnalysisTemplate
	var clusterTemplates []*v1alpha1.ClusterAnalysisTemplate
	for _, ref := range refs {
		var nested []v1alpha1.AnalysisTemplateRef
		if ref.IsClusterScope() {
			t, ok := co.clusterTemplates[ref.TemplateName]
			if !ok {
				return nil, nil, field.NotFound(path, "ClusterAnalysisTemplate "+ref.TemplateName)
			}
			clusterTemplates = append(clusterTemplates, t)
			nested = t.Spec.Templates
		} else {
			t, ok := co.templates[key(ns, ref.TemplateName)]
			if !ok {
				return nil, nil, field.NotFound(path, "AnalysisTemplate "+ref.TemplateName)
			}
			templates = append(templates, t)
			nested = t.Spec.Templates
		}
		if len(nested) > 0 {
			inner, innerCluster, err := co.templatesFromRefs(ns, nested, field.NewPath("spec", "templates"))
			if err != nil {
				return nil, nil, err
			}
			templates = append(templates, inner...)
			clusterTemplates = append(clusterTemplates, innerCluster...)
		}
	}
	t, ct := analysisutil.FilterUniqueTemplates(templates, clusterTemplates)
	return t, ct, nil
}
