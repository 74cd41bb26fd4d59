import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { exampleReadme } from '../scripts/example-readmes';
import { validateManifest } from './helpers/schema';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const examples = fs.readdirSync(EXAMPLES).filter(name => fs.existsSync(path.join(EXAMPLES, name, 'main.ts'))).sort();

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? listFiles(path.join(dir, entry.name)).map(f => path.join(entry.name, f))
    : [entry.name]).sort();
}

describe.each(examples)('example %s', (name) => {
  const committed = path.join(EXAMPLES, name, 'dist');
  let fresh: string;

  beforeAll(() => {
    fresh = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = fresh;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- each example synthesizes on load
        require(path.join(EXAMPLES, name, 'main.ts'));
      });
    } finally {
      process.env.CDK8S_OUTDIR = previous;
    }
  });

  afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

  test('committed dist/ is byte-identical to a fresh synth (run `npx projen synth:examples`)', () => {
    const files = listFiles(fresh);
    expect(files.length).toBeGreaterThan(0);
    expect(listFiles(committed)).toEqual(files);
    for (const file of files) {
      expect({ file, content: fs.readFileSync(path.join(committed, file), 'utf-8') })
        .toEqual({ file, content: fs.readFileSync(path.join(fresh, file), 'utf-8') });
    }
  });

  test('README.md has the current release plan of every Rollout (run `npx projen synth:examples`)', () => {
    const readme = path.join(EXAMPLES, name, 'README.md');
    expect(fs.existsSync(readme) ? fs.readFileSync(readme, 'utf-8') : '(no README.md)').toEqual(exampleReadme(path.join(EXAMPLES, name)));
  });

  test('every synthesized Kubernetes object validates against its upstream schema', () => {
    for (const file of listFiles(fresh).filter(f => f.endsWith('.yaml'))) {
      for (const manifest of Yaml.load(path.join(fresh, file))) validateManifest(manifest);
    }
  });
});
