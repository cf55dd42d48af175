import * as assert from 'node:assert/strict';
import { runJsonFixture, startAtOnce } from './utils/run-fixture';

interface Report {
  spans: Array<{ spanId: string; name: string; path: string; fromReceiver?: string; exceptionEvents: number }>;
  heard: Array<{ signal: string; spanId: string; active: boolean }>;
  listenerSpans: string[];
  outermostEmit: string;
}

const ORDERS = ['http-first', 'ours-first'] as const;

const OUTERMOST = { 'http-first': 'emitWithRequestSignals', 'ours-first': 'incomingRequest' };

describe('beside @opentelemetry/instrumentation-http', () => {
  /* Each order runs in its own process (which wrapper ends up outermost is process-wide state); both at once. */
  const runs = startAtOnce(
    Object.fromEntries(ORDERS.map(order => [order, () => runJsonFixture<Report>(['coexistence.js', order])]))
  );

  for (const order of ORDERS) {
    describe(order, () => {
      let report: Report;
      before(async () => (report = await runs[order]));

      it(`really has ${OUTERMOST[order]} as the outermost emit`, () => {
        assert.equal(report.outermostEmit, OUTERMOST[order]);
      });

      it('exports exactly one SERVER span per request', () => {
        assert.deepEqual(
          report.spans.map(span => span.path),
          ['/ok', '/reject']
        );
      });

      it('gives receivers the exported span, active', () => {
        const exported = new Set(report.spans.map(span => span.spanId));
        assert.ok(report.heard.length >= 5, `heard ${report.heard.length}`);
        for (const call of report.heard) {
          assert.ok(exported.has(call.spanId), `${call.signal} got a span that was not exported`);
          assert.ok(call.active, `${call.signal} ran without its span active`);
        }
      });

      it("makes the same span active in the app's listener", () => {
        assert.deepEqual(
          report.listenerSpans,
          report.spans.map(span => span.spanId)
        );
      });

      it('names the span from setRoute(), whoever owns it', () => {
        assert.deepEqual(
          report.spans.map(span => span.name),
          ['GET /ok/:route', 'GET /reject/:route']
        );
      });

      it('keeps the span open for requestFinished receivers', () => {
        assert.deepEqual(
          report.spans.map(span => span.fromReceiver),
          ['yes', 'yes']
        );
      });

      it('records an async rejection once, which instrumentation-http alone never sees', () => {
        assert.deepEqual(
          report.spans.map(span => span.exceptionEvents),
          [0, 1]
        );
        assert.equal(report.heard.filter(call => call.signal === 'exception').length, 1);
      });
    });
  }
});
