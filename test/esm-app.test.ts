/*
 * An ES module application (`import http from 'node:http'`), started the
 * documented way: `node --import ./telemetry.mjs app.mjs`, where telemetry.mjs
 * starts NodeSDK with the instrumentation. No loader hook is involved: the
 * instrumentation patches http.Server.prototype, which ESM imports share.
 */
import * as assert from 'node:assert/strict';
import { runEsmApp } from './utils/run-fixture';

interface Report {
  statuses: number[];
  spans: Array<{ spanId: string; kind: number; path: string }> | null;
  heard: Array<{ signal: string; url: string; spanId: string; active: boolean }>;
  listenerSpans: Array<string | null>;
}

const SERVER = 1;

describe('an ESM app started with node --import ./telemetry.mjs app.mjs', function () {
  this.timeout(20000);
  let report: Report;
  before(async () => (report = await runEsmApp<Report>('esm', { loaderHook: false })));

  it('answers as the app does uninstrumented', () => {
    assert.deepEqual(report.statuses, [200, 500]);
  });

  it('fires requestStarted, gotRequestException and requestFinished for its requests', () => {
    assert.deepEqual(
      report.heard.map(call => [call.signal, call.url]),
      [
        ['requestStarted', '/hello'],
        ['requestFinished', '/hello'],
        ['requestStarted', '/fail'],
        ['gotRequestException', '/fail'],
        ['requestFinished', '/fail'],
      ]
    );
  });

  it('exports exactly one span per request, of kind SERVER', () => {
    assert.deepEqual(
      report.spans?.map(span => [span.path, span.kind]),
      [
        ['/hello', SERVER],
        ['/fail', SERVER],
      ]
    );
  });

  it("gives every receiver its request's exported span, active", () => {
    const exported = new Map(report.spans?.map(span => [span.spanId, span.path]));
    assert.ok(report.heard.length > 0, 'no signal fired');
    for (const call of report.heard) {
      assert.equal(exported.get(call.spanId), call.url, `${call.signal} for ${call.url} got another span`);
      assert.ok(call.active, `${call.signal} for ${call.url} ran without its span active`);
    }
  });

  it("makes the same span active in the app's listener", () => {
    assert.deepEqual(
      report.listenerSpans,
      report.spans?.map(span => span.spanId)
    );
  });
});
