import * as assert from 'node:assert/strict';
import {
  FixtureOptions,
  HeapSample,
  ServerReport,
  Tally,
  UnitKind,
  dataHeap,
  envCount,
  runLoad,
  startFixture,
} from './utils/load';

/*
 * A span exporter that fails or hangs must never slow or break request
 * handling, and memory must stay bounded by the BatchSpanProcessor's queue.
 * Each exporter runs in its own child process under the same seeded load;
 * the run without any export, in the same test run, is the reference.
 */
const REQUESTS = envCount('FAULTS_REQUESTS', Math.max(3000, Math.round(envCount('SOAK_REQUESTS', 20000) / 7)));
const SEED = envCount('SOAK_SEED', 20240611);
const MAX_QUEUE_SIZE = 256;
const CONCURRENCY = 16;
const MIX: Partial<Record<UnitKind, number>> = { keepAlive: 70, fresh: 20, stream: 10 };
/** Generous: the exporter's work is off the request path; only a ratio within one run is compared. */
const MAX_SLOWDOWN = 3;

/*
 * A finished span holds its attributes, events and resource: about 1 KB. A
 * queue that did not drop at maxQueueSize would keep one per request of phase
 * B; the bound allows 600 bytes a request, and a full queue is reached in
 * phase A already, so phase B must add nothing but noise.
 */
const SPAN_BYTES_BOUND_PER_REQUEST = 600;

interface Run {
  tally: Tally;
  heapA: HeapSample;
  heapB: HeapSample;
  phaseB: number;
  report: ServerReport;
  alive: boolean;
}

async function runWith(options: FixtureOptions, requests = REQUESTS): Promise<Run> {
  const fixture = await startFixture(options);
  try {
    const phaseA = Math.round(requests * 0.4);
    const load = { port: fixture.port, mix: MIX, concurrency: CONCURRENCY };
    const tally = await runLoad({ ...load, requests: phaseA, seed: SEED });
    const heapA = await fixture.heap();
    await runLoad({ ...load, requests: requests - phaseA, seed: SEED + 1 }, tally);
    const heapB = await fixture.heap();
    const report = await fixture.report();
    return { tally, heapA, heapB, phaseB: tally.requests - phaseA, report, alive: fixture.alive() };
  } finally {
    await fixture.stop();
  }
}

function heapGrowth(run: Run): number {
  return dataHeap(run.heapB) - dataHeap(run.heapA);
}

const FAULTS: Array<[string, FixtureOptions['exporter']]> = [
  ['an OTLP exporter pointed at a port with nothing listening', 'otlp-refused'],
  ['an OTLP exporter pointed at a collector that accepts and never answers', 'otlp-blackhole'],
  ['an exporter whose export never calls back', 'hang'],
  ['an exporter that fails every export', 'fail'],
];

describe('span export faults never reach request handling', function () {
  this.timeout(240000);
  let baseline: Run;
  const runs = new Map<string, Run>();

  after(() => {
    if (process.env.SOAK_VERBOSE !== '1') return;
    for (const [name, run] of [['none', baseline] as const, ...runs.entries()]) {
      if (run === undefined) continue;
      process.stderr.write(
        `${name}: ${run.tally.durationMs.toFixed(0)} ms, heap growth ${heapGrowth(run)} over ${run.phaseB} requests, ` +
          `queued ${run.heapB.queued}, export calls ${run.report.counts.exportCalls}\n`
      );
    }
  });

  before(async () => {
    // Warm the client up first, so that the reference run is not the one paying for it.
    await runWith({ exporter: 'none' }, 1000);
    baseline = await runWith({ exporter: 'none' });
    for (const [, exporter] of FAULTS) {
      runs.set(exporter as string, await runWith({ exporter, maxQueueSize: MAX_QUEUE_SIZE }));
    }
    // The reference is measured again after the faulty runs; the faster of the two counts.
    const again = await runWith({ exporter: 'none' });
    if (again.tally.durationMs < baseline.tally.durationMs) baseline = again;
  });

  it('the reference run (no export) answers everything', () => {
    assert.deepEqual(baseline.tally.unexpected.slice(0, 10), []);
    assert.equal(baseline.tally.ok, baseline.tally.requests);
  });

  for (const [title, exporter] of FAULTS) {
    describe(title, () => {
      let run: Run;
      before(() => (run = runs.get(exporter as string) as Run));

      it('answers every request 200 and the server stays up', () => {
        assert.deepEqual(run.tally.unexpected.slice(0, 10), []);
        assert.equal(run.tally.ok, run.tally.requests);
        assert.ok(run.alive);
        assert.equal(
          run.report.counts.uncaught + run.report.counts.unhandled,
          0,
          run.report.uncaughtSamples.join('; ')
        );
      });

      it('still fires every signal and ends every span', () => {
        const { counts } = run.report;
        assert.equal(counts.seen, run.tally.requests);
        assert.deepEqual([counts.started, counts.finished, counts.spansEnded], [counts.seen, counts.seen, counts.seen]);
        assert.ok(counts.exportCalls > 0, 'the faulty exporter was never called');
      });

      it(`takes less than ${MAX_SLOWDOWN}x the time of the same load without export`, () => {
        const ratio = run.tally.durationMs / baseline.tally.durationMs;
        assert.ok(
          ratio < MAX_SLOWDOWN,
          `${run.tally.durationMs.toFixed(0)} ms against ${baseline.tally.durationMs.toFixed(0)} ms (x${ratio.toFixed(2)})`
        );
      });

      it(`keeps memory bounded by the queue (maxQueueSize ${MAX_QUEUE_SIZE})`, () => {
        assert.ok((run.heapB.queued ?? 0) <= MAX_QUEUE_SIZE);
        const growth = heapGrowth(run);
        const bound = SPAN_BYTES_BOUND_PER_REQUEST * run.phaseB;
        assert.ok(growth < bound, `the heap grew ${growth} bytes over ${run.phaseB} requests, bound ${bound}`);
      });
    });
  }

  it('the memory check catches a queue that does not drop (maxQueueSize larger than the run)', async () => {
    const unbounded = await runWith({ exporter: 'hang', maxQueueSize: 10 * REQUESTS });
    assert.ok((unbounded.heapB.queued ?? 0) > MAX_QUEUE_SIZE);
    const growth = heapGrowth(unbounded);
    if (process.env.SOAK_VERBOSE === '1')
      process.stderr.write(`unbounded queue: heap growth ${growth} over ${unbounded.phaseB} requests\n`);
    assert.ok(
      growth > SPAN_BYTES_BOUND_PER_REQUEST * unbounded.phaseB,
      `an unbounded queue grew the heap only ${growth} bytes over ${unbounded.phaseB} requests`
    );
  });
});
