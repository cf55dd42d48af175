'use strict';
// Installs the test fixtures that bring dependencies of their own, such as
// NestJS 12 (ES modules only) in test/fixtures/nest12, which cannot share the
// project's node_modules with Nest 11. `npm ci` runs only when a fixture's
// node_modules is missing or was installed from another package-lock.json;
// otherwise this takes a few milliseconds. Their apps find the project's own
// packages (@opentelemetry/*) by walking up to its node_modules.
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const FIXTURES = ['test/fixtures/nest12'];
const STAMP = '.installed-from-lock';

const root = path.resolve(__dirname, '..');

for (const fixture of FIXTURES) {
  const dir = path.join(root, fixture);
  const lock = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(dir, 'package-lock.json')))
    .digest('hex');
  const stamp = path.join(dir, 'node_modules', STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock) continue;
  console.error(`installing ${fixture} (npm ci)`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.writeFileSync(stamp, lock);
}
