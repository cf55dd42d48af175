/*
 * How /register reads the version of @opentelemetry/sdk-node without loading
 * it (installedVersion) and compares it with the oldest it starts (isOlderThan).
 * The run with a too-old SDK is in test/register-peers.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AUTO_INSTRUMENTATIONS,
  SDK_NODE,
  SDK_NODE_MINIMUM,
  installedVersion,
  isOlderThan,
} from '../src/register-peers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('installedVersion', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-request-signals-version-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the version of a package whose exports do not give './package.json'", () => {
    const manifest = path.join(ROOT, 'node_modules', AUTO_INSTRUMENTATIONS, 'package.json');
    const { version, exports } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string; exports: object };
    assert.equal('./package.json' in exports, false, 'this test needs a package that does not export its package.json');
    assert.equal(installedVersion(AUTO_INSTRUMENTATIONS), version);
  });

  it("walks past a nested package.json that is not the package's own", () => {
    const lib = path.join(dir, 'node_modules', SDK_NODE, 'build', 'src');
    fs.mkdirSync(lib, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'node_modules', SDK_NODE, 'package.json'),
      `{"name":"${SDK_NODE}","version":"0.57.2"}`
    );
    fs.writeFileSync(path.join(lib, 'package.json'), '{"type":"commonjs","version":"9.9.9"}');
    assert.equal(
      installedVersion(SDK_NODE, () => path.join(lib, 'index.js')),
      '0.57.2'
    );
  });

  it('returns undefined for a package that does not resolve, or has no version', () => {
    assert.equal(installedVersion('@opentelemetry/not-a-package-here'), undefined);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: SDK_NODE }));
    assert.equal(
      installedVersion(SDK_NODE, () => path.join(dir, 'index.js')),
      undefined
    );
  });
});

describe('isOlderThan', () => {
  it('compares major, minor and patch as numbers', () => {
    const older = ['0.57.2', '0.199.9', '0.99.0', 'v0.52.1'].filter(version => isOlderThan(version, SDK_NODE_MINIMUM));
    assert.deepEqual(older, ['0.57.2', '0.199.9', '0.99.0', 'v0.52.1']);
    const notOlder = ['0.200.0', '0.223.1', '0.301.0', '1.0.0'].filter(version =>
      isOlderThan(version, SDK_NODE_MINIMUM)
    );
    assert.deepEqual(notOlder, []);
  });

  it('does not refuse what it cannot read, nor a pre-release of the minimum', () => {
    assert.equal(isOlderThan('not-a-version', SDK_NODE_MINIMUM), false);
    assert.equal(isOlderThan('', SDK_NODE_MINIMUM), false);
    assert.equal(isOlderThan('0.200.0-dev.1', SDK_NODE_MINIMUM), false);
  });
});
