// Synthesizes every examples/<name>/main.ts into examples/<name>/dist/, in one process.
import * as fs from 'fs';
import * as path from 'path';
import { exampleReadme } from './example-readmes';

const examplesDir = path.join(__dirname, '..', 'examples');
const only = process.argv.slice(2);

for (const name of fs.readdirSync(examplesDir).sort()) {
  const main = path.join(examplesDir, name, 'main.ts');
  if (!fs.existsSync(main) || (only.length > 0 && !only.includes(name))) continue;
  const outdir = path.join(examplesDir, name, 'dist');
  fs.rmSync(outdir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = outdir;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- each example is a real cdk8s app that synthesizes on load
  require(main);
  fs.writeFileSync(path.join(examplesDir, name, 'README.md'), exampleReadme(path.join(examplesDir, name)));
  console.log(`synthesized examples/${name} -> ${path.relative(process.cwd(), outdir)} (and its README)`);
}
