import * as nodePath from 'path';
import { ApiObjectMetadata, App, Chart, Lazy, Names, YamlOutputType } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ApplicationSource } from './application-source';
import { ArgoCdAppProject, _ProjectMember, _ProjectMemberView } from './argocd-app-project';
import { IgnoreDifference, _IgnoreDifferencesBuilder } from './ignore-differences';
import { RuntimeOwnership } from './runtime-ownership';
import { AutomatedSync, CascadeDelete, RuntimeFieldsSyncPolicy, SyncOption, SyncRetry } from './sync';
import type * as argo from '../imports/application-argoproj.io';
import { secondsProblem } from '../private/duration';
import { applicationL1 } from '../private/l1-modules';
import { isDns1123Label, readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { Problems } from '../private/problems';
import { cachedValidation, perSynthesis } from '../private/synthesis-cache';

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
   * @default - derived from the construct id in kebab case (`Checkout` → `checkout`)
   */
  readonly name?: string;

  /**
   * Extra metadata (labels, annotations) of the Application; `name` is taken from `name`, the
   * namespace from the chart (the Argo CD namespace) unless given here.
   * @default - none
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Argo CD project, by name (a project defined outside this app). Give this or `appProject`.
   * @default - `appProject`'s name, else 'default'
   */
  readonly project?: string;

  /**
   * Argo CD project defined in this app: the Application is placed in it, and at synth every
   * object it deploys, its repository and its destination are checked against the project (or
   * derive the project's allow lists). Give this or `project`.
   * @default - the project named by `project`
   */
  readonly appProject?: ArgoCdAppProject;

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
   * Path of the directory inside `repoUrl`. It must select exactly the files this App writes for
   * the deployed chart: with `YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE` the chart's
   * folder (`<outdirInRepo>/<chart>`); other output types cannot be selected by a path alone and
   * are rejected at synth (omit `path` to have the source derived).
   * @default - derived from the App's output layout: `<outdirInRepo>/<chart>` for
   * FOLDER_PER_CHART_FILE_PER_RESOURCE, or `<outdirInRepo>` with `directory.include` of the
   * chart's file (`<chart>.k8s.yaml`) for FILE_PER_CHART (cdk8s' default); needs `deploys` in one chart
   */
  readonly path?: string;

  /**
   * Where the App's output folder (`App.outdir`) sits in the Git repository, relative to the
   * repository root; used to derive the source when `path` is omitted, and to name the right
   * path in errors.
   * @default - the App's `outdir` when it is a relative path (cdk8s' default `dist`, i.e. `cdk8s
   * synth` run at the repository root and its output committed as is)
   */
  readonly outdirInRepo?: string;

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
export class ArgoCdApplication extends Construct implements _ProjectMember {
  /** The in-cluster API server: the cluster Argo CD runs in. */
  public static readonly IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

  /** Name of the Application. */
  public readonly name: string;


  /** The L1 object. */
  private readonly resource: argo.Application;
  private readonly givenSource?: ApplicationSource;
  private readonly props: ArgoCdApplicationProps;
  private readonly deploysList: IConstruct[] = [];
  private readonly extraIgnores: IgnoreDifference[] = [];
  private readonly projectDeploys: IConstruct[] = [];

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? readableName(this);
    const problems = new Problems(this);
    checkName(problems, 'name', this.name);

    this.givenSource = this.resolveSource(props, problems);
    this.checkDestination(props, problems);
    if (props.project !== undefined) checkName(problems, 'project', props.project);
    if (props.project !== undefined && props.appProject !== undefined) {
      problems.add('both project and appProject are given', { project: props.project, appProject: props.appProject.projectName },
        'give one of them: project names a project defined elsewhere, appProject one defined in this app');
    }
    if (props.revisionHistoryLimit !== undefined && (!Number.isInteger(props.revisionHistoryLimit) || props.revisionHistoryLimit < 0)) {
      problems.add('revisionHistoryLimit is not an integer >= 0', props.revisionHistoryLimit, 'give an integer >= 0');
    }
    this.checkRetry(props.retry, problems);
    problems.throwIfAny();
    for (const d of props.deploys ?? []) this.addDeploy(d);
    for (const e of props.ignoreDifferences ?? []) this.addIgnoreDifference(e);

