/*
 * The types users get from Signal and receiver(). The fixtures in
 * test/types/ are type-checked by tsc (one program, both copies): against the
 * sources (as the main build does), and against the emitted declarations
 * (build/src/*.d.ts, what the package ships and what users compile against;
 * the two can differ, as private members lose their types there), through a
 * copy in build/types-check that imports them. Positive fixtures must compile;
 * wrong-kwargs.ts marks each mistake with `@ts-expect-error`, which tsc
 * reports as unused (TS2578) when the mistake is not rejected. The main
 * build compiles the fixtures against the sources too; `npx tsc -p
 * test/types` checks them alone.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// This file runs from build/test.
const packageRoot = path.resolve(__dirname, '../..');
const fixtures = path.join(packageRoot, 'test', 'types');
const againstDeclarations = path.join(packageRoot, 'build', 'types-check');
const FIXTURES = ['request-signals.ts', 'readme-examples.ts', 'wrong-kwargs.ts'];

interface TypeCheck {
  status: number | null;
  output: string;
}

function typeCheck(project: string): TypeCheck {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [packageRoot] });
  // Incremental: files unchanged since the last run (and the files they import) are not checked again.
  const incremental = [
    '--incremental',
    '--tsBuildInfoFile',
    path.join(packageRoot, 'build', 'types-check.tsbuildinfo'),
  ];
  const result = spawnSync(
    process.execPath,
    [tsc, '--noEmit', '--pretty', 'false', '--listFiles', ...incremental, '-p', project],
    {
      cwd: packageRoot,
      encoding: 'utf8',
    }
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The fixtures again, importing the emitted declarations instead of the sources; returns a tsconfig for both. */
function writeDeclarationFixtures(): string {
  fs.rmSync(againstDeclarations, { recursive: true, force: true });
  fs.mkdirSync(againstDeclarations, { recursive: true });
  for (const file of FIXTURES) {
    const source = fs.readFileSync(path.join(fixtures, file), 'utf8');
    const rewritten = source.replaceAll("from '../../src'", "from '../src'");
    assert.notEqual(rewritten, source, `${file} should import '../../src'`);
    fs.writeFileSync(path.join(againstDeclarations, file), rewritten);
  }
  const tsconfig = {
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true },
    include: ['./*.ts', '../../test/types/*.ts'],
    exclude: [],
  };
  fs.writeFileSync(path.join(againstDeclarations, 'tsconfig.json'), JSON.stringify(tsconfig));
  return path.join(againstDeclarations, 'tsconfig.json');
}

const DIRECTORIES = { sources: 'test/types/', declarations: 'build/types-check/' };
type Against = keyof typeof DIRECTORIES;

const errorsIn = (check: TypeCheck, against: Against) =>
  check.output.split('\n').filter(line => line.startsWith(DIRECTORIES[against]) && /error TS\d+/.test(line));

/** The file's diagnostics, or a note that tsc never read it (--listFiles names every file read). */
function diagnosticsOf(check: TypeCheck, against: Against, file: string): string[] {
  const relative = `${DIRECTORIES[against]}${file}`;
  const lines = check.output.split('\n');
  if (!lines.some(line => line.endsWith(`/${relative}`))) return [`tsc did not check ${relative}`];
  return lines.filter(line => line.startsWith(`${relative}(`));
}

describe('Signal and receiver() types', () => {
  let check: TypeCheck;

  before(function () {
    this.timeout(120_000);
    assert.ok(fs.existsSync(path.join(packageRoot, 'build', 'src', 'index.d.ts')), 'run the build first');
    check = typeCheck(writeDeclarationFixtures());
  });

  it('tsc finds no error', () => {
    assert.equal(
      check.status,
      0,
      check.output
        .split('\n')
        .filter(line => /error TS/.test(line))
        .join('\n')
    );
  });

  for (const against of Object.keys(DIRECTORIES) as Against[]) {
    describe(`against the ${against}`, () => {
      it('type-checks the fixtures without a diagnostic', () => {
        assert.deepEqual(errorsIn(check, against), []);
      });

      it('gives receiver() the full kwargs and sender types of the request signals', () => {
        assert.deepEqual(diagnosticsOf(check, against, 'request-signals.ts'), []);
      });

      it("compiles the README's examples", () => {
        assert.deepEqual(diagnosticsOf(check, against, 'readme-examples.ts'), []);
      });

      it('rejects every wrong kwarg, sender and option marked in wrong-kwargs.ts', () => {
        assert.deepEqual(diagnosticsOf(check, against, 'wrong-kwargs.ts'), []);
      });
    });
  }
});
