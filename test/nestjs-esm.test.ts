/*
 * NestJS 12 is ES modules only: require hooks never see @nestjs/core, so the
 * instrumentation patches it through its ESM loader hook (import-in-the-middle),
 * registered by the app's telemetry file:
 *   node --import ./telemetry.mjs app.mjs      (in test/fixtures/nest12)
 * Nest 12 lives in that fixture's own node_modules (the project has Nest 11),
 * installed by scripts/install-fixtures.js when missing or outdated.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { runEsmApp } from './utils/run-fixture';
import { FIXTURES } from './utils/server';

interface Report {
  nestVersion: string;
  statuses: { resolved: number[]; sorted: number[] };
  exceptions: Array<{ path: string; original: boolean; active: boolean }>;
  finished: Array<[string, boolean]>;
  spans: Array<{ path: string; name: string; route?: string; exceptionEvents: number }> | null;
}

const ROOT = path.join(FIXTURES, '..', '..');

function runNest12App(): Promise<Report> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'install-fixtures.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  return runEsmApp<Report>('nest12', { timeout: 60_000 });
}

const spanOf = (report: Report, urlPath: string) => report.spans?.find(span => span.path === urlPath);

describe('NestJS 12 (ES modules) under the ESM loader hook: node --import ./telemetry.mjs app.mjs', function () {
  this.timeout(400_000);
  let report: Report;
  before(async function () {
    if (Number(process.versions.node.split('.')[0]) < 20) this.skip(); // Nest 12 needs Node 20
    report = await runNest12App();
  });

  it('really runs @nestjs/core 12, loaded as an ES module', () => {
    assert.equal(report.nestVersion.split('.')[0], '12');
  });

  it('answers every request as Nest does', () => {
    assert.deepEqual(report.statuses, { resolved: [200, 500, 404, 500, 500], sorted: [500] });
  });

  it('fires gotRequestException once per error Nest answers with a 500, with the original error and the span active', () => {
    assert.deepEqual(report.exceptions, [
      { path: '/api/v1/users/fail', original: true, active: true },
      { path: '/api/files/a/b', original: true, active: true },
      { path: '/files/a/b', original: true, active: true },
    ]);
  });

  it("fires nothing for a NotFoundException, nor for an error the app's filter answers", () => {
    const quiet = ['/api/v1/users/missing', '/api/handled'];
    assert.deepEqual(
      quiet.map(urlPath => [
        report.exceptions.some(call => call.path === urlPath),
        spanOf(report, urlPath)?.exceptionEvents,
      ]),
      [
        [false, 0],
        [false, 0],
      ]
    );
  });

  it('records each of them once on its SERVER span', () => {
    assert.deepEqual(
      ['/api/v1/users/fail', '/api/files/a/b', '/files/a/b'].map(urlPath => spanOf(report, urlPath)?.exceptionEvents),
      [1, 1, 1]
    );
  });

  it('fires requestFinished exactly once per request', () => {
    assert.deepEqual(
      report.finished.map(([urlPath]) => urlPath),
      ['/api/v1/users/7', '/api/v1/users/fail', '/api/v1/users/missing', '/api/files/a/b', '/api/handled', '/files/a/b']
    );
  });

  it("names spans by Nest's templates: global prefix, URI version, and '/files/*' as Nest spells it", () => {
    assert.deepEqual(
      ['/api/v1/users/7', '/api/files/a/b'].map(urlPath => spanOf(report, urlPath)?.name),
      ['GET /api/v1/users/:id', 'GET /api/files/*']
    );
  });

  it('names the routes Nest sorts by specificity before registering them (routeResolutionStrategy)', () => {
    assert.equal(spanOf(report, '/files/a/b')?.route, '/files/*');
  });
});
