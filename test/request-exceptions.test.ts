import * as assert from 'node:assert/strict';
import { runJsonFixture, startAtOnce } from './utils/run-fixture';

interface Report {
  status: number | string;
  exceptions: Array<{ message: string; spanIsActive: boolean }>;
  uncaught: string[];
  unhandled: string[];
  finished: Array<{ aborted: boolean }>;
  spans: Array<{ status: number; errorType?: string; statusCode?: number; events: string[] }>;
}

/*
 * Each scenario runs in a child process: the app's own uncaughtException and
 * unhandledRejection handlers must see what they would see without us, and
 * mocha's handlers would get in the way in-process.
 */
const MODES = ['sync', 'async', 'async-capture'];

function runApp(mode: string, bare = false): Promise<Report> {
  return runJsonFixture<Report>(['app-errors.js', mode, ...(bare ? ['--bare'] : [])]);
}

function appView(report: Report) {
  return { status: report.status, uncaught: report.uncaught, unhandled: report.unhandled };
}

describe('exceptions raised by request listeners', () => {
  // Every mode, instrumented and bare: six processes, at once.
  const runs = startAtOnce(
    Object.fromEntries(
      MODES.flatMap(mode => [
        [mode, () => runApp(mode)],
        [`${mode} --bare`, () => runApp(mode, true)],
      ])
    )
  );

  describe('a synchronous throw', () => {
    let report: Report;
    let bare: Report;
    before(async () => ([report, bare] = await Promise.all([runs.sync, runs['sync --bare']])));

    it('fires gotRequestException once, with the span active', () => {
      assert.deepEqual(report.exceptions, [{ message: 'sync failure', spanIsActive: true }]);
    });

    it('still reaches the application exactly as without the instrumentation', () => {
      assert.deepEqual(appView(report), appView(bare));
    });

    it('records the exception on the span with status ERROR and error.type', () => {
      assert.deepEqual(report.spans, [{ status: 2, errorType: 'Error', events: ['exception'] }]);
    });

    it('fires requestFinished once, as aborted, when the client gives up', () => {
      assert.deepEqual(report.finished, [{ aborted: true }]);
    });
  });

  describe('an async listener that rejects', () => {
    let report: Report;
    let bare: Report;
    before(async () => ([report, bare] = await Promise.all([runs.async, runs['async --bare']])));

    it('fires gotRequestException once, with the span active', () => {
      assert.deepEqual(report.exceptions, [{ message: 'async failure', spanIsActive: true }]);
    });

    it('still reaches the application as an unhandled rejection', () => {
      assert.deepEqual(appView(report), appView(bare));
      assert.deepEqual(report.unhandled, ['async failure']);
    });

    it('records the exception on the span', () => {
      assert.deepEqual(report.spans[0].events, ['exception']);
      assert.equal(report.spans[0].status, 2);
    });
  });

  describe('an async listener that rejects, with captureRejections', () => {
    let report: Report;
    let bare: Report;
    before(async () => ([report, bare] = await Promise.all([runs['async-capture'], runs['async-capture --bare']])));

    it('fires gotRequestException once', () => {
      assert.deepEqual(report.exceptions, [{ message: 'async failure', spanIsActive: true }]);
    });

    it("still gets Node's own 500 response, exactly as without the instrumentation", () => {
      assert.deepEqual(appView(report), appView(bare));
      assert.equal(report.status, 500);
    });

    it('ends the span with the 500 and the exception', () => {
      assert.deepEqual(report.spans, [{ status: 2, errorType: 'Error', statusCode: 500, events: ['exception'] }]);
    });
  });
});
