/*
 * Installing the packed package on Node 22, where npm picks the newest
 * OpenTelemetry line (instrumentation 0.30x, core 3, api 1.10) unless the
 * project already holds the previous one. npm runs under Node 22 (its CLI run
 * by the Node 22 binary, scripts/node-binary.js), so that it resolves as a
 * user on Node 22 gets it.
 *
 * npm resolves even a missing optional peer dependency to its newest version:
 * an optional peer on @opentelemetry/sdk-node or on the auto-instrumentations
 * brought in api 1.10 as their peer, which conflicts with a project on api 1.9
 * (ERESOLVE). The package has neither as a peer; these installs show it.
 *
 * Slow (several installs from the registry, or npm's cache): `npm run test:all`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CJS_CONSUMER } from './utils/cjs-consumer';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script of the project's, shared with scripts/
const { nodeBinary, npmCli } = require(path.join(ROOT, 'scripts', 'node-binary.js')) as {
  nodeBinary: (major: string) => string;
  npmCli: () => string;
};

/** Projects as a user on Node 22 has them before adding this package. */
const PROJECTS: Array<{ title: string; dependencies: string[] }> = [
  {
    title: 'a project on OpenTelemetry SDK 2 with sdk-node (sdk-node 0.223, api 1.9)',
    dependencies: ['@opentelemetry/sdk-node@0.223.0', '@opentelemetry/api@1.9.1'],
  },
  {
    title: 'a project on OpenTelemetry SDK 2 without sdk-node (sdk-trace-node 2, instrumentation-http 0.223, api 1.9)',
    dependencies: [
      '@opentelemetry/api@1.9.1',
      '@opentelemetry/sdk-trace-node@^2.0.0',
      '@opentelemetry/instrumentation-http@^0.223.0',
    ],
  },
  { title: 'an empty project', dependencies: [] },
];

const PROBLEMS = /ERESOLVE|overriding peer dependency|invalid/i;

interface Run {
  status: number | null;
  output: string;
}

describe('installing the package on Node 22 (newest OpenTelemetry line)', function () {
  this.timeout(600_000);
  let node22: string;
  let workDir: string;
  let tarball: string;

  /** `args` run by Node 22 in `cwd`, with Node 22 first on the PATH (for npm's child processes). */
  function run22(cwd: string, args: string[]): Run {
    const result = spawnSync(node22, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH}` },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }
  const npm22 = (cwd: string, args: string[]) => run22(cwd, [npmCli(), ...args]);

  before(() => {
    node22 = nodeBinary('22');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-request-signals-node22-'));
    // The build is current: test:all builds first (packing would build again, under the running tests).
    const packed = npm22(ROOT, ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir]);
    assert.equal(packed.status, 0, packed.output);
    const [{ filename }] = JSON.parse(packed.output.slice(packed.output.indexOf('['))) as Array<{ filename: string }>;
    tarball = path.join(workDir, filename);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  PROJECTS.forEach(({ title, dependencies }, index) => {
    describe(`into ${title}`, () => {
      let project: string;
      let install: Run;

      before(() => {
        project = path.join(workDir, `project-${index}`);
        fs.mkdirSync(project);
        fs.writeFileSync(
          path.join(project, 'package.json'),
          JSON.stringify({ name: `project-${index}`, private: true })
        );
        fs.writeFileSync(path.join(project, 'consumer.js'), CJS_CONSUMER);
        const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline'];
        if (dependencies.length > 0) {
          const existing = npm22(project, [...npmInstall, ...dependencies]);
          assert.equal(existing.status, 0, `the project's own dependencies did not install:\n${existing.output}`);
        }
        install = npm22(project, [...npmInstall, tarball]);
      });

      it('installs without a peer dependency conflict or warning', () => {
        assert.equal(install.status, 0, install.output);
        assert.doesNotMatch(install.output, PROBLEMS);
      });

      it('leaves a valid tree (npm ls), with one copy of @opentelemetry/api', () => {
        const listed = npm22(project, ['ls', '--all']);
        assert.equal(listed.status, 0, listed.output);
        assert.doesNotMatch(listed.output, PROBLEMS);
        assert.deepEqual(copiesOf(project, '@opentelemetry/api'), ['node_modules/@opentelemetry/api']);
      });

      it('loads, and constructs RequestSignalsInstrumentation, which sees a request', () => {
        const consumer = run22(project, ['consumer.js']);
        assert.equal(consumer.status, 0, consumer.output);
        assert.equal((JSON.parse(consumer.output) as { started: number }).started, 1);
      });
    });
  });
});

/** Where `name` is installed under `project`, relative to it. */
function copiesOf(project: string, name: string): string[] {
  const manifest = path.join(name, 'package.json');
  return fs
    .readdirSync(path.join(project, 'node_modules'), { recursive: true, encoding: 'utf8' })
    .filter(file => file === manifest || file.endsWith(`${path.sep}node_modules${path.sep}${manifest}`))
    .map(file => path.join('node_modules', path.dirname(file)))
    .sort();
}
