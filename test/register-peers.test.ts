/*
 * The zero-code start's optional peers, really missing: the package (its
 * package.json and build) is copied into a temporary project whose
 * node_modules holds only its dependencies (links into this project's), and
 * then sdk-node, but not the auto-instrumentations. No NODE_PATH or
 * --preserve-symlinks: Node looks the peers up from the copied files, up
 * through the temporary directory, and finds none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SDK_MISSING_MESSAGE, SDK_NODE, loadOptionalPeer, sdkTooOldMessage } from '../src/register-peers';
import { RegisteredRun, runRegisteredApp } from './utils/registered-app';
import { FIXTURES } from './utils/server';

const ROOT = path.resolve(__dirname, '..', '..');
const OPTIONAL_PEERS = [SDK_NODE, '@opentelemetry/auto-instrumentations-node'];

/** A project with the package installed, its required dependencies and peers, and `extra`. */
function temporaryProject(extra: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-request-signals-register-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
    'dependencies' | 'peerDependencies',
    Record<string, string>
  >;
  const installed = path.join(dir, 'node_modules', 'otel-request-signals');
  fs.mkdirSync(installed, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(installed, 'package.json'));
  fs.cpSync(path.join(ROOT, 'build', 'src'), path.join(installed, 'build', 'src'), { recursive: true });
  const required = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)];
  for (const name of [...required.filter(name => !OPTIONAL_PEERS.includes(name)), ...extra]) {
    fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  }
  for (const file of ['app.js', 'upstream.js'])
    fs.copyFileSync(path.join(FIXTURES, 'register', file), path.join(dir, file));
  return dir;
}

