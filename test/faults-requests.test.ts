import * as assert from 'node:assert/strict';
import { Fixture, ServerReport, getOutcome, pipelineThenClose, startFixture } from './utils/load';

/*
 * Requests that go wrong in ways the soak mix avoids on purpose, one at a
 * time, each against a fresh instrumented server in a child process and,
 * where Node's own behaviour is the reference, a bare one. The rule is the
 * issue's: the instrumentation must never be the reason a request fails, and
 * must leave no signal or span half open.
 */
describe('faults in requests: the instrumentation is never the reason a request fails', function () {
  this.timeout(30000);
  const running: Fixture[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(fixture => fixture.stop()));
  });

  async function serve(bare = false, captureRejections = true): Promise<Fixture> {
    const fixture = await startFixture({ exporter: 'count', bare, captureRejections });
    running.push(fixture);
    return fixture;
  }

  /** Every request the app saw got one requestStarted, one requestFinished and one ended span. */
  function assertNothingHalfOpen(report: ServerReport): void {
    const { counts } = report;
    assert.deepEqual(
      { started: counts.started, finished: counts.finished, spansEnded: counts.spansEnded },
      { started: counts.seen, finished: counts.seen, spansEnded: counts.seen }
    );
    assert.deepEqual(
      Object.entries(counts.anomalies).filter(([, value]) => value !== 0),
      []
    );
  }

  describe('HTTP/1.1 pipelining', () => {
    it('finishes the requests queued behind an unfinished response when the client closes the connection', async () => {
      const fixture = await serve();
      // /abort streams until the client leaves; /ok 1 and 2 are answered by the app but queued behind it.
      await pipelineThenClose(fixture.port, ['/abort?pipelined=0', '/ok?pipelined=1', '/ok?pipelined=2']);
      const report = await fixture.report();
      assert.equal(report.counts.seen, 3);
      assertNothingHalfOpen(report);
      assert.equal(report.counts.finishedAborted, 3);
      assert.deepEqual(report.metrics, { activeRequests: 0, durations: 3 });
    });
  });

  describe('values thrown that are not Errors (a null-prototype object, which String() cannot convert)', () => {
    it("reaches the app's uncaughtException handler as the very value the listener threw", async () => {
      const outcomes: Record<string, unknown> = {};
      for (const bare of [true, false]) {
        const fixture = await serve(bare);
        const answer = await getOutcome(fixture.port, '/throw-odd', 300);
        const { counts } = await fixture.report();
        outcomes[bare ? 'bare' : 'instrumented'] = {
          answer,
          uncaught: counts.uncaught,
          original: counts.uncaughtOriginal,
        };
      }
      assert.deepEqual(outcomes.instrumented, outcomes.bare);
      assert.deepEqual(outcomes.bare, { answer: 'timed out', uncaught: 1, original: 1 });
    });

    it('fires gotRequestException once and ends the span for such a throw', async () => {
      const fixture = await serve();
      await getOutcome(fixture.port, '/throw-odd', 300);
      const report = await fixture.report();
      assert.equal(report.counts.exceptions, 1);
      assertNothingHalfOpen(report);
    });

    it("still gets Node's own 500 when an async listener rejects with one (captureRejections)", async () => {
      const outcomes: Record<string, unknown> = {};
      for (const bare of [true, false]) {
        const fixture = await serve(bare);
        const answer = await getOutcome(fixture.port, '/reject-odd', 2000);
        const { counts } = await fixture.report();
        outcomes[bare ? 'bare' : 'instrumented'] = { answer, uncaught: counts.uncaught, unhandled: counts.unhandled };
      }
      assert.deepEqual(outcomes.instrumented, outcomes.bare);
      assert.deepEqual(outcomes.bare, { answer: 'answered 500', uncaught: 0, unhandled: 0 });
    });

    for (const [signal, path] of [
      ['requestStarted', '/ok?odd=started'],
      ['requestFinished', '/ok?odd=finished'],
      ['gotRequestException', '/reject?odd=exception'],
    ] as const) {
      it(`a ${signal} receiver throwing one is reported through diag and changes nothing else`, async () => {
        const fixture = await serve();
        const answer = await getOutcome(fixture.port, path, 2000);
        const report = await fixture.report();
        const { counts } = report;
        assert.equal(answer, path.startsWith('/reject') ? 'answered 500' : 'answered 200');
        assert.deepEqual(
          { uncaught: counts.uncaught, unhandled: counts.unhandled, diagErrors: counts.diagErrors },
          { uncaught: 0, unhandled: 0, diagErrors: counts.receiverFailuresPlanned },
          report.uncaughtSamples.join('; ')
        );
        assert.equal(counts.receiverFailuresPlanned, 1);
        assertNothingHalfOpen(report);
      });
    }
  });
});
