// Internal: what CanaryApp and BlueGreenApp both do with their pod props (image or workloadRef,
// pod-level settings, scheduling). Not exported by index.ts.
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { CanaryAppPodOptions } from './canary-app';
import { FrontDoorReleaseOptions } from './front-door-release';
import { Rollout } from './rollout/rollout';
import { WorkloadRef } from './rollout/workload-ref';

/** The pod props of a front door. */
export interface FrontDoorPodProps {
  readonly image?: string;
  readonly containerPort: number;
  readonly container?: kplus.ContainerProps;
  readonly pod?: CanaryAppPodOptions;
  readonly workloadRef?: WorkloadRef;
}

/** The image must be given, unless the pod template comes from `workloadRef`. */
export function checkImage(where: string, props: FrontDoorPodProps): void {
  if (props.workloadRef) {
    const own = (['image', 'container'] as const).filter(k => props[k] !== undefined);
    if (own.length) {
      throw new Error(`${where} workloadRef takes the pod template from ${props.workloadRef.kind} "${props.workloadRef.name}"; got ${own.join(' and ')} too; remove ${own.join(' and ')} (set them on the ${props.workloadRef.kind}), or drop workloadRef`);
    }
  } else if (typeof props.image !== 'string' || props.image.trim() === '') {
    throw new Error(`${where} image must not be empty; got ${JSON.stringify(props.image)}; give an image reference such as "ghcr.io/acme/checkout:1.4.2" (or workloadRef to migrate a Deployment)`);
  }
}

/** The Rollout props of the pod template, and the scheduling to apply once the Rollout exists. */
export function podTemplateProps(where: string, props: FrontDoorPodProps): {
  rolloutProps: kplus.WorkloadProps & { workloadRef?: WorkloadRef; podMetadata?: ApiObjectMetadata };
  applyScheduling: (rollout: Rollout) => void;
} {
  const { podMetadata, spread, nodeLabels, tolerations, containers: sidecars, ...pod } = props.pod ?? {};
  if (props.workloadRef && (podMetadata || sidecars?.length || pod.volumes?.length || pod.initContainers?.length)) {
    throw new Error(`${where} workloadRef takes the pod template from ${props.workloadRef.kind} "${props.workloadRef.name}"; got pod containers, initContainers, volumes or podMetadata too; set them on the ${props.workloadRef.kind}`);
  }
  return {
    rolloutProps: {
      ...pod,
      workloadRef: props.workloadRef,
      podMetadata,
      containers: props.workloadRef ? undefined
        : [{ name: 'main', ...props.container, image: props.image!, portNumber: props.containerPort }, ...sidecars ?? []],
    },
    applyScheduling: (rollout: Rollout) => {
      if (spread) {
        // once, here: cdk8s-plus' own `spread` prop adds the terms again at every synthesis
        rollout.scheduling.spread({ topology: kplus.Topology.HOSTNAME, weight: 100 });
        rollout.scheduling.spread({ topology: kplus.Topology.ZONE, weight: 100 });
      }
      if (nodeLabels) {
        rollout.scheduling.attract(kplus.Node.labeled(...Object.entries(nodeLabels).map(([k, v]) => kplus.NodeLabelQuery.is(k, v))));
      }
      for (const t of tolerations ?? []) rollout.scheduling.tolerate(kplus.Node.tainted(t));
    },
  };
}

/** The Rollout props of a front door's release settings. */
export function releaseRolloutProps(props: FrontDoorReleaseOptions): FrontDoorReleaseOptions {
  const { rollbackWindow, progressDeadline, progressDeadlineAbort, minReady, revisionHistoryLimit, paused, restartAt, notifications } = props;
  return { rollbackWindow, progressDeadline, progressDeadlineAbort, minReady, revisionHistoryLimit, paused, restartAt, notifications };
}
