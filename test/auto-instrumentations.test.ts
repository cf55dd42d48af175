/*
 * What most users run: getNodeAutoInstrumentations() (which includes
 * instrumentation-http) and ours, registered together with NodeSDK. The app
 * runs in a child process (test/fixtures/auto-app.js): the instrumentations
 * patch process-wide state.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './utils/server';

interface Report {
  statuses: number[];
  spans: Array<{
    spanId: string;
    kind: number;
    scope: string;
    path?: string;
    fromReceiver?: string;
    exceptionEvents: number;
  }>;
  heard: Array<{ signal: string; spanId: string; active: boolean }>;
  listenerSpans: string[];
}

const SERVER = 1;

function runApp(): Report {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const output = execFileSync(process.execPath, [path.join(FIXTURES, 'auto-app.js')], {
    cwd: FIXTURES,
    env: inherited,
    encoding: 'utf8',
    timeout: 15000,
  });
  return JSON.parse(output) as Report;
}

describe('beside getNodeAutoInstrumentations() in NodeSDK', function () {
  this.timeout(20000);
  let report: Report;
  let serverSpans: Report['spans'];
  before(() => {
    report = runApp();
    serverSpans = report.spans.filter(span => span.kind === SERVER);
  });

  it('answers as the app does uninstrumented', () => {
    assert.deepEqual(report.statuses, [200, 500]);
  });

  it('exports exactly one SERVER span per request', () => {
    assert.deepEqual(
      serverSpans.map(span => span.path),
      ['/ok', '/reject']
    );
  });

  it("adopts instrumentation-http's SERVER span rather than opening its own", () => {
    assert.deepEqual(
      serverSpans.map(span => span.scope),
      ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-http']
    );
  });

  it('fires every signal with the exported SERVER span, active', () => {
    const exported = new Map(serverSpans.map(span => [span.spanId, span.path]));
    assert.deepEqual(
      report.heard.map(call => [call.signal, exported.get(call.spanId), call.active]),
      [
        ['requestStarted', '/ok', true],
        ['requestFinished', '/ok', true],
        ['requestStarted', '/reject', true],
        ['gotRequestException', '/reject', true],
        ['requestFinished', '/reject', true],
      ]
    );
  });

  it("makes the same span active in the app's listener", () => {
    assert.deepEqual(
      report.listenerSpans,
      serverSpans.map(span => span.spanId)
    );
  });

  it('keeps the span open for requestFinished receivers', () => {
    assert.deepEqual(
      serverSpans.map(span => span.fromReceiver),
      ['yes', 'yes']
    );
  });

  it('records the async rejection once, on that span', () => {
    assert.deepEqual(
      serverSpans.map(span => span.exceptionEvents),
      [0, 1]
    );
  });
});
