# The README's ALB header-routing app in Python (jsii names: scale_canary = setCanaryScale,
# shift_traffic = setWeight). Writes to $CDK8S_OUTDIR; scripts/smoke-languages.sh compares the
# YAML with the TypeScript synth of the same app.
from cdk8s import App, Chart, Duration
from cdk8s_rollouts import ArgoCdApplication, CanaryApp, HeaderMatch, Step, TrafficRouting

app = App()
chart = Chart(app, "checkout", namespace="shop")
CanaryApp(chart, "checkout",
    image="ghcr.io/acme/checkout:1.4.2",
    container_port=8080,
    replicas=10,
    routing=TrafficRouting.alb(host="qa-domain.com"),
    steps=[
        Step.scale_canary(weight=10),
        Step.set_header_route("canary-header-route-new", [HeaderMatch.exact("version", "2")]),
        Step.pause(Duration.seconds(60)),
        Step.shift_traffic(1),
        Step.pause(),
        Step.scale_canary(match_traffic_weight=True),
        Step.shift_traffic(80),
    ],
)

argocd = Chart(app, "argocd", namespace="argocd")
ArgoCdApplication(argocd, "checkout",
    repo_url="https://github.com/acme/platform.git",
    outdir_in_repo="dist",
    destination_namespace="shop",
    deploys=[chart],  # ignoreDifferences are derived from what the chart emits
)
app.synth()
