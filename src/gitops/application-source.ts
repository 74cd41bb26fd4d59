import { ApplicationSpecSource } from '../imports/application-argoproj.io';
import { Problem, Problems } from '../private/problems';

/** Options shared by every source. */
export interface SourceOptions {
  /** URL of the Git repository (or Helm repository for `helmChart`). */
  readonly repoUrl: string;

  /**
   * Git revision (branch, tag, commit) or, for a Helm chart, chart version.
   * @default 'HEAD' (required for `helmChart`)
   */
  readonly targetRevision?: string;
}

/** A directory of plain YAML, e.g. the synthesized output of a cdk8s app. */
export interface DirectorySourceOptions extends SourceOptions {
  /** Path of the directory inside the repository. */
  readonly path: string;

  /**
   * Read sub-directories too.
   * @default false
   */
  readonly recurse?: boolean;

  /**
   * Glob of the files to include, e.g. `*.k8s.yaml`.
   * @default - every YAML, JSON and Jsonnet file
   */
  readonly include?: string;

  /**
   * Glob of the files to exclude.
   * @default - none
   */
  readonly exclude?: string;
}

/** A Helm chart from a Helm (or OCI) repository. */
export interface HelmChartSourceOptions extends SourceOptions {
  /** Name of the chart in the repository. */
  readonly chart: string;

  /**
   * Values, rendered as `helm.valuesObject`.
   * @default - the chart's defaults
   */
  readonly values?: { [key: string]: any };

  /**
   * Helm release name.
   * @default - the Application name
   */
  readonly releaseName?: string;

  /**
   * Value files inside the chart.
   * @default - none
   */
  readonly valueFiles?: string[];
}

/** A Kustomize directory. */
export interface KustomizeSourceOptions extends SourceOptions {
  /** Path of the kustomization inside the repository. */
  readonly path: string;

  /**
   * Prefix added to every object name.
   * @default - none
   */
  readonly namePrefix?: string;

  /**
   * Suffix added to every object name.
   * @default - none
   */
  readonly nameSuffix?: string;

  /**
   * Image overrides, e.g. `ghcr.io/acme/checkout:1.4.3`.
   * @default - none
   */
  readonly images?: string[];

  /**
   * Labels added to every object.
   * @default - none
   */
  readonly commonLabels?: { [key: string]: string };
}

/**
 * Where an Argo CD Application reads its manifests from.
 */
export class ApplicationSource {
  /** A directory of plain YAML (the usual target for synthesized cdk8s output). */
  public static directory(options: DirectorySourceOptions): ApplicationSource {
    checkSource('ApplicationSource.directory', options.repoUrl, options.path);
    const directory = options.recurse || options.include || options.exclude
      ? { recurse: options.recurse || undefined, include: options.include, exclude: options.exclude }
      : undefined;
    return new ApplicationSource({
      repoUrl: options.repoUrl,
      path: options.path,
      targetRevision: options.targetRevision ?? 'HEAD',
      directory,
    });
  }

  /** A Helm chart from a chart repository. */
  public static helmChart(options: HelmChartSourceOptions): ApplicationSource {
    const problems = new Problems('ApplicationSource.helmChart');
    const repo = ApplicationSource._repoUrlProblem(options.repoUrl);
    if (repo) problems.add(repo.what, repo.value, repo.fix);
    if (!options.chart) problems.add('helm chart source: chart is empty', 'set the chart name, e.g. "argo-rollouts"');
    if (!options.targetRevision || options.targetRevision === 'HEAD') {
      problems.add(`helm chart source "${options.chart}": targetRevision is not a chart version`, options.targetRevision ?? '', 'pin one, e.g. "2.39.0"');
    }
    problems.throwIfAny();
    const helm = options.values || options.releaseName || options.valueFiles
      ? { valuesObject: options.values, releaseName: options.releaseName, valueFiles: options.valueFiles }
      : undefined;
    return new ApplicationSource({
      repoUrl: options.repoUrl,
      chart: options.chart,
      targetRevision: options.targetRevision,
      helm,
    });
  }

  /** A Kustomize directory. */
  public static kustomize(options: KustomizeSourceOptions): ApplicationSource {
    checkSource('ApplicationSource.kustomize', options.repoUrl, options.path);
    const kustomize = {
      namePrefix: options.namePrefix,
      nameSuffix: options.nameSuffix,
      images: options.images,
      commonLabels: options.commonLabels,
    };
    return new ApplicationSource({
      repoUrl: options.repoUrl,
      path: options.path,
      targetRevision: options.targetRevision ?? 'HEAD',
      kustomize: Object.values(kustomize).some(v => v !== undefined) ? kustomize : {},
    });
  }

  /**
   * Why a repository URL cannot be used, or undefined.
   * @internal
   */
  public static _repoUrlProblem(repoUrl: string | undefined): Problem | undefined {
    if (repoUrl && !/\s/.test(repoUrl)) return undefined;
    return { what: 'source repoUrl is empty or contains spaces', value: repoUrl ?? '', fix: 'give the repository URL, e.g. "https://github.com/acme/platform.git"' };
  }

  /**
   * Why a path in a repository cannot be used, or undefined.
   * @internal
   */
  public static _pathProblem(path: string | undefined): Problem | undefined {
    if (path && !path.startsWith('/') && !path.split('/').includes('..')) return undefined;
    return { what: 'source path must be a non-empty path relative to the repository root without ".."', value: path ?? '', fix: 'give e.g. "dist/checkout" ("." for the root)' };
  }

  private constructor(private readonly spec: ApplicationSpecSource) {}

  /** URL of the repository. */
  public get repoUrl(): string {
    return this.spec.repoUrl;
  }

  /** @internal */
  public _toSource(): ApplicationSpecSource {
    return this.spec;
  }
}

/** The problems of a repository URL and a path in it, reported against `where`. */
function checkSource(where: string, repoUrl: string, path: string): void {
  const problems = new Problems(where);
  for (const p of [ApplicationSource._repoUrlProblem(repoUrl), ApplicationSource._pathProblem(path)]) if (p) problems.add(p.what, p.value, p.fix);
  problems.throwIfAny();
}
