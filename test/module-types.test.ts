/*
 * The types each module system gets. TypeScript types an import by the
 * declaration file that package.json `exports` gives for the condition it
 * resolved (`import` or `require`), and reads a .d.ts here as CommonJS: the ES
 * module entries need their own .d.mts, or an ESM consumer compiles against
 * CommonJS types ("masquerading as CJS", as @arethetypeswrong/cli says).
 *
 * The fixtures in test/types/consumers (an .mts and a .cts file, strict, with
 * moduleResolution node16) import the package by name, which TypeScript
 * resolves through this package's own `exports` (a self-reference), as it
 * would from a consumer's node_modules. tsc --explainFiles says which file
 * each import resolved to.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// This file runs from build/test.
const packageRoot = path.resolve(__dirname, '../..');
const CONSUMERS = 'test/types/consumers';

interface TypeCheck {
  status: number | null;
  output: string;
}

function typeCheck(): TypeCheck {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [packageRoot] });
  const result = spawnSync(process.execPath, [tsc, '--pretty', 'false', '--explainFiles', '-p', CONSUMERS], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The declaration files tsc read for `specifier` imported from `consumer`. */
function resolvedFor(check: TypeCheck, specifier: string, consumer: string): string[] {
  const imported = `  Imported via '${specifier}' from file '${CONSUMERS}/${consumer}'`;
  const files: string[] = [];
  let file = '';
  for (const line of check.output.split('\n')) {
    if (!line.startsWith(' ')) file = line;
    else if (line.startsWith(imported) && !files.includes(file)) files.push(file);
  }
  return files;
}

describe('the types of each module system (moduleResolution node16)', () => {
  let check: TypeCheck;

  before(function () {
    this.timeout(120_000);
    for (const file of ['index.d.ts', 'index.mjs']) {
      assert.ok(fs.existsSync(path.join(packageRoot, 'build', 'src', file)), 'run `npm run build` first');
    }
    check = typeCheck();
  });

  it('type-checks a strict ESM consumer and a strict CommonJS consumer', () => {
    const errors = check.output.split('\n').filter(line => /error TS\d+/.test(line));
    assert.deepEqual(errors, []);
    assert.equal(check.status, 0, check.output.slice(-2000));
  });

  it('gives an ESM import the .d.mts of each entry', () => {
    assert.deepEqual(resolvedFor(check, 'otel-request-signals', 'esm.mts'), ['build/src/index.d.mts']);
    assert.deepEqual(resolvedFor(check, 'otel-request-signals/register', 'esm.mts'), ['build/src/register.d.mts']);
  });

  it('gives a CommonJS import the .d.ts of each entry', () => {
    assert.deepEqual(resolvedFor(check, 'otel-request-signals', 'cjs.cts'), ['build/src/index.d.ts']);
    assert.deepEqual(resolvedFor(check, 'otel-request-signals/register', 'cjs.cts'), ['build/src/register.d.ts']);
  });
});
