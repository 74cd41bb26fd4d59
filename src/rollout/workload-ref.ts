import * as kplus from 'cdk8s-plus-28';
import type { RolloutSpecWorkloadRef } from '../imports/rollout-argoproj.io';
import type { Wire } from '../private/wire';

/** When the controller scales the referenced Deployment down. */
export enum WorkloadRefScaleDown {
  /** Never: the Deployment keeps its replicas (the team scales it down). */
  NEVER = 'never',
  /** To zero once the Rollout's first revision is healthy. */
  ON_SUCCESS = 'onsuccess',
  /** Gradually, as the Rollout's pods become ready. */
  PROGRESSIVELY = 'progressively',
}

/** Options of a workload reference. */
export interface WorkloadRefOptions {
  /**
   * When the controller scales a referenced Deployment down.
   * @default WorkloadRefScaleDown.NEVER
   */
  readonly scaleDown?: WorkloadRefScaleDown;
}

/** Options of a workload referenced by name. */
export interface WorkloadRefByNameOptions extends WorkloadRefOptions {
  /**
   * The labels of the workload's pods, for the Rollout's selector and its Services.
   * @default - no selector: the controller takes it from the workload
   */
  readonly matchLabels?: { [key: string]: string };
}

/**
 * An existing workload whose pod template the Rollout uses (`spec.workloadRef`), for migrating
 * a Deployment to a Rollout without copying its template.
 */
export class WorkloadRef {
  /** A Deployment of this app. */
  public static deployment(deployment: kplus.Deployment, options: WorkloadRefOptions = {}): WorkloadRef {
    return new WorkloadRef('apps/v1', 'Deployment', deployment.name, deployment.matchLabels, options.scaleDown, deployment);
  }

  /** A Deployment that lives elsewhere, by name. */
  public static deploymentName(name: string, options: WorkloadRefByNameOptions = {}): WorkloadRef {
    return new WorkloadRef('apps/v1', 'Deployment', name, options.matchLabels, options.scaleDown);
  }

  /** A ReplicaSet, by name (the controller never scales it down). */
  public static replicaSetName(name: string, matchLabels?: { [key: string]: string }): WorkloadRef {
    return new WorkloadRef('apps/v1', 'ReplicaSet', name, matchLabels, undefined);
  }

  /** A PodTemplate, by name. */
  public static podTemplateName(name: string, matchLabels?: { [key: string]: string }): WorkloadRef {
    return new WorkloadRef('v1', 'PodTemplate', name, matchLabels, undefined);
  }

  private constructor(
    /** apiVersion of the workload. */
    public readonly apiVersion: string,
    /** Kind of the workload. */
    public readonly kind: string,
    /** Name of the workload. */
    public readonly name: string,
    /** Labels of the workload's pods, when known. */
    public readonly matchLabels: { [key: string]: string } | undefined,
    /** When a Deployment is scaled down. */
    public readonly scaleDown: WorkloadRefScaleDown | undefined,
    /** The Deployment construct, when it is part of this app. */
    public readonly deploymentConstruct?: kplus.Deployment) {}

  /** @internal */
  public _toKube(): Wire<RolloutSpecWorkloadRef> {
    return { apiVersion: this.apiVersion, kind: this.kind, name: this.name, scaleDown: this.scaleDown };
  }
}
