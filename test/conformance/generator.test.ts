import { App } from 'cdk8s';
import { generateCases } from './generator';
import { validateManifest } from '../helpers/schema';

// the conformance runner calls generateCases(seed, 300, 300); override the counts with GENERATOR_VALID/GENERATOR_BROKEN
const VALID = Number(process.env.GENERATOR_VALID ?? 300);
const BROKEN = Number(process.env.GENERATOR_BROKEN ?? 300);

describe('conformance generator', () => {
  test('is deterministic per seed and scales to 300 + 300', () => {
    const a = generateCases(1, 300, 300);
    const b = generateCases(1, 300, 300);
    expect(a.length).toBe(600);
    expect(a.map(c => c.description)).toEqual(b.map(c => c.description));
    expect(a.filter(c => c.valid).length).toBe(300);
    expect(new Set(a.map(c => c.id)).size).toBe(600);
    expect(generateCases(2, 5, 0).map(c => c.description)).not.toEqual(a.slice(0, 5).map(c => c.description));
  });

  test('valid cases of a seed fit in one App (no two collide) and synthesize', () => {
    const app = new App();
    for (const c of generateCases(1, 100, 0)) c.build(app);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test.each([1, 2])(`seed %i: ${VALID} valid cases synthesize and match their upstream schemas`, seed => {
    for (const c of generateCases(seed, VALID, 0)) {
      const app = new App();
      c.build(app);
      try {
        app.synthYaml();
        for (const chart of app.charts) for (const manifest of chart.toJson()) validateManifest(manifest);
      } catch (e: any) {
        throw new Error(`${c.id} (${c.description}): ${e.message}`);
      }
    }
  });

  test(`seed 1: ${BROKEN} broken cases fail at synth naming the construct path and the value`, () => {
    const mistakes = new Set<string>();
    for (const c of generateCases(1, 0, BROKEN)) {
      const app = new App();
      let message: string | undefined;
      try {
        c.build(app);
        app.synthYaml();
      } catch (e: any) {
        message = e.message;
      }
      if (message === undefined) throw new Error(`${c.id} (${c.description}) synthesized without error`);
      if (!/\[[^\]]+\]/.test(message) || !message.includes(c.offending!)) {
        throw new Error(`${c.id} (${c.description}): message lacks the construct path or "${c.offending}": ${message}`);
      }
      mistakes.add(c.mistake!);
    }
    expect(mistakes.size).toBeGreaterThanOrEqual(25);
  });
});
