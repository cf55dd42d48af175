import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/version';

describe('version.ts', () => {
  it('matches package.json, so the tracer is named after the release', () => {
    const manifest = fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8');
    const pkg = JSON.parse(manifest) as { name: string; version: string };
    assert.deepEqual([PACKAGE_NAME, PACKAGE_VERSION], [pkg.name, pkg.version]);
  });
});
