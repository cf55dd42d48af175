/*
 * The package works from CommonJS (require) and from ESM (import), and both
 * see the same signal instances. Each format runs in a child process that
 * loads the package by name from inside the repository, which Node resolves
 * to this package through its own package.json `exports` (a self-reference).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// This file runs from build/test; fixtures are not compiled.
const packageRoot = path.resolve(__dirname, '../..');
const fixtures = path.join(packageRoot, 'test', 'fixtures');
const SIGNAL_NAMES = ['requestStarted', 'requestFinished', 'gotRequestException'];

function runFixture(file: string): Record<string, unknown> {
  const output = execFileSync(process.execPath, [path.join(fixtures, file)], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, unknown>;
}

describe('module formats', () => {
  before(() => {
    // `tsc` alone does not emit the ESM entry; `npm run build` copies it with
    // this script, so run it here too and test what a build would ship.
    execFileSync(process.execPath, [path.join(packageRoot, 'scripts', 'copy-esm-entry.js')], {
      cwd: packageRoot,
    });
  });

  describe("require('otel-request-signals') from CommonJS", () => {
    let report: Record<string, unknown>;

    before(() => {
      report = runFixture('module-cjs.js');
    });

    it('resolves the package name to build/src/index.js from inside the package', () => {
      assert.equal(report.resolved, path.join('build', 'src', 'index.js'));
    });

    it('exports Signal and receiver as functions', () => {
      assert.deepEqual(report.types, { Signal: 'function', receiver: 'function' });
    });

    it('exports the request signals as instances of the exported Signal', () => {
      assert.deepEqual(report.signalInstances, SIGNAL_NAMES);
    });

    it('gives the same signal instances as a dynamic import()', () => {
      assert.deepEqual(report.sameAsImport, SIGNAL_NAMES);
    });
  });

  describe("import … from 'otel-request-signals' in ESM", () => {
    let report: Record<string, unknown>;

    before(() => {
      report = runFixture('module-esm.mjs');
    });

    it('resolves the package name to build/src/index.mjs from inside the package', () => {
      assert.equal(report.resolved, path.join('build', 'src', 'index.mjs'));
    });

    it('exports Signal and receiver as named functions', () => {
      assert.deepEqual(report.types, { Signal: 'function', receiver: 'function' });
    });

    it('exports the request signals as instances of the exported Signal', () => {
      assert.deepEqual(report.signalInstances, SIGNAL_NAMES);
    });

    it('gives the same signal instances as require()', () => {
      assert.deepEqual(report.sameAsRequire, SIGNAL_NAMES);
    });

    it('exposes the CommonJS exports object as the default export', () => {
      assert.equal(report.defaultIsRequireExports, true);
    });

    it('exposes every CommonJS export as a named export', () => {
      assert.deepEqual(report.missingNamedExports, []);
    });

    it('lets a receiver connected through import hear a send through require()', () => {
      assert.deepEqual(report.heardAcrossFormats, ['heard']);
    });

    it('connects with the imported receiver() to the signal require() sees', () => {
      assert.deepEqual(report.receiverAcrossFormats, ['heard']);
    });
  });
});