    const finalizer = FINALIZERS[props.cascadeDelete ?? CascadeDelete.NONE];
    this.resource = new (applicationL1().Application)(this, 'Resource', {
      metadata: {
        ...props.metadata,
        name: this.name,
        finalizers: finalizer ? [...(props.metadata?.finalizers ?? []), finalizer] : props.metadata?.finalizers,
      },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.node.defaultChild = this.resource;
    applyPatchesLast(this.resource);
    registerObject(this, this.resource);
    this.node.addValidation(cachedValidation(() => this.validateIgnores()));
    this.node.addValidation(cachedValidation(() => this.validateSourceLayout()));
    props.appProject?._addMember(this);
  }

  /**
   * Also counts the objects of `construct` as deployed by this Application when its project is
   * checked or derived, without deriving the source or ignores from it (the app of apps' root).
   * @internal
   */
  public _addProjectDeploy(construct: IConstruct): void {
    if (!this.projectDeploys.includes(construct)) this.projectDeploys.push(construct);
  }

  /** @internal */
  public _projectView(): _ProjectMemberView {
    return this.projectViewOf(this.source);
  }

  /** @internal */
  public _checkedProjectView(): _ProjectMemberView | undefined {
    // the Application's own validation reports why the source cannot be derived
    const source = this.givenSource ?? this.deriveSource(new Problems(this));
    return source && this.projectViewOf(source);
  }

  private projectViewOf(source: ApplicationSource): _ProjectMemberView {
    const deploys = [...this.deploysList, ...this.projectDeploys];
    return {
      repoUrl: source.repoUrl,
      server: this.props.destinationName ? undefined : (this.props.destinationServer ?? ArgoCdApplication.IN_CLUSTER_SERVER),
      clusterName: this.props.destinationName,
      destinationNamespace: this.props.destinationNamespace,
      applicationNamespace: this.resource.metadata.namespace,
      deploys: deploys.length ? deploys : undefined,
    };
  }

  /**
   * Where the manifests come from: `source`, the flat `repoUrl` + `path`, or (without `path`)
   * derived from the layout the App writes the deployed chart in.
   */
  public get source(): ApplicationSource {
    if (this.givenSource) return this.givenSource;
    const problems = new Problems(this);
    const derived = this.deriveSource(problems);
    problems.throwIfAny();
    return derived!;
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
      project: this.props.appProject?.projectName ?? this.props.project ?? 'default',
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
    const builder = new _IgnoreDifferencesBuilder(this);
    for (const construct of this.deploysList) {
      for (const record of RuntimeOwnership.collect(construct)) builder.addRecord(record);
    }
    for (const entry of this.extraIgnores) builder.addExtra(entry);
    return builder;
  }

  private syncOptions(builder: _IgnoreDifferencesBuilder): string[] {
    const problems = new Problems(this);
    const options = this.checkedSyncOptions(builder, problems);
    problems.throwIfAny();
    return options;
  }

  /** The sync options to render; the conflicts among them (and with the ignores) go to `problems`. */
  private checkedSyncOptions(builder: _IgnoreDifferencesBuilder, problems: Problems): string[] {
    const respect = SyncOption.RESPECT_IGNORE_DIFFERENCES.value;
    const outOfSyncOnly = SyncOption.APPLY_OUT_OF_SYNC_ONLY.value;
    const options: string[] = [];
    for (const o of this.props.syncOptions ?? []) if (!options.includes(o.value)) options.push(o.value);
    const policy = this.props.runtimeFieldsSyncPolicy ?? RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES;

    if (policy === RuntimeFieldsSyncPolicy.ACCEPT_FLAPPING) {
      const conflicting = options.filter(o => o === respect || o === outOfSyncOnly);
      if (conflicting.length) {
        problems.add('runtimeFieldsSyncPolicy ACCEPT_FLAPPING conflicts with sync options', conflicting,
          'use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES (which adds both options) or remove the option');
      }
      const unsafe = builder.unsafeResets();
      if (unsafe.length) {
        problems.add(`runtimeFieldsSyncPolicy ACCEPT_FLAPPING, but a sync that writes Git back would not flap, it would break: ${unsafe.join('; ')}`,
          'use RuntimeFieldsSyncPolicy.KEEP_LIVE_VALUES (the default)');
      }
    } else if (builder.hasRecords()) {
      for (const o of [respect, outOfSyncOnly]) if (!options.includes(o)) options.push(o);
    }

    const hasRespect = options.includes(respect);
    const hasOutOfSyncOnly = options.includes(outOfSyncOnly);
    if (hasRespect !== hasOutOfSyncOnly) {
      const [given, missing] = hasRespect ? [respect, outOfSyncOnly] : [outOfSyncOnly, respect];
      problems.add(`sync option ${given} without ${missing}`, options,
        `add SyncOption.${missing === respect ? 'RESPECT_IGNORE_DIFFERENCES' : 'APPLY_OUT_OF_SYNC_ONLY'} too, or remove ${given}: `
        + 'RespectIgnoreDifferences alone re-applies every object on every sync with the live values it read before (racing the controller\'s own updates), '
        + 'and ApplyOutOfSyncOnly alone still resets weights and managed routes whenever the object changes in Git');
    }
    if (options.includes(SyncOption.SERVER_SIDE_APPLY.value) && !hasRespect && this.deploysList.length > 0) {
      problems.add(`sync option ${SyncOption.SERVER_SIDE_APPLY.value} without ${respect}`, options,
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
    const builder = this.buildIgnores();
    const problems = new Problems(this).addAll(builder.problems.messages);
    this.checkedSyncOptions(builder, problems);
    return problems.messages;
  }

  private resolveSource(props: ArgoCdApplicationProps, problems: Problems): ApplicationSource | undefined {
    const flat = props.repoUrl !== undefined || props.path !== undefined || props.targetRevision !== undefined || props.recurse !== undefined;
    if (props.source && flat) {
      problems.add('both source and repoUrl/path/targetRevision/recurse are given', 'give either source (ApplicationSource.directory/helmChart/kustomize) or the flat repoUrl + path');
    }
    if (props.source) return props.source;
    if (props.repoUrl === undefined) {
      problems.add('no source: repoUrl is not given', { repoUrl: '', path: props.path ?? '' }, 'give repoUrl (and path, or let it be derived from deploys), or source');
      return undefined;
    }
    if (props.path === undefined) {
      if (props.recurse !== undefined) problems.add('recurse without path', props.recurse, 'give path too, or drop recurse (a derived source selects exactly the deployed chart\'s files)');
      return undefined;
    }
    if (!addSourceProblems(problems, props.repoUrl, props.path)) return undefined;
    return ApplicationSource.directory({
      repoUrl: props.repoUrl,
      path: props.path,
      targetRevision: props.targetRevision,
      recurse: props.recurse,
    });
  }

  /** The one chart the deployed constructs are in, or an error text. */
  private deployedChart(): Chart | string {
    const charts: Chart[] = [];
    for (const d of this.deploysList) {
      const chart = d instanceof Chart ? d : Chart.of(d);
      if (!charts.includes(chart)) charts.push(chart);
    }
    if (charts.length === 1) return charts[0];
    return charts.length === 0
      ? 'deploys is empty, so there is no chart to derive the source from'
      : `deploys spans ${charts.length} charts (${charts.map(c => c.node.path).join(', ')}), and one directory source reads one chart's files`;
  }

  /** Where the App's output folder is in the repository, or undefined (with the reason in `problems`). */
  private outdirInRepo(app: App, problems: Problems): string | undefined {
    const given = this.props.outdirInRepo;
    if (given !== undefined) {
      if (given === '' || given.startsWith('/') || given.split('/').includes('..')) {
        problems.add('outdirInRepo is not a relative path', given, 'give the output folder relative to the repository root without "..", e.g. "dist" ("." for the root)');
        return undefined;
      }
      return trimSlashes(given);
    }
    if (nodePath.isAbsolute(app.outdir)) {
      problems.add('path not given and the App\'s outdir is absolute, so where it sits in the Git repository is unknown', app.outdir,
        'give outdirInRepo (the output folder relative to the repository root, e.g. "dist"), or path');
      return undefined;
    }
    return trimSlashes(nodePath.posix.normalize(app.outdir.split(nodePath.sep).join('/')));
  }

  /**
   * The source selecting exactly the deployed chart's files in the layout the App writes, or
   * undefined (with the reasons in `problems`).
   */
  private deriveSource(problems: Problems): ApplicationSource | undefined {
    const chart = this.deployedChart();
    if (typeof chart === 'string') {
      problems.add(`path not given and ${chart}`, this.deploysList.map(d => d.node.path), 'give path (or source), or deploy one chart per Application');
      return undefined;
    }
    const app = App.of(this);
    const base = this.outdirInRepo(app, problems);
    if (base === undefined) return undefined;
    const name = chartOutputName(app, chart);
    const join = (...parts: string[]) => parts.filter(p => p !== '.' && p !== '').join('/') || '.';
    const repoUrl = this.props.repoUrl!;
    switch (app.yamlOutputType) {
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
        if (!addSourceProblems(problems, repoUrl, join(base, name))) return undefined;
        return ApplicationSource.directory({ repoUrl, path: join(base, name), targetRevision: this.props.targetRevision });
      case YamlOutputType.FILE_PER_CHART:
        if (!addSourceProblems(problems, repoUrl, base)) return undefined;
        return ApplicationSource.directory({ repoUrl, path: base, include: `${name}${app.outputFileExtension}`, targetRevision: this.props.targetRevision });
      default:
        problems.add(`path not given and the App writes ${outputTypeName(app.yamlOutputType)}, where no directory selects only the chart "${chart.node.path}"`,
          YamlOutputType[app.yamlOutputType], 'use YamlOutputType.FILE_PER_CHART (cdk8s\' default) or YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE');
        return undefined;
    }
  }

  /** A given flat `path` must select exactly the deployed chart's files in the App's layout. */
  private validateSourceLayout(): string[] {
    if (this.givenSource === undefined) {
      const problems = new Problems(this);
      this.deriveSource(problems);
      return problems.messages;
    }
    const path = this.props.path;
    const chart = this.deployedChart();
    if (path === undefined || typeof chart === 'string') return [];
    const app = App.of(this);
    const name = chartOutputName(app, chart);
    // a bad outdirInRepo is reported by the constructor's checks of the derived source only; here
    // it just leaves the folder in the fix unknown
    const base = this.outdirInRepo(app, new Problems(this)) ?? '<output folder in the repo>';
    const folder = `${base === '.' ? '' : `${base}/`}${name}`;
    const type = app.yamlOutputType;
    const normalized = trimSlashes(path);
    if (type === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) {
      const last = normalized.split('/').pop();
      if (last === name) return [];
      return [`path "${path}" does not select chart "${chart.node.path}": the App writes FOLDER_PER_CHART_FILE_PER_RESOURCE, one folder per chart, and this chart's folder is "${name}"; use path "${folder}" (or omit path to derive it)`];
    }
    if (type === YamlOutputType.FILE_PER_CHART) {
      return [`path "${path}" cannot select chart "${chart.node.path}": the App writes FILE_PER_CHART (cdk8s' default), every chart as one file in the output folder (this one: ${name}${app.outputFileExtension}), so no folder holds exactly its objects`
        + `; omit path to derive path "${base}" with directory.include "${name}${app.outputFileExtension}", or use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE with path "${folder}"`];
    }
    return [`path "${path}" cannot select chart "${chart.node.path}": the App writes ${outputTypeName(type)}, where no folder holds exactly one chart's objects; use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE with path "${folder}", or omit path with YamlOutputType.FILE_PER_CHART`];
  }

  private checkDestination(props: ArgoCdApplicationProps, problems: Problems): void {
    if (props.destinationServer !== undefined && props.destinationName !== undefined) {
      problems.add('both destinationServer and destinationName are given', { destinationServer: props.destinationServer, destinationName: props.destinationName },
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
        problems.add(`${field} is empty or a wildcard`, value, 'give one exact value: wildcards and empty values are not allowed in destinations');
      }
    }
    if (props.destinationServer !== undefined && !/^https?:\/\/\S+$/.test(props.destinationServer)) {
      problems.add('destinationServer is not an http(s) URL', props.destinationServer, `give the API server URL, e.g. "${ArgoCdApplication.IN_CLUSTER_SERVER}"`);
    }
    if (props.destinationNamespace !== undefined) checkLabel(problems, 'destinationNamespace', props.destinationNamespace);
  }

  private checkRetry(retry: SyncRetry | undefined, problems: Problems): void {
    if (!retry) return;
    if (retry.limit !== undefined && !Number.isInteger(retry.limit)) problems.add('retry limit is not an integer', retry.limit, 'give an integer (negative: retry forever)');
    if (retry.backoffFactor !== undefined && (!Number.isInteger(retry.backoffFactor) || retry.backoffFactor < 1)) {
      problems.add('retry backoffFactor is not an integer >= 1', retry.backoffFactor, 'give an integer >= 1 (Argo CD stores it as an int64)');
    }
    // rendered as "<n>s": a fraction of a second would not convert
    let whole = true;
    for (const [field, value] of [['backoffDuration', retry.backoffDuration], ['backoffMaxDuration', retry.backoffMaxDuration]] as const) {
      const problem = value === undefined ? undefined : secondsProblem(`retry ${field}`, value);
      if (problem) {
        problems.add(problem.what, problem.value, 'give a whole number of seconds, e.g. Duration.seconds(5)');
        whole = false;
      }
    }
    if (!whole) return;
    const duration = retry.backoffDuration?.toSeconds() ?? 5;
    const max = retry.backoffMaxDuration?.toSeconds() ?? 180;
    if (max < duration) {
      problems.add(`retry backoffMaxDuration is shorter than backoffDuration (${duration}s)`, `${max}s`, 'make backoffMaxDuration at least backoffDuration');
    }
  }
}

/** Adds the problems of a directory source's repoUrl and path; whether there were none. */
function addSourceProblems(problems: Problems, repoUrl: string, path: string): boolean {
  let ok = true;
  for (const p of [ApplicationSource._repoUrlProblem(repoUrl), ApplicationSource._pathProblem(path)]) {
    if (p) {
      problems.add(p.what, p.value, p.fix);
      ok = false;
    }
  }
  return ok;
}

function trimSlashes(p: string): string {
  const t = p.replace(/^\.\/+/, '').replace(/\/+$/, '');
  return t === '' ? '.' : t;
}

function outputTypeName(type: YamlOutputType): string {
  switch (type) {
    case YamlOutputType.FILE_PER_APP: return 'FILE_PER_APP (all charts in one file)';
    case YamlOutputType.FILE_PER_RESOURCE: return 'FILE_PER_RESOURCE (every object of every chart as a file in one folder)';
    default: return YamlOutputType[type];
  }
}

/**
 * The file (FILE_PER_CHART) or folder (FOLDER_PER_CHART_FILE_PER_RESOURCE) name cdk8s gives a
 * chart: its DNS label, prefixed with its index in the App's charts when charts depend on each
 * other (`App.synth`'s indexed namers).
 */
function chartOutputName(app: App, chart: Chart): string {
  const name = Names.toDnsLabel(chart);
  // as cdk8s' resolveDependencies: nested charts, or a dependency between constructs of two charts
  // Chart.of without its throw for a construct outside any chart: the closest chart among the scopes
  const chartOf = (c: IConstruct): Chart | undefined => [...c.node.scopes].reverse().find(Chart.isChart);
  // a walk of the whole App: once per synthesis, not once per Application and chart rendered
  const dependent = perSynthesis(app, 'dependent-charts', () => app.node.findAll().some(c => c instanceof Chart && c.node.children.some(x => x instanceof Chart))
    || app.node.findAll().some(c => c.node.dependencies.some(d => chartOf(d) !== chartOf(c))));
  if (!dependent) return name;
  // app.charts sorts every construct of the App: once per synthesis too
  const order = perSynthesis(app, 'chart-order', () => new Map(app.charts.map((c, i) => [c, i])));
  return `${(order.get(chart) ?? -1).toString().padStart(4, '0')}-${name}`;
}

function checkName(problems: Problems, field: string, value: string): void {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
    problems.add(`${field} is not a DNS-1123 subdomain`, value, 'use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
}

function checkLabel(problems: Problems, field: string, value: string): void {
  if (!isDns1123Label(value)) {
    problems.add(`${field} is not a DNS-1123 label`, value, 'use at most 63 lowercase letters, digits and "-"');
  }
}
