import { ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ApplicationSource } from './application-source';
import { IgnoreDifference, _IgnoreDifferencesBuilder } from './ignore-differences';
import { RuntimeOwnership } from './runtime-ownership';
import { AutomatedSync, CascadeDelete, RuntimeFieldsSyncPolicy, SyncOption, SyncRetry } from './sync';
import * as argo from '../imports/application-argoproj.io';
import { isDns1123Label } from '../private/names';
import { registerObject } from '../private/object-registry';

const FINALIZERS: { [policy: string]: string | undefined } = {
  [CascadeDelete.NONE]: undefined,
  [CascadeDelete.DEFAULT]: 'resources-finalizer.argocd.argoproj.io',
  [CascadeDelete.FOREGROUND]: 'resources-finalizer.argocd.argoproj.io/foreground',
  [CascadeDelete.BACKGROUND]: 'resources-finalizer.argocd.argoproj.io/background',
};

/** Props of `ArgoCdApplication`. */
export interface ArgoCdApplicationProps {
  /**
   * Name of the Application.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Extra metadata (labels, annotations) of the Application; `name` is taken from `name`, the
   * namespace from the chart (the Argo CD namespace) unless given here.
   * @default - none
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Argo CD project.
   * @default 'default'
   */
  readonly project?: string;

  /**
   * Where the manifests come from. Use either this or `repoUrl` + `path`.
   * @default - a plain directory from `repoUrl`, `path`, `targetRevision`, `recurse`
   */
  readonly source?: ApplicationSource;

  /**
   * Git repository of a plain-YAML directory (shorthand for `ApplicationSource.directory`).
   * @default - `source` must be given
   */
  readonly repoUrl?: string;

  /**
   * Path of the directory inside `repoUrl`, e.g. the folder of the synthesized chart.
   * @default - `source` must be given
   */
  readonly path?: string;

  /**
   * Git revision for `repoUrl` + `path`.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;

  /**
   * Read sub-directories of `path`.
   * @default false
   */
  readonly recurse?: boolean;

  /**
   * Destination cluster by API server URL. Give this or `destinationName`, not both.
   * @default - 'https://kubernetes.default.svc' (the cluster Argo CD runs in) unless `destinationName` is given
   */
  readonly destinationServer?: string;

  /**
   * Destination cluster by its name in Argo CD. Give this or `destinationServer`, not both.
   * @default - the in-cluster server is used
   */
  readonly destinationName?: string;

  /**
   * Namespace for namespaced objects that have no namespace of their own.
   * @default - objects must carry their own namespace
   */
  readonly destinationNamespace?: string;

  /**
   * Automated sync.
   * @default - manual sync only
   */
  readonly automatedSync?: AutomatedSync;

  /**
   * Retry of failed syncs.
   * @default - no retry
   */
  readonly retry?: SyncRetry;

  /**
   * Sync options, in addition to those the ignore policy adds.
   * @default - none besides those of `runtimeFieldsSyncPolicy`
   */
  readonly syncOptions?: SyncOption[];

  /**
   * What a sync does to the fields the Rollouts controller writes (weights, the ALB action,
   * managed routes, subset labels, selectors, replicas), see `RuntimeFieldsSyncPolicy`. Only
   * takes effect when a deployed object has such fields. `RespectIgnoreDifferences=true` and
   * `ApplyOutOfSyncOnly=true` are always used together or not at all.
   * @default RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES
   */
  readonly runtimeFieldsSyncPolicy?: RuntimeFieldsSyncPolicy;

  /**
   * Whether deleting the Application deletes what it deployed (the resources finalizer).
   * @default CascadeDelete.NONE
   */
  readonly cascadeDelete?: CascadeDelete;

  /**
   * Constructs (usually charts) whose objects this Application deploys. Every runtime-ownership
   * record under them becomes an `ignoreDifferences` entry.
   * @default - none; add with `addDeploy`
   */
  readonly deploys?: IConstruct[];

  /**
   * Extra `ignoreDifferences` entries, merged with those derived from `deploys`.
   * @default - none
   */
  readonly ignoreDifferences?: IgnoreDifference[];

