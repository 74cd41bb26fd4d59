// Internal: what CanaryApp and BlueGreenApp both do with their pod props (image or workloadRef,
// pod-level settings, scheduling). Not exported by index.ts.
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { CanaryAppPodOptions } from './canary-app';
import { FrontDoorReleaseOptions } from './front-door-release';
import { Problems, shown } from './private/problems';
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

/**
 * Records the problems of the pod props: the image must be given, unless the pod template comes
 * from `workloadRef`, which then also brings the pod's containers, volumes and metadata.
 */
export function addPodProblems(problems: Problems, props: FrontDoorPodProps): void {
  const ref = props.workloadRef;
  if (ref) {
    const own = (['image', 'container'] as const).filter(k => props[k] !== undefined);
    if (own.length) {
      problems.add(`workloadRef takes the pod template from ${ref.kind} "${ref.name}"`, shown(`${own.join(' and ')} too`),
        `remove ${own.join(' and ')} (set them on the ${ref.kind}), or drop workloadRef`);
    }
    const pod = props.pod ?? {};
    if (pod.podMetadata || pod.containers?.length || pod.volumes?.length || pod.initContainers?.length) {
      problems.add(`workloadRef takes the pod template from ${ref.kind} "${ref.name}"`,
        shown('pod containers, initContainers, volumes or podMetadata too'), `set them on the ${ref.kind}`);
    }
  } else if (typeof props.image !== 'string' || props.image.trim() === '') {
    problems.add('image must not be empty', shown(JSON.stringify(props.image) ?? 'undefined'),
      'give an image reference such as "ghcr.io/acme/checkout:1.4.2" (or workloadRef to migrate a Deployment)');
  }
}

/** Records a problem for each port that is not 1-65535, and for a container port given twice. */
export function addPortProblems(problems: Problems, props: FrontDoorPodProps, servicePort: number): void {
  for (const [field, port] of [['containerPort', props.containerPort], ['servicePort', servicePort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.add(`${field} must be a port number 1-65535`, port, `give ${field} a port from 1 to 65535`);
  }
  if (props.container?.portNumber !== undefined && props.container.portNumber !== props.containerPort) {
    problems.add(`container.portNumber ${props.container.portNumber} differs from containerPort ${props.containerPort}`, 'set the port once, with containerPort');
  }
}

/**
 * The Rollout props of the pod template, and the scheduling to apply once the Rollout exists
 * (after `addPodProblems` found nothing).
 */
export function podTemplateProps(props: FrontDoorPodProps): {
  rolloutProps: kplus.WorkloadProps & { workloadRef?: WorkloadRef; podMetadata?: ApiObjectMetadata };
  applyScheduling: (rollout: Rollout) => void;
} {
  const { podMetadata, spread, nodeLabels, tolerations, containers: sidecars, ...pod } = props.pod ?? {};
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
