import { IConstruct } from 'constructs';

/**
 * One object's fields that the Argo Rollouts controller writes at runtime, so that Argo CD
 * must not treat them as drift.
 *
 * Argo CD turns each record into one `ignoreDifferences` entry (see `ArgoCdApplication`).
 */
export interface RuntimeOwnedFields {
  /**
   * API group of the object, without version; empty for the core group.
   * @example 'networking.istio.io'
   */
  readonly group: string;

  /** Kind of the object. @example 'VirtualService' */
  readonly kind: string;

  /** Name of the object. */
  readonly name: string;

  /**
   * Namespace of the object.
   * @default - any namespace
   */
  readonly namespace?: string;

  /**
   * RFC 6901 JSON pointers of the owned fields, `/` inside a key escaped as `~1`.
   * @default - none
   */
  readonly jsonPointers?: string[];

  /**
   * jq path expressions (evaluated by Argo CD as `del(<expression>)`) of the owned fields.
   * They iterate with `[]?` so that they never fail on an object without the list.
   * @default - none
   */
  readonly jqPathExpressions?: string[];

  /** Why the controller writes these fields: shown in docs and error messages. */
  readonly reason: string;

  /**
   * Why a sync that writes the Git value back over these fields breaks traffic or capacity
   * instead of causing a momentary flap (e.g. ping-pong weights that point at the previous
   * release's, scaled-down pods every second release). When set, `ArgoCdApplication` refuses
   * `RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING`.
   * @default - a reset is a momentary flap the controller repairs at once
   */
  readonly unsafeToReset?: string;
}

/**
 * A construct whose objects the Argo Rollouts controller mutates at runtime.
 */
export interface IRuntimeOwner extends IConstruct {
  /**
   * The fields the Rollouts controller will own at runtime, computed at synthesis time.
   */
  runtimeOwnedFields(): RuntimeOwnedFields[];
}

/**
 * Finds the runtime-ownership records of a construct tree.
 */
export class RuntimeOwnership {
  /** Whether a construct records fields owned by the Rollouts controller. */
  public static isOwner(construct: IConstruct): construct is IRuntimeOwner {
    return typeof (construct as any).runtimeOwnedFields === 'function';
  }

  /**
   * Every record of every construct under `scope` (including `scope` itself), in tree order.
   */
  public static collect(scope: IConstruct): RuntimeOwnedFields[] {
    const records: RuntimeOwnedFields[] = [];
    for (const construct of scope.node.findAll()) {
      if (RuntimeOwnership.isOwner(construct)) records.push(...construct.runtimeOwnedFields());
    }
    return records;
  }

  private constructor() {}
}
