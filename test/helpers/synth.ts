import { Chart, Testing, Yaml } from 'cdk8s';
import { validateManifest } from './schema';

/**
 * Synthesizes a chart, validates every object against its upstream schema and checks that a
 * second synthesis of the same chart gives byte-identical YAML.
 */
export function synthValidated(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  for (const manifest of manifests) validateManifest(manifest);
  const again = Testing.synth(chart);
  if (Yaml.stringify(...again) !== Yaml.stringify(...manifests)) {
    throw new Error(`synthesizing ${chart.node.path} twice gave different YAML`);
  }
  return manifests;
}

/**
 * Builds the same chart twice, in two fresh apps, and checks both give byte-identical YAML.
 * Returns the validated manifests of the first.
 */
export function synthDeterministic(build: (chart: Chart) => void): any[] {
  const render = () => {
    const chart = Testing.chart();
    build(chart);
    return synthValidated(chart);
  };
  const first = render();
  const second = render();
  if (Yaml.stringify(...first) !== Yaml.stringify(...second)) {
    throw new Error('building the same chart twice gave different YAML');
  }
  return first;
}

/** The one manifest of the given kind (and name, when several exist). */
export function findManifest(manifests: any[], kind: string, name?: string): any {
  const found = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}
