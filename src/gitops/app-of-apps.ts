import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ArgoCdAppProject } from './argocd-app-project';
import { ArgoCdApplication, ArgoCdApplicationProps } from './argocd-application';
import { AutomatedSync, CascadeDelete, SyncOption } from './sync';
import { readableName } from '../private/names';
import { Problems } from '../private/problems';
import { cachedValidation } from '../private/synthesis-cache';

/** Props of `ArgoCdAppOfApps`. */
export interface ArgoCdAppOfAppsProps {
  /** Git repository holding the synthesized YAML, for the root and (by default) every child. */
  readonly repoUrl: string;

  /**
   * Git revision for the root and (by default) every child.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;

  /**
   * Folder of the synthesized charts in the repository. With cdk8s's
   * `YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE`, each chart is in `<chartsPath>/<chart id>`.
   * @default 'dist'
   */
  readonly chartsPath?: string;

  /**
   * Folder the root Application reads, i.e. where the chart holding the child Applications is
   * synthesized.
   * @default - `<chartsPath>/<id of the chart this construct is in>`
   */
  readonly path?: string;

  /**
   * Name of the root Application.
   * @default - derived from the construct id in kebab case (`Platform` → `platform`)
   */
  readonly name?: string;

  /**
   * Argo CD project of the root and (by default) every child.
   * @default 'default'
   */
  readonly project?: string;

  /**
   * Argo CD project defined in this app, for the root and (by default) every child; the root is
   * checked for deploying the chart that holds the child Applications (kind Application).
   * Give this or `project`.
   * @default - the project named by `project`
   */
  readonly appProject?: ArgoCdAppProject;

  /**
   * Automated sync of the root Application.
   * @default - manual sync only
   */
  readonly automatedSync?: AutomatedSync;

  /**
   * Sync options of the root Application.
   * @default - none
   */
  readonly syncOptions?: SyncOption[];

  /**
   * Whether deleting the root deletes the child Applications (and, through their own
   * finalizers, what they deployed).
   * @default CascadeDelete.NONE
   */
  readonly cascadeDelete?: CascadeDelete;

  /**
   * Where the root Application is defined. By default it sits in the same chart as the child
   * Applications, so that it also manages itself after being applied once by hand
   * (`kubectl apply -f <path>`); give another construct (e.g. a bootstrap chart) to keep it out
   * of the folder it reads.
   * @default - this construct
   */
  readonly rootScope?: Construct;
}

/**
 * The app-of-apps pattern: one Argo CD Application per deployed chart (or `CanaryApp`), in the
 * chart for the Argo CD namespace this construct is in, plus a root Application that reads the
 * folder that chart is synthesized to.
 *
 * ```ts
 * const apps = new Chart(app, 'apps', { namespace: 'argocd' });
 * const appOfApps = new ArgoCdAppOfApps(apps, 'platform', { repoUrl: 'https://github.com/acme/platform.git' });
 * appOfApps.addChart(checkoutChart);          // Application "checkout" reading dist/checkout
 * ```
 */
export class ArgoCdAppOfApps extends Construct {
  /** The root Application. */
  public readonly root: ArgoCdApplication;

  private readonly props: ArgoCdAppOfAppsProps;
  private readonly children: ArgoCdApplication[] = [];

  constructor(scope: Construct, id: string, props: ArgoCdAppOfAppsProps) {
    super(scope, id);
    this.props = props;
    const chart = Chart.of(this);
    const problems = new Problems(this);
    if (!chart.namespace) {
      problems.add(`the chart "${chart.node.id}" has no namespace`, `give it the Argo CD namespace, e.g. new Chart(app, '${chart.node.id}', { namespace: 'argocd' })`);
    }
    const chartsPath = props.chartsPath ?? 'dist';
    if (chartsPath.startsWith('/') || chartsPath.split('/').includes('..')) {
      problems.add('chartsPath must be relative to the repository root without ".."', chartsPath, 'give e.g. "dist"');
    }
    problems.throwIfAny();
    const path = props.path ?? `${this.chartsPath}/${chart.node.id}`;
    const rootScope = props.rootScope ?? this;
    this.root = new ArgoCdApplication(rootScope, props.rootScope ? id : 'Root', {
      name: props.name ?? readableName(this),
      project: props.project,
      appProject: props.appProject,
      repoUrl: props.repoUrl,
      path,
      targetRevision: props.targetRevision,
      destinationNamespace: chart.namespace,
      automatedSync: props.automatedSync,
      syncOptions: props.syncOptions,
      cascadeDelete: props.cascadeDelete,
    });
    this.root._addProjectDeploy(chart);
    this.node.addValidation(cachedValidation(() => this.validateNames()));
  }

  /** The child Applications, in the order they were added. */
  public get applications(): ArgoCdApplication[] {
    return [...this.children];
  }

  /**
   * Adds a child Application. `repoUrl`, `targetRevision` and `project` default to the root's
   * when no `source` is given.
   */
  public addApplication(id: string, props: ArgoCdApplicationProps): ArgoCdApplication {
    const inheritsSource = props.source === undefined;
    const child = new ArgoCdApplication(this, id, {
      ...props,
      project: props.project ?? (props.appProject ? undefined : this.props.project),
      appProject: props.appProject ?? (props.project ? undefined : this.props.appProject),
      repoUrl: inheritsSource ? (props.repoUrl ?? this.props.repoUrl) : undefined,
      targetRevision: inheritsSource ? (props.targetRevision ?? this.props.targetRevision) : undefined,
    });
    this.children.push(child);
    return child;
  }

  /**
   * Adds a child Application that deploys a chart: named after the chart's id (in kebab case), reading
   * `<chartsPath>/<chart id>`, with the chart's namespace as destination namespace. Its
   * `ignoreDifferences` come from the runtime-ownership records of the chart.
   *
   * @param chart the chart to deploy
   * @param props overrides, e.g. `path` or `automatedSync`
   */
  public addChart(chart: Chart, props: ArgoCdApplicationProps = {}): ArgoCdApplication {
    const deploys: IConstruct[] = [chart, ...(props.deploys ?? [])];
    return this.addApplication(chart.node.id, {
      ...props,
      path: props.source ? undefined : (props.path ?? `${this.chartsPath}/${chart.node.id}`),
      destinationNamespace: props.destinationNamespace ?? chart.namespace,
      deploys,
    });
  }

  /** The folder of the charts' output (checked by the constructor). */
  private get chartsPath(): string {
    return (this.props.chartsPath ?? 'dist').replace(/\/+$/, '');
  }

  private validateNames(): string[] {
    const seen = new Map<string, string>();
    const problems = new Problems(this);
    const all = this.props.rootScope ? this.children : [this.root, ...this.children];
    for (const application of all) {
      const other = seen.get(application.name);
      if (other) {
        problems.add(`Applications ${other} and ${application.node.path} have the same name`, application.name, 'give one of them another name');
      }
      seen.set(application.name, application.node.path);
    }
    return problems.messages;
  }
}
