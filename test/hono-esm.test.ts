/*
 * A Hono app as ES modules (hono's ESM build, which is what `import` loads),
 * on @hono/node-server, started the documented way for ESM instrumentation:
 *   node --import ./telemetry.mjs app.mjs
 * where telemetry.mjs registers @opentelemetry/instrumentation's loader hook
 * (import-in-the-middle) and starts NodeSDK with the instrumentation
 * (test/fixtures/hono). A child process: the loader hook is process-wide.
 */
import * as assert from 'node:assert/strict';
import { runEsmApp } from './utils/run-fixture';

interface Report {
  statuses: number[];
  heard: Array<{ signal: string; url: string; spanId: string; active: boolean; original?: boolean; aborted?: boolean }>;
  spans: Array<{ spanId: string; kind: number; name: string; path: string; route?: string; exceptionEvents: number }>;
}

const SERVER = 1;

describe('Hono 4 as ES modules, under the loader hook: node --import ./telemetry.mjs app.mjs', function () {
  this.timeout(20000);
  let report: Report;
  let withoutHook: Report;
  before(async () => {
    [report, withoutHook] = await Promise.all([
      runEsmApp<Report>('hono'),
      runEsmApp<Report>('hono', { loaderHook: false }),
    ]);
  });
  const signals = (name: string) => report.heard.filter(call => call.signal === name);

  it('answers as the app does: 500, 404, 200, 500', () => {
    assert.deepEqual(report.statuses, [500, 404, 200, 500]);
  });

  it('fires gotRequestException once per 5xx error, with the error thrown, not for HTTPException(404)', () => {
    assert.deepEqual(
      signals('gotRequestException').map(call => [call.url, call.original]),
      [
        ['/users/7', true],
        ['/v1/fail', true],
      ]
    );
  });

  it('names each SERVER span by its route template, sub-apps and basePath included', () => {
    assert.deepEqual(
      report.spans.map(span => [span.kind, span.name, span.route]),
      [
        [SERVER, 'GET /users/:id', '/users/:id'],
        [SERVER, 'GET /missing', '/missing'],
        [SERVER, 'GET /api/items/:id', '/api/items/:id'],
        [SERVER, 'GET /v1/fail', '/v1/fail'],
      ]
    );
  });

  it('records each reported error on its span', () => {
    assert.deepEqual(
      report.spans.map(span => span.exceptionEvents),
      [1, 0, 0, 1]
    );
  });

  it('fires requestFinished once per request', () => {
    assert.deepEqual(
      signals('requestFinished').map(call => [call.url, call.aborted]),
      report.spans.map(span => [span.path, false])
    );
  });

  it("gives every receiver its request's exported span, active", () => {
    const exported = new Map(report.spans.map(span => [span.spanId, span.path]));
    for (const call of report.heard) {
      assert.equal(exported.get(call.spanId), call.url, `${call.signal} for ${call.url} got another span`);
      assert.ok(call.active, `${call.signal} for ${call.url} ran without its span active`);
    }
  });

  /* ES modules are patched only through the loader hook; require hooks never see them. */
  it('sees no Hono error or route without the loader hook (the http span and signals remain)', () => {
    const bare = withoutHook;
    assert.deepEqual(
      {
        statuses: bare.statuses,
        names: bare.spans.map(span => span.name),
        signals: bare.heard.map(call => call.signal),
      },
      {
        statuses: [500, 404, 200, 500],
        names: ['GET', 'GET', 'GET', 'GET'],
        signals: ['requestFinished', 'requestFinished', 'requestFinished', 'requestFinished'],
      }
    );
  });
});
