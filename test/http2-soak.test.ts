import * as assert from 'node:assert/strict';
import { envCount } from './utils/load';
import { assertOnceForEverySeen } from './utils/soak-process';
import {
  HELD,
  HTTP2_SERVERS,
  Http2Fixture,
  Http2Report,
  Http2Tally,
  Http2UnitKind,
  runHttp2Load,
  startHttp2Fixture,
} from './utils/http2-load';

/*
 * The HTTP/2 soak (tag: soak, http2): thousands of streams over many
 * sessions against four instrumented servers in a child process (h2c and
 * h2 over TLS, each with the compatibility and the core API), mixing answers,
 * client resets mid-response, sessions destroyed with streams open, GOAWAYs
 * and listeners that throw or reject. Every stream must start once, finish
 * once and end one SERVER span, and the counts must pair up. H2_SOAK_STREAMS
 * sets the number of streams (default 10000).
 */
const STREAMS = envCount('H2_SOAK_STREAMS', 10000);
const SEED = envCount('H2_SOAK_SEED', 20250611);
const BARE_STREAMS = Math.min(STREAMS, 1500);

const MIX: Record<Http2UnitKind, number> = {
  ok: 30,
  slow: 8,
  stream: 8,
  upload: 6,
  reset: 10,
  throw: 6,
  reject: 6,
  destroy: 3,
  goaway: 2,
  close: 2,
};

describe(`soak, http2: ${STREAMS} streams against instrumented HTTP/2 servers in a child process`, function () {
  this.timeout(120000);
  let fixture: Http2Fixture;
  let bareFixture: Http2Fixture;
  let tally: Http2Tally;
  let report: Http2Report;
  let bareTally: Http2Tally;
  let bareReport: Http2Report;

  /*
   * Alongside, a smaller load of the same mix against the same servers
   * without the instrumentation: the answers the clients expect, and what
   * the app counts, are Node's own behaviour, not a model of it.
   */
  before(async () => {
    [fixture, bareFixture] = await Promise.all([startHttp2Fixture(), startHttp2Fixture({ bare: true })]);
    const load = (ports: Http2Fixture['ports'], streams: number) =>
      runHttp2Load({ ports, streams, mix: MIX, concurrency: 48, sessionsPerServer: 4, seed: SEED });
    [tally, bareTally] = await Promise.all([load(fixture.ports, STREAMS), load(bareFixture.ports, BARE_STREAMS)]);
    [report, bareReport] = await Promise.all([fixture.report(), bareFixture.report()]);
    if (process.env.SOAK_VERBOSE === '1')
      process.stderr.write(`h2 soak tally ${JSON.stringify(tally)}\nh2 soak report ${JSON.stringify(report)}\n`);
  });
  let printed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed' && !printed) {
      printed = true;
      process.stderr.write(`h2 soak tally ${JSON.stringify(tally)}\nh2 soak report ${JSON.stringify(report)}\n`);
    }
  });
  after(async () => Promise.all([fixture?.stop(), bareFixture?.stop()]));

  it('answers every stream as the application meant, and never crashes', () => {
    assert.deepEqual(tally.unexpected.slice(0, 10), []);
    assert.ok(fixture.alive(), `the server process died: ${fixture.stderr()}`);
    for (const [kind, sent] of Object.entries(tally.sent)) assert.ok(sent > 0, `no ${kind} unit ran`);
    assert.ok(tally.streams >= STREAMS);
    assert.equal(tally.ok + tally.status500 + tally.aborted, tally.streams);
    assert.deepEqual([report.openSessions, report.samples], [0, []]);
  });

  it('gets the same answers, and the app sees the same, without the instrumentation', () => {
    const { counts } = bareReport;
    assert.deepEqual(bareTally.unexpected.slice(0, 10), []);
    assert.equal(bareTally.ok + bareTally.status500 + bareTally.aborted, bareTally.streams);
    assert.deepEqual(
      {
        seen: counts.seen,
        uncaught: counts.uncaught,
        unhandled: counts.unhandled,
        samples: bareReport.samples,
        open: bareReport.openSessions,
      },
      {
        seen: bareTally.streams,
        uncaught: bareTally.sent.throw,
        unhandled: bareTally.sent.reject,
        samples: [],
        open: 0,
      }
    );
  });

  it('saw every stream the clients sent, on each of the four servers', () => {
    const { counts } = report;
    assert.equal(counts.seen, tally.streams);
    assert.deepEqual(
      HTTP2_SERVERS.map(server => counts.seenByServer[server] ?? 0),
      HTTP2_SERVERS.map(server => tally.byServer[server] ?? 0)
    );
    assert.equal(
      counts.seenByRoute['/hold'],
      tally.sent.reset + tally.sent.destroy + (tally.sent.goaway / (HELD + 1)) * HELD
    );
  });

  it('fires requestStarted and requestFinished once and ends one SERVER span per stream', () => {
    const { counts } = report;
    assertOnceForEverySeen(counts);
    assert.deepEqual(nonZero(counts.anomalies), {});
  });

  it('leaves http.server.active_requests at 0 and records one duration per stream', () => {
    assert.deepEqual(report.metrics, { activeRequests: 0, durations: report.counts.seen });
  });

  it('finishes as aborted exactly the streams reset, cut with their session or by a GOAWAY', () => {
    const { counts } = report;
    assert.equal(counts.finishedAborted, tally.aborted);
    assert.equal(counts.spansAborted, tally.aborted);
  });

  it('fires gotRequestException once per throw and rejection, and they reach the process as without us', () => {
    const { counts } = report;
    assert.deepEqual(
      { thrown: counts.thrown, rejected: counts.rejected },
      { thrown: tally.sent.throw, rejected: tally.sent.reject }
    );
    assert.equal(counts.exceptions, counts.thrown + counts.rejected);
    assert.equal(counts.spansWithException, counts.exceptions);
    // Without us the same: a listener's throw is uncaught, its rejection unhandled.
    assert.deepEqual(
      { uncaught: counts.uncaught, unhandled: counts.unhandled },
      { uncaught: counts.thrown, unhandled: counts.rejected }
    );
    assert.equal(tally.status500, counts.thrown + counts.rejected);
  });
});

function nonZero(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== 0));
}
