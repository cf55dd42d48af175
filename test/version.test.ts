import * as assert from 'node:assert/strict';
import * as path from 'path';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/version';

describe('version.ts', () => {
  it('matches package.json, so the tracer is named after the release', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.resolve(__dirname, '..', '..', 'package.json')) as { name: string; version: string };
    assert.deepEqual([PACKAGE_NAME, PACKAGE_VERSION], [pkg.name, pkg.version]);
  });
});