function resolvableFrom(dir: string, name: string): boolean {
  try {
    require.resolve(name, { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Mocha hooks: a temporary project with `extra` installed, where `missing`
 * must not resolve, and the app started in it under register, sent two
 * requests and ended by SIGTERM. Returns that run, once the hooks have filled it in.
 */
function useRunWithout(extra: string[], missing: string): { run: RegisteredRun } {
  const suite = {} as { run: RegisteredRun };
  let dir: string;
  before(async () => {
    dir = temporaryProject(extra);
    assert.equal(resolvableFrom(dir, missing), false, `${missing} is installed where the test looks: ${dir}`);
    suite.run = await runRegisteredApp({
      args: ['--require', 'otel-request-signals/register', 'app.js'],
      cwd: dir,
      requests: [{ path: '/checkout' }, { path: '/orders/42' }],
      signal: 'SIGTERM',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return suite;
}

describe('node --require otel-request-signals/register without @opentelemetry/sdk-node installed', function () {
  this.timeout(30000);
  const suite = useRunWithout([], SDK_NODE);

  it('says, in one line on stderr, what to install', () => {
    assert.deepEqual(suite.run.exit.stderr.split('\n').filter(Boolean), [SDK_MISSING_MESSAGE]);
    assert.match(SDK_MISSING_MESSAGE, /npm install @opentelemetry\/sdk-node$/);
  });

  it('starts the app, which answers as it does without telemetry, and exports nothing', () => {
    assert.deepEqual(suite.run.statuses, [200, 500]);
    assert.deepEqual(suite.run.spans, []);
  });

  it('still fires the signals', () => {
    assert.deepEqual(
      suite.run.exit.lines.filter(line => 'signal' in line).map(line => [line.signal, line.url]),
      [
        ['requestFinished', '/checkout'],
        ['gotRequestException', '/orders/42'],
        ['requestFinished', '/orders/42'],
      ]
    );
  });

  it('leaves SIGTERM alone: the process ends by it', () => {
    assert.equal(suite.run.exit.signal, 'SIGTERM');
  });
});

describe('node --require otel-request-signals/register with sdk-node but without the auto-instrumentations', function () {
  this.timeout(30000);
  const suite = useRunWithout([SDK_NODE], '@opentelemetry/auto-instrumentations-node');

  it('starts silently and ends by SIGTERM, after the flush', () => {
    assert.equal(suite.run.exit.stderr, '');
    assert.equal(suite.run.exit.signal, 'SIGTERM');
  });

  it('exports one SERVER span per request, with the marks of the receivers, and no CLIENT span', () => {
    assert.deepEqual(
      suite.run.exit.atExit.map(span => [
        span.kind,
        span.scope,
        span.attributes['url.path'],
        span.attributes['app.status_class'],
      ]),
      [
        ['SPAN_KIND_SERVER', 'otel-request-signals', '/checkout', '2xx'],
        ['SPAN_KIND_SERVER', 'otel-request-signals', '/orders/42', '5xx'],
      ]
    );
  });
});

describe('loadOptionalPeer', () => {
  const notFound = (name: string) =>
    Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`), { code: 'MODULE_NOT_FOUND' });
  const throwing = (thrown: unknown) => () => {
    throw thrown;
  };
  const isSame = (expected: unknown) => (thrown: unknown) => thrown === expected;

  it('returns undefined for a package that is not installed', () => {
    assert.equal(loadOptionalPeer('@opentelemetry/not-a-package-here'), undefined);
  });

  it('returns the module of an installed package', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared by reference, never called
    assert.equal(loadOptionalPeer<typeof import('node:path')>('path')?.join, path.join);
  });

  it('throws when the package is there but one of its own dependencies is missing', () => {
    const missingDependency = notFound('@opentelemetry/resources');
    assert.throws(() => loadOptionalPeer(SDK_NODE, throwing(missingDependency)), isSame(missingDependency));
  });

  it('does not take a package whose name starts with the same letters for it', () => {
    const other = notFound(`${SDK_NODE}-extra`);
    assert.throws(() => loadOptionalPeer(SDK_NODE, throwing(other)), isSame(other));
  });

  it('throws what loading threw, even undefined or an object without a message', () => {
    assert.throws(() => loadOptionalPeer(SDK_NODE, throwing(undefined)), isSame(undefined));
    const odd = { code: 'MODULE_NOT_FOUND', message: 42 };
    assert.throws(() => loadOptionalPeer(SDK_NODE, throwing(odd)), isSame(odd));
  });
});

/** An @opentelemetry/sdk-node older than /register takes, in `dir`: a package.json, and an entry that must not run. */
function installTooOldSdk(dir: string, version: string): void {
  const sdk = path.join(dir, 'node_modules', SDK_NODE);
  fs.mkdirSync(sdk, { recursive: true });
  fs.writeFileSync(path.join(sdk, 'package.json'), JSON.stringify({ name: SDK_NODE, version, main: 'index.js' }));
  fs.writeFileSync(
    path.join(sdk, 'index.js'),
    "throw new Error('/register loaded an sdk-node it should have refused');\n"
  );
}

/*
 * A stand-in for an old sdk-node (its package.json, and an entry that throws
 * when loaded): npm no longer checks the SDK's version (no peer dependency), so
 * /register does, from the package.json alone, before loading it. A real 0.5x
 * SDK would bring some sixty packages for a check that reads one file.
 */
describe('node --require otel-request-signals/register with an @opentelemetry/sdk-node older than 0.200.0', function () {
  this.timeout(30000);
  let dir: string;
  let run: RegisteredRun;
  before(async () => {
    dir = temporaryProject([]);
    installTooOldSdk(dir, '0.57.2');
    run = await runRegisteredApp({
      args: ['--require', 'otel-request-signals/register', 'app.js'],
      cwd: dir,
      requests: [{ path: '/checkout' }, { path: '/orders/42' }],
      signal: 'SIGTERM',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says, in one line on stderr, which version it found and what it needs, without loading it', () => {
    assert.deepEqual(run.exit.stderr.split('\n').filter(Boolean), [sdkTooOldMessage('0.57.2')]);
    assert.match(sdkTooOldMessage('0.57.2'), /sdk-node 0\.57\.2 is too old \(0\.200\.0 or newer is needed\)/);
  });

  it('starts the app, which answers as it does without telemetry, fires the signals and exports nothing', () => {
    assert.deepEqual(run.statuses, [200, 500]);
    assert.deepEqual(run.spans, []);
    assert.deepEqual(
      run.exit.lines.filter(line => 'signal' in line).map(line => [line.signal, line.url]),
      [
        ['requestFinished', '/checkout'],
        ['gotRequestException', '/orders/42'],
        ['requestFinished', '/orders/42'],
      ]
    );
    assert.equal(run.exit.signal, 'SIGTERM');
  });
});
