// Internal: renders and validates AnalysisRunOptions for the Rollout. Not part of the public API.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AnalysisRunOptions, AnalysisUsage, BackgroundAnalysisOptions } from './analysis-run';
import { duplicates, TemplateBody } from './template-body';
import type { RolloutSpecStrategyCanaryAnalysis } from '../imports/rollout-argoproj.io';
import { int32Problem } from '../private/checks';
import { Problems, shown } from '../private/problems';
import type { Wire } from '../private/wire';

const USAGE_TEXT: Record<AnalysisUsage, string> = {
  [AnalysisUsage.STEP]: 'an analysis step',
  [AnalysisUsage.BACKGROUND]: 'background analysis',
  [AnalysisUsage.PRE_PROMOTION]: 'pre-promotion analysis',
  [AnalysisUsage.POST_PROMOTION]: 'post-promotion analysis',
  [AnalysisUsage.TIMED_EXPERIMENT]: 'an experiment analysis',
};

// What the controller accepts in an argument's valueFrom.fieldRef.fieldPath (Argo Rollouts'
// ValidateRollout in pkg/apis/rollouts/validation/validation.go, and utils/analysis/factory.go):
// - a path starting with "metadata" goes to Kubernetes' downward-API extractor
//   (k8s.io/kubernetes/pkg/fieldpath ExtractFieldPathAsString), which supports only
//   metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations and
//   the subscripts metadata.labels['<key>'] / metadata.annotations['<key>'] with a qualified-name
//   key; the dotted form metadata.labels.app is rejected ("unsupported fieldPath");
// - any other path is walked through the Rollout's JSON, split at '.', '[' and ']', and must end
//   in a primitive value; quoted subscripts are not understood there, numeric indexes are.
const METADATA_FIELDS = new Set(['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations']);
const METADATA_SUBSCRIPT = /^metadata\.(labels|annotations)\['([^']*)'\]$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const OBJECT_PATH = /^(spec|status)(\.[A-Za-z0-9_-]+|\[[0-9]+\])+$/;

/** Why the controller cannot resolve a fieldRef path from the Rollout, or undefined when it can. */
export function fieldPathProblem(path: string): string | undefined {
  if (path.startsWith('metadata')) {
    if (METADATA_FIELDS.has(path)) return undefined;
    const m = METADATA_SUBSCRIPT.exec(path);
    if (!m) {
      return 'metadata paths are read like the downward API: use metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'<key>\'] or metadata.annotations[\'<key>\']';
    }
    const prefix = m[2].includes('/') ? m[2].slice(0, m[2].lastIndexOf('/')) : '';
    const key = m[1] === 'annotations' ? m[2].toLowerCase() : m[2];
    if (!QUALIFIED_NAME.test(key) || prefix.length > 253 || key.length - (prefix ? prefix.length + 1 : 0) > 63) {
      return `"${m[2]}" is not a valid ${m[1] === 'labels' ? 'label' : 'annotation'} key`;
    }
    return undefined;
  }
  if (!OBJECT_PATH.test(path)) {
    return 'other paths must be a spec or status path of dotted field names and numeric indexes, e.g. spec.template.metadata.labels.version or status.alb.canaryTargetGroup.name (quoted subscripts only work under metadata)';
  }
  return undefined;
}

/**
 * The controller merges the run's templates into one AnalysisRun and fails it when two metrics,
 * dry-run rules or measurement-retention rules share a name, or when one argument gets two
 * different values (utils/analysis/helpers.go flattenTemplates).
 */
function mergeProblems(where: string, what: string, options: AnalysisRunOptions): string[] {
  const problems = new Problems(where);
  const names = (template: { templateName: string }) => `"${template.templateName}"`;
  const metricOwners = new Map<string, string[]>();
  const values = new Map<string, [string, string]>();
  const dryRun: string[] = [...(options.dryRunMetrics ?? [])];
  const retention: string[] = (options.measurementRetention ?? []).map(r => r.metricName);
  const templateDryRun: string[] = [];
  const templateRetention: string[] = [];
  for (const template of options.templates) {
    const body = TemplateBody.of(template);
    if (!body) continue;
    for (const metric of body.metricNames) metricOwners.set(metric, [...(metricOwners.get(metric) ?? []), names(template)]);
    for (const [arg, value] of body.argumentValues) {
      const previous = values.get(arg);
      if (previous && previous[1] !== value) {
        problems.add(`${where}: templates ${previous[0]} and ${names(template)} give argument "${arg}" different values, and the controller fails the merged AnalysisRun`,
          shown(`"${previous[1]}" and "${value}"`), `give the argument one value (or supply it in the args of ${what})`);
      } else if (!previous) {
        values.set(arg, [names(template), value]);
      }
    }
    templateDryRun.push(...body.dryRunNames);
    templateRetention.push(...body.retentionNames);
  }
  for (const [metric, owners] of metricOwners) {
    if (owners.length > 1) {
      problems.add(`${where}: metric "${metric}" is defined by ${owners.length > new Set(owners).size ? 'one template twice' : `templates ${owners.join(' and ')}`}, and the controller fails the merged AnalysisRun (two metrics have the same name)`,
        shown(`metric "${metric}" ${owners.length} times`), 'rename the metric in one template');
    }
  }
  for (const name of [...duplicates(dryRun), ...duplicates(templateDryRun)]) {
    problems.add(`${where}: dry-run rule for metric "${name}" is given twice across the run and its templates (the controller fails the AnalysisRun)`, shown(`"${name}" twice`), 'give it once');
  }
  for (const name of [...duplicates(retention), ...duplicates(templateRetention)]) {
    problems.add(`${where}: measurement retention for metric "${name}" is given twice across the run and its templates (the controller fails the AnalysisRun)`, shown(`"${name}" twice`), 'give it once');
  }
  return problems.messages;
}

