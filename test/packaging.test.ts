import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CJS_CONSUMER } from './utils/cjs-consumer';

const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const ESM_CONSUMER = `
import { Signal, receiver, requestStarted, RequestSignalsInstrumentation } from 'otel-request-signals';
import { createRequire } from 'module';
const fromRequire = createRequire(import.meta.url)('otel-request-signals');
console.log(JSON.stringify({
  signal: typeof Signal,
  receiver: typeof receiver,
  instrumentation: typeof RequestSignalsInstrumentation,
  sameInstance: fromRequire.requestStarted === requestStarted,
}));
`;

describe('the published package', function () {
  this.timeout(180_000);
  let workDir: string;
  let packed: string[];
  let tarball: string;

  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-request-signals-pack-'));
    const output = execFileSync(NPM, ['pack', '--json', '--pack-destination', workDir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const [{ filename, files }] = JSON.parse(output.slice(output.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    packed = files.map(file => file.path);
    tarball = path.join(workDir, filename);
    const consumer = path.join(workDir, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@opentelemetry/api@1'], {
      cwd: consumer,
      stdio: 'ignore',
    });
    fs.writeFileSync(path.join(consumer, 'cjs.js'), CJS_CONSUMER);
    fs.writeFileSync(path.join(consumer, 'esm.mjs'), ESM_CONSUMER);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  function run(file: string): Record<string, unknown> {
    const output = execFileSync(process.execPath, [file], { cwd: path.join(workDir, 'consumer'), encoding: 'utf8' });
    return JSON.parse(output) as Record<string, unknown>;
  }

  it('ships only the build output, README, LICENSE and package.json', () => {
    const outside = packed.filter(
      file => !['README.md', 'LICENSE', 'package.json'].includes(file) && !file.startsWith('build/src/')
    );
    assert.deepEqual(outside, []);
    assert.ok(packed.includes('build/src/index.mjs') && packed.includes('build/src/index.d.ts'));
  });

  it('ships no tests, sources or maps', () => {
    assert.deepEqual(
      packed.filter(file => /\.map$|\.ts$(?<!\.d\.ts)|\/test\//.test(file)),
      []
    );
  });

  it('points at no source map it does not ship', () => {
    const installed = path.join(workDir, 'consumer', 'node_modules', 'otel-request-signals');
    const pointing = packed.filter(
      file => file.endsWith('.js') && fs.readFileSync(path.join(installed, file), 'utf8').includes('sourceMappingURL')
    );
    assert.deepEqual(pointing, []);
  });

  it('works from a CommonJS consumer', () => {
    const result = run('cjs.js');
    assert.equal(result.started, 1);
    assert.deepEqual(result.exports, [
      'RequestSignalsInstrumentation',
      'Signal',
      'gotRequestException',
      'receiver',
      'reportRequestException',
      'requestFinished',
      'requestStarted',
      'setRoute',
      'shutdownBeforeExit',
    ]);
  });

  it('works from an ESM consumer, sharing instances with require', () => {
    assert.deepEqual(run('esm.mjs'), {
      signal: 'function',
      receiver: 'function',
      instrumentation: 'function',
      sameInstance: true,
    });
  });

  it('has types for every entry, module system and resolver (@arethetypeswrong/cli)', () => {
    const report = areTheTypesWrong(tarball);
    assert.deepEqual(report.problems, {});
    const esmTypes = Object.entries(report.analysis.entrypoints).map(([entry, { resolutions }]) => [
      entry,
      resolutions['node16-esm'].resolution?.fileName,
    ]);
    assert.deepEqual(esmTypes, [
      ['.', '/node_modules/otel-request-signals/build/src/index.d.mts'],
      ['./register', '/node_modules/otel-request-signals/build/src/register.d.mts'],
      ['./package.json', '/node_modules/otel-request-signals/package.json'],
    ]);
  });
});

interface AttwReport {
  problems: Record<string, unknown[]>;
  analysis: {
    entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
  };
}

/** @arethetypeswrong/cli's JSON report on the packed tarball (node10, node16 CJS and ESM, bundler). */
function areTheTypesWrong(tarball: string): AttwReport {
  const manifest = require.resolve('@arethetypeswrong/cli/package.json');
  const { bin } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: { attw: string } };
  const cli = path.join(path.dirname(manifest), bin.attw);
  const result = spawnSync(process.execPath, [cli, tarball, '--format', 'json'], { encoding: 'utf8' });
  assert.ok(result.stdout.trim().startsWith('{'), `attw did not report: ${result.stderr}`);
  return JSON.parse(result.stdout) as AttwReport;
}