  /**
   * Number of sync results kept in the Application's history.
   * @default - Argo CD's default (10)
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * An Argo CD Application whose `ignoreDifferences` and sync options come from what it deploys,
 * so that Argo CD never fights the Argo Rollouts controller.
 *
 * ```ts
 * new ArgoCdApplication(appsChart, 'checkout', {
 *   repoUrl: 'https://github.com/acme/platform.git', path: 'dist/checkout',
 *   destinationNamespace: 'shop', deploys: [chart],
 * });
 * ```
 */
export class ArgoCdApplication extends Construct {
  /** The in-cluster API server: the cluster Argo CD runs in. */
  public static readonly IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

  /** Name of the Application. */
  public readonly name: string;

  /** Where the manifests come from. */
  public readonly source: ApplicationSource;

  /** The L1 object. */
  private readonly resource: argo.Application;
  private readonly props: ArgoCdApplicationProps;
  private readonly deploysList: IConstruct[] = [];
  private readonly extraIgnores: IgnoreDifference[] = [];

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    checkName(this.node.path, 'name', this.name);

    this.source = this.resolveSource(props);
    this.checkDestination(props);
    if (props.project !== undefined) checkName(this.node.path, 'project', props.project);
    if (props.revisionHistoryLimit !== undefined && (!Number.isInteger(props.revisionHistoryLimit) || props.revisionHistoryLimit < 0)) {
      this.fail(`revisionHistoryLimit ${props.revisionHistoryLimit}`, 'give an integer >= 0');
    }
    this.checkRetry(props.retry);
    for (const d of props.deploys ?? []) this.addDeploy(d);
    for (const e of props.ignoreDifferences ?? []) this.addIgnoreDifference(e);

