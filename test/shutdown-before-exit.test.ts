/*
 * shutdownBeforeExit(sdk), as the README's telemetry.js uses it: the app of
 * test/fixtures/register started with `--require ./telemetry.js`, ended in
 * by SIGTERM, with the export accepted or refused. The same function ends a
 * process started with otel-request-signals/register, where
 * test/register*.test.ts also covers SIGINT, an app that handles SIGTERM and
 * a second signal during the flush.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { shutdownBeforeExit } from '../src';
import { startChildApp } from './utils/child-app';
import { request } from './utils/client';
import { RegisteredRun, registeredAppEnv, runRegisteredApp } from './utils/registered-app';
import { FIXTURES, startHttpServer } from './utils/server';

const APPS = path.join(FIXTURES, 'register');
const START = ['--require', './telemetry.js', 'app.js'];
const serverPaths = (run: RegisteredRun) =>
  run.exit.atExit.filter(span => span.kind === 'SPAN_KIND_SERVER').map(span => span.attributes['url.path']);

describe('shutdownBeforeExit(sdk)', function () {
  this.timeout(30000);

  it('exports the last spans on SIGTERM, and the process still ends by SIGTERM', async () => {
    const run = await runRegisteredApp({
      args: START,
      cwd: APPS,
      requests: [{ path: '/orders/42' }],
      signal: 'SIGTERM',
    });
    assert.deepEqual(
      { code: run.exit.code, signal: run.exit.signal },
      { code: null, signal: 'SIGTERM' },
      run.exit.stderr
    );
    assert.deepEqual(serverPaths(run), ['/orders/42']);
  });

  it('says on stderr that the last spans may be lost when the export fails, and still ends by the signal', async () => {
    // 400: the exporter gives up at once (it retries a 503 until its timeout).
    const refusing = await startHttpServer((_request, response) => response.writeHead(400).end());
    const app = await startChildApp(START, APPS, registeredAppEnv(`http://127.0.0.1:${refusing.port}`));
    try {
      assert.equal((await request(app.port, { path: '/orders/42' })).status, 500);
      await app.waitForLine(line => line.signal === 'requestFinished');
      const exit = await app.stop('SIGTERM', () => undefined);
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: null, signal: 'SIGTERM' }, exit.stderr);
      assert.match(exit.stderr, /the SDK did not shut down cleanly; the last spans may be lost/);
    } finally {
      await refusing.close();
    }
  });

  for (const [label, sdk] of [
    ['undefined', undefined],
    ['an object without shutdown()', {}],
    [
      'an object whose shutdown getter throws',
      Object.defineProperty({}, 'shutdown', {
        get: () => {
          throw new Error('getter');
        },
      }),
    ],
  ] as const) {
    it(`refuses ${label} with a TypeError that names the problem`, () => {
      assert.throws(() => shutdownBeforeExit(sdk as never), {
        name: 'TypeError',
        message: /shutdownBeforeExit\(\) expects an SDK with a shutdown\(\) method, got/,
      });
    });
  }
});
