/*
 * Hapi beside @opentelemetry/instrumentation-hapi: still one SERVER span per
 * request, ours, with theirs nested under it.
 */
import * as assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { runJsonFixture, startAtOnce } from './utils/run-fixture';

interface CoexistenceReport {
  statuses: number[];
  heard: Array<{ url: string; spanId: string; active: boolean; original: boolean }>;
  spans: Array<{
    name: string;
    kind: SpanKind;
    scope: string;
    spanId: string;
    parentSpanId?: string;
    path?: string;
    exceptionEvents: number;
  }>;
}

const ORDERS = { 'ours first': [], 'instrumentation-hapi first': ['--theirs-first'] };

describe('Hapi 21 beside @opentelemetry/instrumentation-hapi', function () {
  this.timeout(20000);
  /* Child processes (test/fixtures/hapi/coexistence.js), both at once: instrumentation-hapi patches @hapi/hapi for good. */
  const runs = startAtOnce(
    Object.fromEntries(
      Object.entries(ORDERS).map(([order, flags]) => [
        order,
        () => runJsonFixture<CoexistenceReport>(['hapi/coexistence.js', ...flags]),
      ])
    )
  );

  for (const order of Object.keys(ORDERS)) {
    describe(order, () => {
      let report: CoexistenceReport;
      before(async () => (report = await runs[order]));
      const server = () => report.spans.filter(span => span.kind === SpanKind.SERVER);

      it('answers as the app does and exports exactly one SERVER span per request, ours', () => {
        assert.deepEqual(report.statuses, [200, 500, 200]);
        assert.deepEqual(
          server().map(span => [span.path, span.name, span.scope]),
          [
            ['/ok', 'GET /ok', 'otel-request-signals'],
            ['/users/7', 'GET /users/{id}', 'otel-request-signals'],
            ['/api/items/3', 'GET /api/items/{id}', 'otel-request-signals'],
          ]
        );
      });

      it("nests instrumentation-hapi's route spans under ours", () => {
        const theirs = report.spans.filter(span => span.scope === '@opentelemetry/instrumentation-hapi');
        const ourIds = new Set(server().map(span => span.spanId));
        assert.equal(theirs.length, 3, 'instrumentation-hapi did not run');
        for (const span of theirs)
          assert.ok(ourIds.has(span.parentSpanId!), `${span.name} is not under a SERVER span of ours`);
      });

      it('fires gotRequestException once, with the original error and our SERVER span active', () => {
        const failed = server().find(span => span.path === '/users/7')!;
        assert.deepEqual(report.heard, [{ url: '/users/7', spanId: failed.spanId, active: true, original: true }]);
        assert.equal(failed.exceptionEvents, 1);
      });
    });
  }
});
