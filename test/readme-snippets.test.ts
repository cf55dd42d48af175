import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * Every JavaScript and TypeScript block of README.md, CONTRIBUTING.md and
 * docs/, as a user would copy it: JavaScript runs in a child process
 * against the built package (ES modules when the block imports), TypeScript
 * is type-checked against the published declarations. A block that uses
 * the request signals without requiring them gets the one line the README
 * says it assumes.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'build', 'snippets');
const ASSUMED = "const { requestStarted, requestFinished, gotRequestException } = require('otel-request-signals');\n";

interface Snippet {
  file: string;
  line: number;
  language: 'js' | 'ts';
  code: string;
}

function snippetsOf(file: string): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(js|ts)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const start = i + 1;
    const indent = /^\s*/.exec(lines[i])?.[0].length ?? 0;
    while (i + 1 < lines.length && !/^\s*```\s*$/.test(lines[i + 1])) i++;
    const code = lines
      .slice(start, i + 1)
      .map(line => line.slice(indent))
      .join('\n');
    snippets.push({ file, line: start, language: open[1] as 'js' | 'ts', code });
    i++;
  }
  return snippets;
}

const docs = fs.existsSync(path.join(ROOT, 'docs'))
  ? fs
      .readdirSync(path.join(ROOT, 'docs'))
      .filter(name => name.endsWith('.md'))
      .map(name => path.join('docs', name))
  : [];
const SNIPPETS = ['README.md', 'CONTRIBUTING.md', ...docs].flatMap(snippetsOf);

function prepared(snippet: Snippet): { name: string; code: string } {
  const isModule = /^import\s/m.test(snippet.code);
  const base = `${snippet.file.replace(/[/.]/g, '-')}-${snippet.line}`;
  if (snippet.language === 'ts') return { name: `${base}.ts`, code: snippet.code };
  const needsSignals =
    /\b(requestStarted|requestFinished|gotRequestException)\b/.test(snippet.code) &&
    !/require\('otel-request-signals'\)|from 'otel-request-signals'/.test(snippet.code);
  return { name: `${base}.${isModule ? 'mjs' : 'js'}`, code: (needsSignals ? ASSUMED : '') + snippet.code };
}

interface SnippetRun {
  status: number | null;
  stderr: string;
}

/** Writes the snippet as a user would save it and runs it; resolves with how it exited. */
function runSnippet(snippet: Snippet): Promise<SnippetRun> {
  const { name, code } = prepared(snippet);
  const file = path.join(WORK, name);
  fs.writeFileSync(file, code);
  // No exporter and no network: the snippets that start an SDK only start it.
  const env = {
    ...process.env,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [file],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 20000 },
      (error, _stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
      }
    );
  });
}

const javascript = SNIPPETS.filter(candidate => candidate.language === 'js');

describe('the documentation snippets, as printed', function () {
  this.timeout(60000);
  // Every snippet's process at once; each test awaits its own.
  let runs: Array<Promise<SnippetRun>>;
  before(() => {
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    runs = javascript.map(runSnippet);
  });

  it('finds the snippets', () => {
    assert.ok(SNIPPETS.filter(snippet => snippet.file === 'README.md').length >= 3, 'README.md');
    assert.ok(SNIPPETS.filter(snippet => snippet.file.startsWith('docs')).length >= 5, 'docs/');
  });

  javascript.forEach((snippet, i) => {
    it(`${snippet.file}:${snippet.line} runs`, async () => {
      const run = await runs[i];
      assert.equal(run.status, 0, `${snippet.file}:${snippet.line} exited ${run.status}\n${run.stderr}`);
    });
  });

  const typescript = SNIPPETS.filter(snippet => snippet.language === 'ts');
  if (typescript.length > 0) {
    it(`type-checks the ${typescript.length} TypeScript snippet(s) against the published declarations`, () => {
      const files = typescript.map(snippet => {
        const { name, code } = prepared(snippet);
        fs.writeFileSync(path.join(WORK, name), code);
        return name;
      });
      const tsconfig = {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'commonjs',
          moduleResolution: 'node',
          target: 'ES2022',
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules', '@types')],
          skipLibCheck: true,
          baseUrl: '.',
          paths: { 'otel-request-signals': [path.join(ROOT, 'build', 'src', 'index.d.ts')] },
        },
        files,
      };
      fs.writeFileSync(path.join(WORK, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      try {
        execFileSync(process.execPath, [tsc, '-p', WORK], { encoding: 'utf8' });
      } catch (error) {
        assert.fail(`tsc: ${(error as { stdout?: string }).stdout ?? String(error)}`);
      }
    });
  }
});
