// The README's ALB header-routing app in Java (jsii names: scaleCanary = setCanaryScale,
// shiftTraffic = setWeight). Writes to $CDK8S_OUTDIR; scripts/smoke-languages.sh compares the
// YAML with the TypeScript synth of the same app.
package smoke;

import io.github.cdk8srollouts.AlbRoutingOptions;
import io.github.cdk8srollouts.ArgoCdApplication;
import io.github.cdk8srollouts.CanaryApp;
import io.github.cdk8srollouts.HeaderMatch;
import io.github.cdk8srollouts.SetCanaryScaleOptions;
import io.github.cdk8srollouts.Step;
import io.github.cdk8srollouts.TrafficRouting;
import java.util.List;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.Duration;

public final class Main {
    public static void main(final String[] args) {
        App app = new App();
        Chart chart = new Chart(app, "checkout", ChartProps.builder().namespace("shop").build());
        CanaryApp.Builder.create(chart, "checkout")
                .image("ghcr.io/acme/checkout:1.4.2")
                .containerPort(8080)
                .replicas(10)
                .routing(TrafficRouting.alb(AlbRoutingOptions.builder().host("qa-domain.com").build()))
                .steps(List.of(
                        Step.scaleCanary(SetCanaryScaleOptions.builder().weight(10).build()),
                        Step.setHeaderRoute("canary-header-route-new", List.of(HeaderMatch.exact("version", "2"))),
                        Step.pause(Duration.seconds(60)),
                        Step.shiftTraffic(1),
                        Step.pause(),
                        Step.scaleCanary(SetCanaryScaleOptions.builder().matchTrafficWeight(true).build()),
                        Step.shiftTraffic(80)))
                .build();

        Chart argocd = new Chart(app, "argocd", ChartProps.builder().namespace("argocd").build());
        ArgoCdApplication.Builder.create(argocd, "checkout")
                .repoUrl("https://github.com/acme/platform.git")
                .outdirInRepo("dist")
                .destinationNamespace("shop")
                .deploys(List.of(chart)) // ignoreDifferences are derived from what the chart emits
                .build();
        app.synth();
    }
}
