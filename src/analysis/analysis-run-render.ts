// Internal: renders and validates AnalysisRunOptions for the Rollout. Not part of the public API.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AnalysisRunOptions, AnalysisUsage, BackgroundAnalysisOptions } from './analysis-run';

const USAGE_TEXT: Record<AnalysisUsage, string> = {
  [AnalysisUsage.STEP]: 'an analysis step',
  [AnalysisUsage.BACKGROUND]: 'background analysis',
  [AnalysisUsage.PRE_PROMOTION]: 'pre-promotion analysis',
  [AnalysisUsage.POST_PROMOTION]: 'post-promotion analysis',
};

// Paths the controller can read from the Rollout object (upstream rule a.5 #41 rejects others).
const FIELD_PATH = /^(metadata\.(name|namespace|uid|labels\.[A-Za-z0-9._\/-]+|annotations\.[A-Za-z0-9._\/-]+|labels\['[^']+'\]|annotations\['[^']+'\])|spec\.[A-Za-z0-9.\[\]_-]+|status\.[A-Za-z0-9.\[\]_-]+)$/;

/** Renders the Rollout fields shared by every kind of analysis. */
export function renderAnalysisRun(options: AnalysisRunOptions | BackgroundAnalysisOptions): any {
  const background = options as BackgroundAnalysisOptions;
  const metadata = (options.analysisRunLabels || options.analysisRunAnnotations)
    ? { labels: options.analysisRunLabels, annotations: options.analysisRunAnnotations }
    : undefined;
  return {
    templates: options.templates.map(t => ({ templateName: t.templateName, clusterScope: t.clusterScope || undefined })),
    args: options.args && options.args.length > 0 ? options.args.map(a => a._toKube()) : undefined,
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
  const errors: string[] = [];
  const what = USAGE_TEXT[usage];
  if (options.templates.length === 0) {
    errors.push(`${where}: ${what} needs at least one template; got none`);
  }
  const supplied = new Map<string, number>();
  for (const arg of options.args ?? []) supplied.set(arg.name, (supplied.get(arg.name) ?? 0) + 1);
  for (const [name, count] of supplied) {
    if (count > 1) errors.push(`${where}: argument "${name}" is given ${count} times; give each argument once`);
  }
  for (const arg of options.args ?? []) {
    const path = arg.fieldPath;
    if (path !== undefined && !FIELD_PATH.test(path)) {
      errors.push(`${where}: argument "${arg.name}" reads fieldRef "${path}", which the controller cannot resolve from the Rollout; use metadata.name, metadata.namespace, metadata.labels['key'], metadata.annotations['key'], or a spec/status path`);
    }
  }
  const chart = Chart.of(owner);
  for (const template of options.templates) {
    const kind = template.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    for (const arg of template.requiredArgs) {
      if (!supplied.has(arg)) {
        errors.push(`${where}: ${kind} "${template.templateName}" needs argument "${arg}", which ${what} does not supply; add AnalysisArgument.value('${arg}', ...) (or podTemplateHash/fieldRef) to its args`);
      }
    }
    if (usage !== AnalysisUsage.BACKGROUND) {
      for (const metric of template.indefiniteMetrics) {
        errors.push(`${where}: ${kind} "${template.templateName}" has metric "${metric}" with an interval and no count, so it runs indefinitely and ${what} never completes; set a count on the metric`);
      }
    }
    if (!template.clusterScope) {
      const definedBy = template.definedBy;
      if (!definedBy || definedBy.node.root !== owner.node.root) {
        errors.push(`${where}: AnalysisTemplate "${template.templateName}" is not defined in this app; define it with new AnalysisTemplate(...) in this app, or use a ClusterAnalysisTemplate`);
      } else {
        const templateNs = Chart.of(definedBy).namespace;
        if (templateNs !== chart.namespace) {
          errors.push(`${where}: AnalysisTemplate "${template.templateName}" is in namespace "${templateNs ?? '<none>'}" but the Rollout is in "${chart.namespace ?? '<none>'}"; a namespaced template must live in the Rollout's namespace (or use a ClusterAnalysisTemplate)`);
        }
      }
    }
  }
  return errors;
}