    const finalizer = FINALIZERS[props.cascadeDelete ?? CascadeDelete.NONE];
    this.resource = new argo.Application(this, 'Resource', {
      metadata: {
        ...props.metadata,
        name: this.name,
        finalizers: finalizer ? [...(props.metadata?.finalizers ?? []), finalizer] : props.metadata?.finalizers,
      },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.node.defaultChild = this.resource;
    registerObject(this, this.resource);
    this.node.addValidation({ validate: () => this.validateIgnores() });
  }

  /** Deploys the objects of another construct (usually a chart) with this Application. */
  public addDeploy(construct: IConstruct): void {
    if (!this.deploysList.includes(construct)) this.deploysList.push(construct);
  }

  /** Adds an `ignoreDifferences` entry, merged with those derived from the deployed constructs. */
  public addIgnoreDifference(entry: IgnoreDifference): void {
    this.extraIgnores.push(entry);
  }

  /**
   * The sync options the Application renders, including those its ignore policy adds.
   */
  public renderSyncOptions(): string[] {
    return this.syncOptions(this.buildIgnores());
  }

  /**
   * The `ignoreDifferences` entries the Application renders: derived from `deploys`, merged
   * with the extra entries, grouped per object and sorted.
   */
  public renderIgnoreDifferences(): IgnoreDifference[] {
    return this.ignoreDifferencesOf(this.buildIgnores());
  }

  private ignoreDifferencesOf(builder: _IgnoreDifferencesBuilder): IgnoreDifference[] {
    return builder.render().map(e => ({
      group: e.group || undefined,
      kind: e.kind,
      name: e.name,
      namespace: e.namespace,
      jsonPointers: e.jsonPointers.size ? [...e.jsonPointers].sort() : undefined,
      jqPathExpressions: e.jqPathExpressions.size ? [...e.jqPathExpressions].sort() : undefined,
      managedFieldsManagers: e.managedFieldsManagers.size ? [...e.managedFieldsManagers].sort() : undefined,
    }));
  }

  /** @internal */
  public _toKube(): argo.ApplicationSpec {
    // one build: collecting the records walks every deployed chart
    const builder = this.buildIgnores();
    const ignoreDifferences = this.ignoreDifferencesOf(builder);
    const syncOptions = this.syncOptions(builder);
    const automated = this.props.automatedSync;
    const retry = this.props.retry;
    const syncPolicy: argo.ApplicationSpecSyncPolicy | undefined = automated || retry || syncOptions.length
      ? {
        automated: automated ? {
          prune: automated.prune ?? false,
          selfHeal: automated.selfHeal ?? false,
          allowEmpty: automated.allowEmpty || undefined,
        } : undefined,
        retry: retry ? {
          limit: retry.limit ?? 5,
          backoff: {
            duration: `${(retry.backoffDuration?.toSeconds() ?? 5)}s`,
            factor: retry.backoffFactor ?? 2,
            maxDuration: `${(retry.backoffMaxDuration?.toSeconds() ?? 180)}s`,
          },
        } : undefined,
        syncOptions: syncOptions.length ? syncOptions : undefined,
      }
      : undefined;
    return {
      project: this.props.project ?? 'default',
      source: this.source._toSource(),
      destination: {
        server: this.props.destinationName ? undefined : (this.props.destinationServer ?? ArgoCdApplication.IN_CLUSTER_SERVER),
        name: this.props.destinationName,
        namespace: this.props.destinationNamespace,
      },
      ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
      syncPolicy,
      revisionHistoryLimit: this.props.revisionHistoryLimit,
    };
  }

  private buildIgnores(): _IgnoreDifferencesBuilder {
    const builder = new _IgnoreDifferencesBuilder(this.node.path);
    for (const construct of this.deploysList) {
      for (const record of RuntimeOwnership.collect(construct)) builder.addRecord(record);
    }
    for (const entry of this.extraIgnores) builder.addExtra(entry);
    return builder;
  }

  private syncOptions(builder: _IgnoreDifferencesBuilder): string[] {
    const respect = SyncOption.RESPECT_IGNORE_DIFFERENCES.value;
    const outOfSyncOnly = SyncOption.APPLY_OUT_OF_SYNC_ONLY.value;
    const options: string[] = [];
    for (const o of this.props.syncOptions ?? []) if (!options.includes(o.value)) options.push(o.value);
    const policy = this.props.runtimeFieldsSyncPolicy ?? RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES;

    if (policy === RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING) {
      const conflicting = options.filter(o => o === respect || o === outOfSyncOnly);
      if (conflicting.length) {
        this.fail(`runtimeFieldsSyncPolicy ACCEPT_FLAPPING with sync option ${conflicting.join(', ')}`,
          'use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES (which adds both options) or remove the option');
      }
      const unsafe = builder.unsafeResets();
      if (unsafe.length) {
        this.fail(`runtimeFieldsSyncPolicy ACCEPT_FLAPPING, but a sync that writes Git back would not flap, it would break: ${unsafe.join('; ')}`,
          'use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES (the default)');
      }
    } else if (builder.hasRecords()) {
      for (const o of [respect, outOfSyncOnly]) if (!options.includes(o)) options.push(o);
    }

    const hasRespect = options.includes(respect);
    const hasOutOfSyncOnly = options.includes(outOfSyncOnly);
    if (hasRespect !== hasOutOfSyncOnly) {
      const [given, missing] = hasRespect ? [respect, outOfSyncOnly] : [outOfSyncOnly, respect];
      this.fail(`sync option ${given} without ${missing}`,
        `add SyncOption.${missing === respect ? 'RESPECT_IGNORE_DIFFERENCES' : 'APPLY_OUT_OF_SYNC_ONLY'} too, or remove ${given}: `
        + 'RespectIgnoreDifferences alone re-applies every object on every sync with the live values it read before (racing the controller\'s own updates), '
        + 'and ApplyOutOfSyncOnly alone still resets weights and managed routes whenever the object changes in Git');
    }
    if (options.includes(SyncOption.SERVER_SIDE_APPLY.value) && !hasRespect && this.deploysList.length > 0) {
      this.fail(`sync option ${SyncOption.SERVER_SIDE_APPLY.value} without ${respect}`,
        'a server-side apply replaces atomic fields whole, stripping the rollouts-pod-template-hash Service selector and the live weights; '
        + 'add SyncOption.RESPECT_IGNORE_DIFFERENCES and SyncOption.APPLY_OUT_OF_SYNC_ONLY or drop ServerSideApply');
    }
    return options;
  }

  private validateIgnores(): string[] {
    // cdk8s validates the whole app once per chart it renders, so skip rebuilding the derived
    // ignores when the sync options cannot fail: the default policy and none of the options it
    // checks (the ignores themselves are still checked when the Application renders)
    const checked = [SyncOption.RESPECT_IGNORE_DIFFERENCES, SyncOption.APPLY_OUT_OF_SYNC_ONLY, SyncOption.SERVER_SIDE_APPLY].map(o => o.value);
    const policy = this.props.runtimeFieldsSyncPolicy ?? RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES;
    if (policy === RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES && !(this.props.syncOptions ?? []).some(o => checked.includes(o.value))) {
      return [];
    }
    try {
      this.syncOptions(this.buildIgnores());
      return [];
    } catch (e) {
      // cdk8s prefixes validation messages with the path already
      return [(e as Error).message.replace(`[${this.node.path}] `, '')];
    }
  }

  private resolveSource(props: ArgoCdApplicationProps): ApplicationSource {
    const flat = props.repoUrl !== undefined || props.path !== undefined || props.targetRevision !== undefined || props.recurse !== undefined;
    if (props.source && flat) {
      this.fail('both source and repoUrl/path/targetRevision/recurse', 'give either source (ApplicationSource.directory/helmChart/kustomize) or the flat repoUrl + path');
    }
    if (props.source) return props.source;
    if (props.repoUrl === undefined || props.path === undefined) {
      this.fail(`repoUrl "${props.repoUrl ?? ''}" and path "${props.path ?? ''}"`, 'give both repoUrl and path, or source');
    }
    try {
      return ApplicationSource.directory({
        repoUrl: props.repoUrl,
        path: props.path,
        targetRevision: props.targetRevision,
        recurse: props.recurse,
      });
    } catch (e) {
      throw new Error(`[${this.node.path}] ${(e as Error).message}`);
    }
  }

  private checkDestination(props: ArgoCdApplicationProps): void {
    if (props.destinationServer !== undefined && props.destinationName !== undefined) {
      this.fail(`destinationServer "${props.destinationServer}" and destinationName "${props.destinationName}"`,
        'Argo CD accepts only one of them ("application destination can\'t have both name and server defined"); keep one');
    }
    const values: Array<[string, string | undefined]> = [
      ['destinationServer', props.destinationServer],
      ['destinationName', props.destinationName],
      ['destinationNamespace', props.destinationNamespace],
    ];
    for (const [field, value] of values) {
      if (value === undefined) continue;
      if (value === '' || value.includes('*')) {
        this.fail(`${field} "${value}"`, 'give one exact value: wildcards and empty values are not allowed in destinations');
      }
    }
    if (props.destinationServer !== undefined && !/^https?:\/\/\S+$/.test(props.destinationServer)) {
      this.fail(`destinationServer "${props.destinationServer}"`, `give the API server URL, e.g. "${ArgoCdApplication.IN_CLUSTER_SERVER}"`);
    }
    if (props.destinationNamespace !== undefined) checkLabel(this.node.path, 'destinationNamespace', props.destinationNamespace);
  }

  private checkRetry(retry?: SyncRetry): void {
    if (!retry) return;
    if (retry.limit !== undefined && !Number.isInteger(retry.limit)) this.fail(`retry limit ${retry.limit}`, 'give an integer (negative: retry forever)');
    if (retry.backoffFactor !== undefined && (!Number.isInteger(retry.backoffFactor) || retry.backoffFactor < 1)) {
      this.fail(`retry backoffFactor ${retry.backoffFactor}`, 'give an integer >= 1 (Argo CD stores it as an int64)');
    }
    const duration = retry.backoffDuration?.toSeconds() ?? 5;
    const max = retry.backoffMaxDuration?.toSeconds() ?? 180;
    if (max < duration) {
      this.fail(`retry backoffMaxDuration ${max}s shorter than backoffDuration ${duration}s`, 'make backoffMaxDuration at least backoffDuration');
    }
  }

  private fail(what: string, fix: string): never {
    throw new Error(`[${this.node.path}] ${what}: ${fix}`);
  }
}

function checkName(path: string, field: string, value: string): void {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
    throw new Error(`[${path}] ${field} "${value}" is not a DNS-1123 subdomain: use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`);
  }
}

function checkLabel(path: string, field: string, value: string): void {
  if (!isDns1123Label(value)) {
    throw new Error(`[${path}] ${field} "${value}" is not a DNS-1123 label: use at most 63 lowercase letters, digits and "-"`);
  }
}
