/**
 * Every ```ts snippet of README.md and docs/*.md type-checks against the library, with the
 * compiler options of tsconfig.dev.json, in one TypeScript program.
 *
 * Each snippet becomes an in-memory module. `cdk8s-rollouts` resolves to src/index.ts, `cdk8s-rollouts-aws` to packages/cdk8s-rollouts-aws/src/index.ts. What a
 * snippet uses without importing or declaring it is supplied:
 * - library, cdk8s and `fs` names, and the `kplus`, `cdk`, `iam`, `eks` namespaces: imported;
 * - the objects a guide assumes from its context (`chart`, `app`, `stack`, `cluster`, the
 *   Services `active`, `stable`, ...; see CONTEXT): declared with their types.
 * A snippet that must not be compiled is marked with `<!-- snippet: no-compile -->` on the line
 * before its fence.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const NO_COMPILE = '<!-- snippet: no-compile -->';
const MARKDOWN = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

/** Objects the guides take from their context, by name, with their types. */
const CONTEXT: Record<string, string> = {
  app: "import('cdk8s').App",
  chart: "import('cdk8s').Chart",
  argocd: "import('cdk8s').Chart",
  checkoutChart: "import('cdk8s').Chart",
  paymentsChart: "import('cdk8s').Chart",
  platformChart: "import('cdk8s').Chart",
  active: "import('cdk8s-plus-28').Service",
  preview: "import('cdk8s-plus-28').Service",
  stable: "import('cdk8s-plus-28').Service",
  canary: "import('cdk8s-plus-28').Service",
  root: "import('cdk8s-plus-28').Service",
  ping: "import('cdk8s-plus-28').Service",
  pong: "import('cdk8s-plus-28').Service",
  service: "import('cdk8s-plus-28').Service",
  ingress: "import('cdk8s-rollouts').AlbIngress",
  vs: "import('cdk8s-rollouts').IstioVirtualService",
  successRate: "import('cdk8s-rollouts').AnalysisTemplate",
  repoUrl: 'string',
  awsApp: "import('aws-cdk-lib').App",
  stack: "import('aws-cdk-lib').Stack",
  cluster: "import('aws-cdk-lib/aws-eks').Cluster",
  oidc: "import('aws-cdk-lib/aws-iam').IOpenIdConnectProvider",
  providerArn: 'string',
  role: "import('cdk8s-rollouts-aws').RolloutsControllerRole",
};

/** Namespaces imported as a whole when a snippet uses them. */
const NAMESPACES: Record<string, string> = {
  kplus: 'cdk8s-plus-28',
  cdk: 'aws-cdk-lib',
  iam: 'aws-cdk-lib/aws-iam',
  eks: 'aws-cdk-lib/aws-eks',
  fs: 'fs',
};

/** The source of each package's entry point. */
const PACKAGES: Record<string, string> = {
  'cdk8s-rollouts': path.join(ROOT, 'src'),
  'cdk8s-rollouts-aws': path.join(ROOT, 'packages', 'cdk8s-rollouts-aws', 'src'),
};

/** Names exported by a package's src/index.ts (the files it re-exports, read as text). */
function libraryExports(srcDir: string): string[] {
  const index = fs.readFileSync(path.join(srcDir, 'index.ts'), 'utf-8');
  const names = new Set<string>();
  for (const [, file] of index.matchAll(/export \* from '\.\/(.+)';/g)) {
    const text = fs.readFileSync(path.join(srcDir, `${file}.ts`), 'utf-8');
    for (const [, name] of text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|type|enum|const|function) (\w+)/gm)) names.add(name);
  }
  return [...names];
}

/** Module of each importable name. */
const IMPORTABLE = new Map<string, string>([
  ...Object.entries(PACKAGES).flatMap(([pkg, dir]) => libraryExports(dir).map(n => [n, pkg] as [string, string])),
  ...['App', 'Chart', 'Duration', 'YamlOutputType', 'ApiObject', 'JsonPatch', 'Size', 'Testing', 'Yaml'].map(n => [n, 'cdk8s'] as [string, string]),
]);

interface Snippet {
  /** `file:line`, the line of the fence */
  readonly where: string;
  readonly file: string;
  /** 1-based line of the first code line in the markdown file */
  readonly firstLine: number;
  readonly code: string;
}

function extract(file: string): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const previous = lines.slice(0, i).reverse().find(l => l.trim() !== '');
    if (['ts', 'typescript'].includes(open[2]) && previous?.trim() !== NO_COMPILE) {
      snippets.push({ where: `${file}:${i + 1}`, file, firstLine: i + 2, code: lines.slice(i + 1, end).map(l => l.slice(open[1].length)).join('\n') });
    }
    i = end;
  }
  return snippets;
}

