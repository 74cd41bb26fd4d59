/**
 * The drift checks shared by test/gitops/drift.test.ts and test/examples-drift.test.ts: the
 * desired objects of one Application, run through every simulated phase of the Rollouts
 * controller and diffed like Argo CD after its ignoreDifferences.
 */
import { deadRules, drift, IgnoreRule } from './argocd-diff';
import { simulateController } from './controller-simulator';

/** Who deploys the desired objects. */
export interface DriftContext {
  /** Name of the Argo CD Application (tracking annotation). */
  readonly applicationName: string;
  /** The Application's destination namespace. */
  readonly destinationNamespace?: string;
}

/** Every drift at every phase, as `phase: object path` lines. */
export async function driftLines(desired: any[], rules: IgnoreRule[], strict: boolean, context: DriftContext): Promise<string[]> {
  const lines: string[] = [];
  for (const phase of simulateController(desired, { applicationName: context.applicationName })) {
    for (const d of await drift(desired, phase.live, rules, { strict, destinationNamespace: context.destinationNamespace })) {
      for (const f of d.fields) lines.push(`${phase.name}: ${d.object} ${f.path}`);
    }
  }
  return lines;
}

/** Whether anything drifts at any phase in either diff mode. */
export async function drifts(desired: any[], rules: IgnoreRule[], context: DriftContext): Promise<boolean> {
  return (await driftLines(desired, rules, false, context)).length > 0 || (await driftLines(desired, rules, true, context)).length > 0;
}

export const ruleLabel = (r: IgnoreRule) => `${r.group ? r.group + '/' : ''}${r.kind} ${r.name}`;

/** The entries whose removal makes no drift appear (each should be needed). */
export async function harmlessEntries(desired: any[], rules: IgnoreRule[], context: DriftContext): Promise<string[]> {
  const harmless: string[] = [];
  for (let i = 0; i < rules.length; i++) {
    if (!await drifts(desired, rules.filter((_, k) => k !== i), context)) harmless.push(ruleLabel(rules[i]));
  }
  return harmless;
}

/** The paths (JSON pointers and jq expressions) whose removal makes no drift appear. */
export async function harmlessPaths(desired: any[], rules: IgnoreRule[], context: DriftContext): Promise<string[]> {
  const harmless: string[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    for (const field of ['jsonPointers', 'jqPathExpressions'] as const) {
      for (const path of rule[field] ?? []) {
        const mutated = rules.map((r, k) => (k === i ? { ...r, [field]: r[field]!.filter(p => p !== path) } : r));
        if (!await drifts(desired, mutated, context)) harmless.push(`${ruleLabel(rule)} ${path}`);
      }
    }
  }
  return harmless;
}

/** Dead rules over the desired objects and every simulated phase. */
export async function deadRulesOverPhases(desired: any[], rules: IgnoreRule[]): Promise<string[]> {
  const phases = simulateController(desired).map(p => p.live);
  return deadRules(rules, desired, phases);
}
