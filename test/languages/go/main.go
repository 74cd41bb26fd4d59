// The README's ALB header-routing app in Go (jsii names: Step_ScaleCanary = setCanaryScale,
// Step_ShiftTraffic = setWeight). Writes to $CDK8S_OUTDIR; scripts/smoke-languages.sh compares
// the YAML with the TypeScript synth of the same app.
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-rollouts/cdk8s-rollouts-go/cdk8srollouts"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("checkout"), &cdk8s.ChartProps{Namespace: jsii.String("shop")})
	cdk8srollouts.NewCanaryApp(chart, jsii.String("checkout"), &cdk8srollouts.CanaryAppProps{
		Image:         jsii.String("ghcr.io/acme/checkout:1.4.2"),
		ContainerPort: jsii.Number(8080),
		Replicas:      jsii.Number(10),
		Routing:       cdk8srollouts.TrafficRouting_Alb(&cdk8srollouts.AlbRoutingOptions{Host: jsii.String("qa-domain.com")}),
		Steps: &[]cdk8srollouts.Step{
			cdk8srollouts.Step_ScaleCanary(&cdk8srollouts.SetCanaryScaleOptions{Weight: jsii.Number(10)}),
			cdk8srollouts.Step_SetHeaderRoute(jsii.String("canary-header-route-new"),
				&[]cdk8srollouts.HeaderMatch{cdk8srollouts.HeaderMatch_Exact(jsii.String("version"), jsii.String("2"))}),
			cdk8srollouts.Step_Pause(cdk8s.Duration_Seconds(jsii.Number(60))),
			cdk8srollouts.Step_ShiftTraffic(jsii.Number(1)),
			cdk8srollouts.Step_Pause(nil),
			cdk8srollouts.Step_ScaleCanary(&cdk8srollouts.SetCanaryScaleOptions{MatchTrafficWeight: jsii.Bool(true)}),
			cdk8srollouts.Step_ShiftTraffic(jsii.Number(80)),
		},
	})

	argocd := cdk8s.NewChart(app, jsii.String("argocd"), &cdk8s.ChartProps{Namespace: jsii.String("argocd")})
	cdk8srollouts.NewArgoCdApplication(argocd, jsii.String("checkout"), &cdk8srollouts.ArgoCdApplicationProps{
		RepoUrl:              jsii.String("https://github.com/acme/platform.git"),
		OutdirInRepo:         jsii.String("dist"),
		DestinationNamespace: jsii.String("shop"),
		Deploys:              &[]constructs.IConstruct{chart}, // ignoreDifferences are derived from what the chart emits
	})
	app.Synth()
}
