import { ApiObject, ApiObjectMetadata, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type * as argo from '../imports/appproject-argoproj.io';
import { appProjectL1 } from '../private/l1-modules';
import { readableName } from '../private/names';
import { registerObject } from '../private/object-registry';
import { applyPatchesLast } from '../private/patches';
import { Problems } from '../private/problems';
import { cachedValidation } from '../private/synthesis-cache';

/** A Kubernetes API group and kind an Argo CD project allows. */
export interface ProjectResourceKind {
  /** API group: '' for the core group (Service, ConfigMap), '*' for any group. */
  readonly group: string;

  /** Kind, e.g. 'Deployment', or '*' for any kind. */
  readonly kind: string;
}

/** A place an Argo CD project lets its Applications deploy to. */
export interface ProjectDestination {
  /**
   * API server URL of the cluster (a glob such as '*' allowed). Give this or `name`.
   * @default - `name` must be given
   */
  readonly server?: string;

  /**
   * Name of the cluster in Argo CD (a glob allowed). Give this or `server`.
   * @default - `server` must be given
   */
  readonly name?: string;

  /** Namespace (a glob such as 'team-*' allowed; prefix '!' to deny). */
  readonly namespace: string;
}

/** Props of `ArgoCdAppProject`. */
export interface ArgoCdAppProjectProps {
  /**
   * `metadata.name` of the project; Applications refer to it by this name.
   * @default - derived from the construct id in kebab case (`Shop` → `shop`)
   */
  readonly name?: string;

  /**
   * Extra metadata (labels, annotations) of the AppProject; its namespace is the chart's (the
   * Argo CD namespace), where its Applications must be too.
   * @default - none
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Description shown in the Argo CD UI.
   * @default - none
   */
  readonly description?: string;

  /**
   * Git (or Helm) repositories the project's Applications may read (globs allowed).
   * @default - derived: the repository of each Application in the project
   */
  readonly sourceRepos?: string[];

  /**
   * Clusters and namespaces the project's Applications may deploy to.
   * @default - derived: per Application, its destination cluster with its destination namespace
   * and the namespace of every object it deploys
   */
  readonly destinations?: ProjectDestination[];

  /**
   * Cluster-scoped kinds the Applications may create (Argo CD denies all others).
   * @default - derived: the cluster-scoped kinds the Applications' deployed constructs emit
   * (none when they emit none)
   */
  readonly clusterResources?: ProjectResourceKind[];

  /**
   * Namespaced kinds the Applications may create (Argo CD denies all others once the list is set).
   * @default - derived: the namespaced kinds the Applications' deployed constructs emit
   */
  readonly namespaceResources?: ProjectResourceKind[];
}

/**
 * What a project needs to know about an Application placed in it. Implemented by
 * `ArgoCdApplication`; internal.
 * @internal
 */
export interface _ProjectMember extends IConstruct {
  /** @internal */
  _projectView(): _ProjectMemberView;
  /**
   * The view, or undefined when the member cannot say where its source is (it reports that itself).
   * @internal
   */
  _checkedProjectView(): _ProjectMemberView | undefined;
}

/** @internal */
export interface _ProjectMemberView {
  readonly repoUrl: string;
  readonly server?: string;
  readonly clusterName?: string;
  readonly destinationNamespace?: string;
  readonly applicationNamespace?: string;
  /** undefined: the Application's objects are not known to this app */
  readonly deploys?: IConstruct[];
}

/** Kinds without a namespace, by group: the Kubernetes built-ins and the Argo ones. */
const CLUSTER_SCOPED: { [group: string]: string[] } = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'networking.k8s.io': ['IngressClass'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'scheduling.k8s.io': ['PriorityClass'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'argoproj.io': ['ClusterAnalysisTemplate'],
};

interface DeployedObject {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly clusterScoped: boolean;
}

/**
 * An Argo CD `AppProject`: the repositories, destinations and kinds its Applications may use.
 * Place Applications in it with their `appProject` prop (or `ArgoCdAppOfApps`' `appProject`).
 * Whatever is not given is derived from the Applications, so by default the project allows
 * exactly what its Applications deploy; whatever is given is checked at synth against every
 * object the Applications deploy.
 *
 * ```ts
 * const shop = new ArgoCdAppProject(argocd, 'shop', { description: 'checkout team' });
 * new ArgoCdApplication(argocd, 'checkout', { repoUrl, appProject: shop, deploys: [checkoutChart] });
 * ```
 */
export class ArgoCdAppProject extends Construct {
  /** `metadata.name` of the project. */
  public readonly projectName: string;

  /** The underlying `argoproj.io/v1alpha1` `AppProject` object. */
  public readonly apiObject: ApiObject;

  private readonly props: ArgoCdAppProjectProps;
  private readonly members: _ProjectMember[] = [];

  constructor(scope: Construct, id: string, props: ArgoCdAppProjectProps = {}) {
    super(scope, id);
    this.props = props;
    this.projectName = props.name ?? readableName(this);
    const problems = new Problems(this);
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(this.projectName)) {
      problems.add('name is not a DNS-1123 subdomain', this.projectName, 'use lowercase letters, digits, "-" and ".", e.g. "shop"');
    }
    for (const r of [...props.clusterResources ?? [], ...props.namespaceResources ?? []]) {
      if (r.kind === '') problems.add(`resource kind is empty (group "${r.group}")`, r.kind, 'give a kind, e.g. "Deployment", or "*" for any');
    }
    for (const d of props.destinations ?? []) {
      if ((d.server === undefined) === (d.name === undefined)) {
        problems.add(`destination for namespace "${d.namespace}" has ${d.server === undefined ? 'neither server nor name' : 'both server and name'}`, d,
          'give exactly one of server (API server URL) or name (the cluster\'s name in Argo CD)');
      }
      if (d.namespace === '') problems.add('destination namespace is empty', d.namespace, 'give a namespace, or "*" for any');
    }
    for (const repo of props.sourceRepos ?? []) {
      if (repo === '' || /\s/.test(repo)) problems.add('sourceRepos entry is empty or contains spaces', repo, 'give a repository URL or glob, e.g. "https://github.com/acme/*"');
    }
    problems.throwIfAny();
    this.apiObject = new (appProjectL1().AppProject)(this, 'Resource', {
      metadata: { ...props.metadata, name: this.projectName },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.node.defaultChild = this.apiObject;
    applyPatchesLast(this.apiObject);
    registerObject(this, this.apiObject);
    this.node.addValidation(cachedValidation(() => this.validateMembers()));
  }

  /**
   * Places an Application in this project (its `appProject` prop does this).
   * @internal
   */
  public _addMember(member: _ProjectMember): void {
    if (!this.members.includes(member)) this.members.push(member);
  }

  /** @internal */
  public _toKube(): argo.AppProjectSpec {
    const sorted = (kinds: ProjectResourceKind[]) => kinds.length ? [...kinds].sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`)) : undefined;
    return {
      description: this.props.description,
      sourceRepos: this.sourceRepos(),
      destinations: this.destinations().map(d => ({ server: d.server, name: d.name, namespace: d.namespace })),
      clusterResourceWhitelist: sorted(this.props.clusterResources ?? this.derivedKinds(true)),
      namespaceResourceWhitelist: sorted(this.props.namespaceResources ?? this.derivedKinds(false)),
    };
  }

  private sourceRepos(): string[] {
    if (this.props.sourceRepos) return [...this.props.sourceRepos];
    return unique(this.members.map(m => m._projectView().repoUrl)).sort();
  }

  private destinations(): ProjectDestination[] {
    if (this.props.destinations) return [...this.props.destinations];
    const seen = new Map<string, ProjectDestination>();
    for (const m of this.members) {
      const view = m._projectView();
      const namespaces = new Set<string>();
      if (view.destinationNamespace) namespaces.add(view.destinationNamespace);
      for (const o of this.objectsOf(view)) if (!o.clusterScoped && o.namespace) namespaces.add(o.namespace);
      for (const namespace of namespaces) {
        const d: ProjectDestination = { server: view.clusterName ? undefined : view.server, name: view.clusterName, namespace };
        seen.set(JSON.stringify([d.server, d.name, d.namespace]), d);
      }
    }
    return [...seen.values()].sort((a, b) => `${a.server ?? a.name}/${a.namespace}`.localeCompare(`${b.server ?? b.name}/${b.namespace}`));
  }

  private derivedKinds(clusterScoped: boolean): ProjectResourceKind[] {
    const seen = new Map<string, ProjectResourceKind>();
    for (const m of this.members) {
      for (const o of this.objectsOf(m._projectView())) {
        if (o.clusterScoped === clusterScoped) seen.set(`${o.group}/${o.kind}`, { group: o.group, kind: o.kind });
      }
    }
    return [...seen.values()];
  }

  private objectsOf(view: _ProjectMemberView): DeployedObject[] {
    const objects: DeployedObject[] = [];
    for (const construct of view.deploys ?? []) {
      for (const c of construct.node.findAll()) {
        if (!(c instanceof ApiObject)) continue;
        const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
        const clusterScoped = (CLUSTER_SCOPED[group] ?? []).includes(c.kind);
        objects.push({
          group,
          kind: c.kind,
          name: c.name,
          clusterScoped,
          namespace: clusterScoped ? undefined : (c.metadata.namespace ?? view.destinationNamespace),
        });
      }
    }
    return objects;
  }

  private validateMembers(): string[] {
    const problems = new Problems(this);
    const projectNamespace = Chart.of(this).namespace;
    const needsDeploys = this.props.namespaceResources === undefined || this.props.destinations === undefined;
    for (const m of this.members) {
      const view = m._checkedProjectView();
      if (view === undefined) continue; // the Application reports its own source problem
      const app = `Application ${m.node.path}`;
      if (view.applicationNamespace !== projectNamespace) {
        problems.add(`${app} is not in the namespace of its AppProject "${this.projectName}" ("${projectNamespace ?? '<none>'}")`, view.applicationNamespace ?? '<none>',
          'Argo CD looks the project up in the Application\'s namespace: put both in the Argo CD namespace');
      }
      if (view.deploys === undefined && needsDeploys) {
        problems.add(`${app} deploys nothing this app defines, so AppProject "${this.projectName}" cannot derive the namespaces and kinds it may use`, [],
          'give the Application deploys, or give the project destinations and namespaceResources');
      }
      if (this.props.sourceRepos && !this.props.sourceRepos.some(p => globMatch(p, view.repoUrl))) {
        problems.add(`${app} reads a repository AppProject "${this.projectName}" does not allow (sourceRepos: ${this.props.sourceRepos.join(', ')})`, view.repoUrl, 'add it to sourceRepos');
      }
      const destinations = this.props.destinations;
      const cluster = view.clusterName ? `cluster "${view.clusterName}"` : `server "${view.server}"`;
      const objects = this.objectsOf(view);
      if (destinations) {
        const namespaces = new Set<string>();
        if (view.destinationNamespace) namespaces.add(view.destinationNamespace);
        for (const o of objects) if (!o.clusterScoped && o.namespace) namespaces.add(o.namespace);
        for (const ns of namespaces) {
          if (!destinationAllowed(destinations, view, ns)) {
            problems.add(`${app} deploys to a namespace on ${cluster} that AppProject "${this.projectName}" does not allow`, ns,
              `add { ${view.clusterName ? `name: '${view.clusterName}'` : `server: '${view.server}'`}, namespace: '${ns}' } to its destinations`);
          }
        }
      }
      for (const clusterScoped of [true, false]) {
        const allowed = clusterScoped ? this.props.clusterResources : this.props.namespaceResources;
        if (!allowed) continue;
        const field = clusterScoped ? 'clusterResources' : 'namespaceResources';
        const reported = new Set<string>();
        for (const o of objects.filter(x => x.clusterScoped === clusterScoped)) {
          const key = `${o.group}/${o.kind}`;
          if (reported.has(key) || allowed.some(r => globMatch(r.group, o.group) && globMatch(r.kind, o.kind))) continue;
          reported.add(key);
          problems.add(`${app} deploys ${o.kind} "${o.name}", a ${clusterScoped ? 'cluster-scoped' : 'namespaced'} kind AppProject "${this.projectName}" does not allow`, { group: o.group, kind: o.kind },
            `add { group: '${o.group}', kind: '${o.kind}' } to its ${field}`);
        }
      }
    }
    return problems.messages;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Argo CD's destination rule: a denying ('!') match wins, else any allowing match. */
function destinationAllowed(destinations: ProjectDestination[], view: _ProjectMemberView, namespace: string): boolean {
  const clusterMatches = (d: ProjectDestination) => view.clusterName !== undefined
    ? d.name !== undefined && globMatch(d.name, view.clusterName)
    : d.server !== undefined && globMatch(d.server, view.server ?? '');
  let allowed = false;
  for (const d of destinations) {
    if (!clusterMatches(d)) continue;
    if (d.namespace.startsWith('!')) {
      if (globMatch(d.namespace.slice(1), namespace)) return false;
    } else if (globMatch(d.namespace, namespace)) {
      allowed = true;
    }
  }
  return allowed;
}

/** A glob with '*' (any characters) and '?' (one character), as Argo CD's project patterns. */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}