/** Renders the Rollout fields shared by every kind of analysis. */
export function renderAnalysisRun(options: AnalysisRunOptions | BackgroundAnalysisOptions,
  usage: AnalysisUsage = AnalysisUsage.STEP): Wire<RolloutSpecStrategyCanaryAnalysis> {
  const background = options as BackgroundAnalysisOptions;
  const args = [...(options.args ?? [])];
  if (usage === AnalysisUsage.BACKGROUND) {
    // templates whose count is an argument measure until the update ends in the background
    for (const template of options.templates) {
      for (const arg of template.backgroundArguments ?? []) {
        if (!args.some(a => a.name === arg.name)) args.push(arg);
      }
    }
  }
  const metadata = (options.analysisRunLabels || options.analysisRunAnnotations)
    ? { labels: options.analysisRunLabels, annotations: options.analysisRunAnnotations }
    : undefined;
  return {
    templates: options.templates.map(t => ({ templateName: t.templateName, clusterScope: t.clusterScope || undefined })),
    args: args.length > 0 ? args.map(a => a._toKube()) : undefined,
    dryRun: options.dryRunMetrics?.map(metricName => ({ metricName })),
    measurementRetention: options.measurementRetention?.map(r => ({ metricName: r.metricName, limit: r.limit })),
    analysisRunMetadata: metadata,
    startingStep: background.startingStep,
  };
}

/**
 * Validates an analysis as used by `owner` (a Rollout); returns one message per problem,
 * each starting with `where`.
 */
export function validateAnalysisRun(owner: IConstruct, where: string, usage: AnalysisUsage,
  options: AnalysisRunOptions | BackgroundAnalysisOptions): string[] {
  const problems = new Problems(owner);
  const what = USAGE_TEXT[usage];
  if (options.templates.length === 0) {
    problems.add(`${where}: ${what} needs at least one template`, shown('none'), 'add an AnalysisTemplate or ClusterAnalysisTemplate to templates');
  }
  const supplied = new Map<string, number>();
  for (const arg of options.args ?? []) supplied.set(arg.name, (supplied.get(arg.name) ?? 0) + 1);
  for (const [name, count] of supplied) {
    if (count > 1) problems.add(`${where}: argument "${name}" is given more than once`, shown(`${count} times`), 'give each argument once');
  }
  for (const arg of options.args ?? []) {
    const path = arg.fieldPath;
    const problem = path === undefined ? undefined : fieldPathProblem(path);
    if (problem !== undefined) {
      problems.add(`${where}: argument "${arg.name}" reads a fieldRef which the controller cannot resolve from the Rollout`, path, problem);
    }
  }
  problems.addAll(mergeProblems(where, what, options));
  const startingStep = (options as BackgroundAnalysisOptions).startingStep;
  const stepProblem = startingStep === undefined ? undefined : int32Problem(startingStep, 0);
  if (stepProblem) problems.add(`${where}: startingStep ${stepProblem}`, startingStep, 'give the index of a step');
  const chart = Chart.of(owner);
  for (const template of options.templates) {
    const kind = template.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    for (const arg of template.requiredArgs) {
      if (!supplied.has(arg)) {
        problems.add(`${where}: ${kind} "${template.templateName}" needs argument "${arg}", which ${what} does not supply`, (options.args ?? []).map(a => a.name),
          `add AnalysisArgument.value('${arg}', ...) (or podTemplateHash/fieldRef) to its args`);
      }
    }
    // background analysis runs until the update ends, a timed experiment until its duration
    if (usage !== AnalysisUsage.BACKGROUND && usage !== AnalysisUsage.TIMED_EXPERIMENT) {
      for (const metric of template.indefiniteMetrics) {
        problems.add(`${where}: ${kind} "${template.templateName}" has metric "${metric}" with an interval and no count, so it runs indefinitely and ${what} never completes`,
          shown('no count'), 'set a count on the metric');
      }
    }
    if (!template.clusterScope) {
      const definedBy = template.definedBy;
      if (!definedBy || definedBy.node.root !== owner.node.root) {
        problems.add(`${where}: AnalysisTemplate is not defined in this app`, template.templateName,
          'define it with new AnalysisTemplate(...) in this app, reference an existing one with AnalysisTemplate.fromTemplateName(chart, id, name), or use a ClusterAnalysisTemplate');
      } else {
        const templateNs = Chart.of(definedBy).namespace;
        if (templateNs !== chart.namespace) {
          problems.add(`${where}: AnalysisTemplate "${template.templateName}" is in another namespace than the Rollout ("${chart.namespace ?? '<none>'}")`, shown(`"${templateNs ?? '<none>'}"`),
            'a namespaced template must live in the Rollout\'s namespace (or use a ClusterAnalysisTemplate)');
        }
      }
    }
  }
  return problems.messages;
}
