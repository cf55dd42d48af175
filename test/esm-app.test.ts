/*
 * An ES module application (`import http from 'node:http'`), started the
 * documented way: `node --import ./telemetry.mjs app.mjs`, where telemetry.mjs
 * starts NodeSDK with the instrumentation. No loader hook is involved: the
 * instrumentation patches http.Server.prototype, which ESM imports share.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './utils/server';

interface Report {
  statuses: number[];
  spans: Array<{ spanId: string; kind: number; path: string }> | null;
  heard: Array<{ signal: string; url: string; spanId: string; active: boolean }>;
  listenerSpans: Array<string | null>;
}

const ESM_APP = path.join(FIXTURES, 'esm');
const SERVER = 1;

function runEsmApp(): Report {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const output = execFileSync(process.execPath, ['--import', './telemetry.mjs', 'app.mjs'], {
    cwd: ESM_APP,
    env: inherited,
    encoding: 'utf8',
    timeout: 15000,
  });
  return JSON.parse(output) as Report;
}

describe('an ESM app started with node --import ./telemetry.mjs app.mjs', function () {
  this.timeout(20000);
  let report: Report;
  before(() => (report = runEsmApp()));

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
