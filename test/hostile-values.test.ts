import * as assert from 'node:assert/strict';
import { Fixture, ServerCounts, ServerReport, getOutcome, startFixture } from './utils/load';

/*
 * Values the app throws, rejects with or returns that fight being looked at:
 * toString, Symbol.toStringTag or the constructor getter throw, a Proxy traps
 * everything, a thenable's then throws or does work. Each runs against a bare
 * server and an instrumented one in child processes (uncaughtException and
 * unhandledRejection are process-wide), and the app must see the same thing.
 */
describe('hostile values: the app behaves exactly as without us', function () {
  this.timeout(30000);

  interface Outcome {
    answer: string;
    uncaught: number;
    uncaughtOriginal: number;
    unhandled: number;
    serverErrors: number;
    lazyThenRan: number;
  }

  /** One server process kept for a suite; each request's counts are the change since the last report. */
  class Server {
    private last: ServerCounts | undefined;
    constructor(readonly fixture: Fixture) {}

    async outcome(path: string, headers?: Record<string, string>): Promise<{ outcome: Outcome; report: ServerReport }> {
      // Nothing tells that a server will never answer: no answer within 500 ms is 'timed out'.
      const answer = await getOutcome(this.fixture.port, path, 500, headers);
      const report = await this.fixture.report();
      const counts = report.counts;
      const delta = (key: keyof ServerCounts) => (counts[key] as number) - ((this.last?.[key] as number) ?? 0);
      const exceptions = delta('exceptions');
      const outcome = {
        answer,
        uncaught: delta('uncaught'),
        uncaughtOriginal: delta('uncaughtOriginal'),
        unhandled: delta('unhandled'),
        serverErrors: delta('serverErrors'),
        lazyThenRan: delta('lazyThenRan'),
      };
      this.last = counts;
      return { outcome, report: { ...report, counts: { ...counts, exceptions } } };
    }
  }

  /** A bare and an instrumented server for the suite: what the app sees must be the same on both. */
  function useServers(captureRejections: boolean): { bare: Server; instrumented: Server } {
    const servers = {} as { bare: Server; instrumented: Server };
    before(async () => {
      const [bare, instrumented] = await Promise.all([
        startFixture({ exporter: 'count', bare: true, captureRejections }),
        startFixture({ exporter: 'count', captureRejections }),
      ]);
      servers.bare = new Server(bare);
      servers.instrumented = new Server(instrumented);
    });
    after(async () => {
      await Promise.all([servers.bare.fixture.stop(), servers.instrumented.fixture.stop()]);
    });
    return servers;
  }

  function assertNothingHalfOpen(report: ServerReport): void {
    const { counts } = report;
    assert.deepEqual(
      { started: counts.started, finished: counts.finished, spansEnded: counts.spansEnded },
      { started: counts.seen, finished: counts.seen, spansEnded: counts.seen },
      report.uncaughtSamples.join('; ')
    );
    assert.deepEqual(
      Object.entries(counts.anomalies).filter(([, value]) => value !== 0),
      []
    );
  }

  for (const captureRejections of [true, false]) {
    describe(captureRejections ? 'with captureRejections' : 'without captureRejections', () => {
      const servers = useServers(captureRejections);

      async function compare(path: string, headers?: Record<string, string>): Promise<ServerReport> {
        // Two processes: the same request to both at once.
        const [bare, instrumented] = await Promise.all([
          servers.bare.outcome(path, headers),
          servers.instrumented.outcome(path, headers),
        ]);
        assert.deepEqual(instrumented.outcome, bare.outcome, instrumented.report.uncaughtSamples.join('; '));
        assertNothingHalfOpen(instrumented.report);
        return instrumented.report;
      }

      for (const kind of ['tostring', 'constructor', 'message', 'proxy']) {
        for (const route of ['/throw-hostile', '/reject-hostile']) {
          const path = `${route}?kind=${kind}`;
          it(`${path}: the same answer and the same error for the app, one signal, the span ended`, async () => {
            assert.equal((await compare(path)).counts.exceptions, 1);
          });
        }
      }

      for (const kind of ['throws', 'getter', 'lazy']) {
        const path = `/thenable?kind=${kind}`;
        it(`${path}: a listener's thenable is looked at only where Node looks`, async () => {
          assert.equal((await compare(path)).counts.exceptions, 0);
        });
      }

      it("Node's checkContinue pattern: an async listener's rejection fires gotRequestException once", async () => {
        const report = await compare('/reject', { Expect: '100-continue' });
        assert.equal(report.counts.exceptions, 1);
      });
    });
  }

  describe('receivers', () => {
    const servers = useServers(true);
    for (const signal of ['started', 'finished', 'exception']) {
      for (const variant of ['', '&async']) {
        const path = `${signal === 'exception' ? '/reject' : '/ok'}?hostile=${signal}${variant}`;
        it(`a ${signal} receiver that ${variant ? 'rejects with' : 'throws'} a value nothing can describe: reported, and nothing else changes`, async () => {
          const { outcome: result, report } = await servers.instrumented.outcome(path);
          assert.equal(result.answer, signal === 'exception' ? 'answered 500' : 'answered 200');
          assert.deepEqual(
            { uncaught: result.uncaught, unhandled: result.unhandled, diagErrors: report.counts.diagErrors },
            { uncaught: 0, unhandled: 0, diagErrors: report.counts.receiverFailuresPlanned },
            report.uncaughtSamples.join('; ')
          );
          assertNothingHalfOpen(report);
        });
      }
    }
  });
});
