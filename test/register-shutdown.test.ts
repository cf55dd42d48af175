/*
 * How a process started with otel-request-signals/register ends, beyond the
 * plain case (SIGTERM to an app without a listener, test/register.test.ts):
 * an app that handles SIGTERM itself, and a second signal during the flush.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { startChildApp } from './utils/child-app';
import { request } from './utils/client';
import { RegisteredRun, registeredAppEnv, runRegisteredApp } from './utils/registered-app';
import { startAtOnce } from './utils/run-fixture';
import { FIXTURES, RunningServer, startHttpServer } from './utils/server';

const APPS = path.join(FIXTURES, 'register');

describe('otel-request-signals/register', function () {
  this.timeout(30000);
  // The app that handles SIGTERM runs in the background while the second-SIGTERM test runs.
  const runs = startAtOnce<RegisteredRun>({
    handlesSigterm: () =>
      runRegisteredApp({
        args: ['--require', 'otel-request-signals/register', 'app.js'],
        cwd: APPS,
        requests: [{ path: '/checkout' }, { path: '/orders/42' }],
        signal: 'SIGTERM',
        env: { APP_HANDLES_SIGTERM: '1' },
      }),
  });

  describe('a second SIGTERM while the spans are being flushed', () => {
    let stalled: RunningServer | undefined;
    after(() => stalled?.close());

    it('ends the process at once, by SIGTERM, without waiting for the export', async () => {
      let exportArrived!: () => void;
      const exporting = new Promise<void>(resolve => (exportArrived = resolve));
      stalled = await startHttpServer(() => exportArrived()); // takes the export and never answers
      const app = await startChildApp(
        ['--require', 'otel-request-signals/register', 'app.js'],
        APPS,
        // Without the second signal, the flush would wait for these.
        registeredAppEnv(`http://127.0.0.1:${stalled.port}`, {
          OTEL_EXPORTER_OTLP_TIMEOUT: '600000',
          OTEL_BSP_EXPORT_TIMEOUT: '600000',
        })
      );
      assert.equal((await request(app.port, { path: '/orders/42' })).status, 500);
      await app.waitForLine(line => line.signal === 'requestFinished');
      app.signal('SIGTERM');
      await exporting;
      const exit = await app.stop('SIGTERM', () => undefined);
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: null, signal: 'SIGTERM' }, exit.stderr);
    });
  });

  describe('an app that handles SIGTERM itself', () => {
    let run: RegisteredRun;
    before(async () => (run = await runs.handlesSigterm));

    it('leaves the exit to the app: it closes its server, and the process exits with 0', () => {
      assert.deepEqual({ code: run.exit.code, signal: run.exit.signal }, { code: 0, signal: null }, run.exit.stderr);
    });

    it('exports the spans when the event loop empties, before the process exits', () => {
      assert.deepEqual(
        run.exit.atExit.filter(span => span.kind === 'SPAN_KIND_SERVER').map(span => span.attributes['url.path']),
        ['/checkout', '/orders/42']
      );
    });
  });
});
