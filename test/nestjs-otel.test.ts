/*
 * Beside @opentelemetry/instrumentation-nestjs-core 0.70, which wraps each
 * route's handler in INTERNAL spans of its own and records the error on them
 * before re-throwing it. Child processes: its require hooks must see
 * @nestjs/core load.
 */
import * as assert from 'node:assert/strict';
import { PLATFORMS } from './utils/nest';
import { runJsonFixture, startAtOnce } from './utils/run-fixture';

interface SpanView {
  name: string;
  kind: number;
  scope: string;
  path?: string;
  route?: string;
  exceptionEvents: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

interface Report {
  statuses: number[];
  exceptions: Array<{ path: string; original: boolean; spanId: string; active: boolean }>;
  spans: SpanView[];
}

const SERVER = 1;
const NEST_SCOPE = '@opentelemetry/instrumentation-nestjs-core';

function run(...args: string[]): Promise<Report> {
  return runJsonFixture<Report>(['nest/beside-nest-instrumentation.js', ...args]);
}

const serverSpans = (report: Report) => report.spans.filter(span => span.kind === SERVER);

/** The SERVER span a span descends from, following parents through the report. */
function serverAncestor(report: Report, span: SpanView): SpanView | undefined {
  const byId = new Map(report.spans.map(each => [each.spanId, each]));
  let current: SpanView | undefined = span;
  while (current !== undefined && current.kind !== SERVER) current = byId.get(current.parentSpanId ?? '');
  return current;
}

const RUNS = PLATFORMS.flatMap(platform =>
  [false, true].map(withHttp => ({
    platform,
    withHttp,
    label: `on ${platform}, ${withHttp ? 'and instrumentation-http' : 'alone'}`,
  }))
);

describe('Nest 11 beside instrumentation-nestjs-core', function () {
  this.timeout(40000);
  /* The four processes at once. */
  const runs = startAtOnce(
    Object.fromEntries(
      RUNS.map(({ platform, withHttp, label }) => [
        label,
        () => run(platform, ...(withHttp ? ['--with-http-instrumentation'] : [])),
      ])
    )
  );

  for (const { label } of RUNS) {
    describe(label, () => {
      let report: Report;
      before(async () => (report = await runs[label]));

      it('answers as Nest does', () => {
        assert.deepEqual(report.statuses, [200, 500]);
      });

      it('exports exactly one SERVER span per request, named by the Nest route', () => {
        assert.deepEqual(
          serverSpans(report).map(span => [span.path, span.name]),
          [
            ['/api/v1/users/7', 'GET /api/v1/users/:id'],
            ['/api/v1/users/fail', 'GET /api/v1/users/:id'],
          ]
        );
      });

      it("nests instrumentation-nestjs-core's request spans under the request's SERVER span", () => {
        const theirs = report.spans.filter(
          span => span.scope === NEST_SCOPE && /^UsersController(\.|$)/.test(span.name)
        );
        const servers = serverSpans(report).map(span => span.spanId);
        assert.deepEqual(
          theirs.map(span => serverAncestor(report, span)?.spanId),
          servers
        );
      });

      it('fires gotRequestException once, with the original error and the SERVER span active', () => {
        const failed = serverSpans(report)[1];
        assert.deepEqual(report.exceptions, [
          { path: '/api/v1/users/fail', original: true, spanId: failed.spanId, active: true },
        ]);
      });

      it('records the exception once on the SERVER span', () => {
        assert.deepEqual(
          serverSpans(report).map(span => span.exceptionEvents),
          [0, 1]
        );
      });
    });
  }
});