/** Names a snippet binds at top level (imports, variables, functions, classes). */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The header that supplies what the snippet uses and does not bind. */
function header(code: string): string {
  const declared = declaredNames(code);
  const uses = (name: string) => !declared.has(name) && new RegExp(`(?<![\\w.$'"])${name}\\b`).test(code);
  const lines: string[] = [];
  const named = new Map<string, string[]>();
  for (const [name, from] of IMPORTABLE) if (uses(name)) named.set(from, [...(named.get(from) ?? []), name]);
  for (const [from, names] of named) lines.push(`import { ${names.join(', ')} } from '${from}';`);
  for (const [name, from] of Object.entries(NAMESPACES)) if (uses(name)) lines.push(`import * as ${name} from '${from}';`);
  for (const [name, type] of Object.entries(CONTEXT)) if (uses(name)) lines.push(`declare const ${name}: ${type};`);
  return lines.join(' ');
}

interface Compiled {
  readonly snippet: Snippet;
  readonly fileName: string;
}

function compileAll(snippets: Snippet[]): Map<string, string[]> {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.dev.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    // snippets show a construct call and move on
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: Object.fromEntries(Object.entries(PACKAGES).map(([pkg, dir]) => [pkg, [path.join(dir, 'index.ts')]])),
  };
  (options as any).pathsBasePath = ROOT;

  const files = new Map<string, string>();
  const compiled: Compiled[] = snippets.map((snippet, i) => {
    // one line of header, so the snippet's lines are offset by exactly one
    const fileName = path.join(ROOT, 'test', '__doc_snippets__', `${snippet.file.replace(/[/.]/g, '_')}_${i}.ts`);
    files.set(fileName, `${header(snippet.code)} export {};\n${snippet.code}\n`);
    return { snippet, fileName };
  });

  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = f => files.has(f) || fileExists.call(host, f);
  host.readFile = f => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => (files.has(f)
    ? ts.createSourceFile(f, files.get(f)!, languageVersion, true, ts.ScriptKind.TS)
    : getSourceFile.call(host, f, languageVersion, onError, shouldCreate));

  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const result = new Map<string, string[]>();
  for (const { snippet, fileName } of compiled) {
    const source = program.getSourceFile(fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    result.set(snippet.where, diagnostics.map(d => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.start === undefined) return message;
      const { line, character } = source.getLineAndCharacterOfPosition(d.start);
      return line === 0
        ? `${snippet.where} (supplied header): ${message}`
        : `${snippet.file}:${snippet.firstLine + line - 1}:${character + 1}: TS${d.code} ${message}`;
    }));
  }
  return result;
}

const snippets = MARKDOWN.flatMap(extract);

describe('TypeScript snippets in README.md and docs/*.md compile', () => {
  let diagnostics: Map<string, string[]>;
  beforeAll(() => {
    diagnostics = compileAll(snippets);
  });

  test('there are snippets to check in the README and every guide', () => {
    for (const file of MARKDOWN) expect({ file, found: snippets.some(s => s.file === file) }).toEqual({ file, found: true });
  });

  test.each(snippets.map(s => [s.where, s] as const))('%s', (_where, snippet) => {
    expect(diagnostics.get(snippet.where)).toEqual([]);
  });
});

describe('snippet extraction', () => {
  test('finds ts fences, skips other languages and no-compile blocks, keeps line numbers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snippet-extract-'));
    try {
      const file = path.relative(ROOT, path.join(dir, 'x.md'));
      fs.writeFileSync(path.join(ROOT, file), [
        '# t', '```ts', 'const a = 1;', '```', '```yaml', 'a: 1', '```', NO_COMPILE, '', '```ts', 'partial(', '```', '```typescript', 'let b;', '```',
      ].join('\n'));
      expect(extract(file).map(s => [s.firstLine, s.code])).toEqual([[3, 'const a = 1;'], [14, 'let b;']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('supplies imports and context only for names the snippet uses and does not bind', () => {
    expect(header("import { Step } from 'cdk8s-rollouts';\nconst chart = new Chart(app, 'c');\nStep.pause();\nnew kplus.Service(chart, 's');"))
      .toBe("import { Chart } from 'cdk8s'; import * as kplus from 'cdk8s-plus-28'; declare const app: import('cdk8s').App;");
  });
});
