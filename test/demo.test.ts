import * as assert from 'node:assert/strict';
import { execFile } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { inheritedEnv } from './utils/run-fixture';
import { RunningServer, startHttpServer } from './utils/server';

/** The repository root, from the compiled build/test. */
const ROOT = path.resolve(__dirname, '..', '..');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/* Asynchronous, so that a server in this process can answer the demo while it runs. */
function runDemo(env: Record<string, string> = {}): Promise<DemoRun> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'examples', 'demo.js')],
      { cwd: ROOT, env: inheritedEnv(env), encoding: 'utf8', timeout: 15000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      }
    );
  });
}

function assertExitedCleanly(run: DemoRun): void {
  assert.equal(run.code, 0, `the demo exited with ${run.code}\n${run.stdout}\n${run.stderr}`);
}

/** A collector on this machine that keeps what it was sent. */
async function startCollector(
  received: Array<{ method?: string; url?: string; body: Buffer }>
): Promise<RunningServer> {
  return startHttpServer((request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, body: Buffer.concat(chunks) });
      // An empty body is an empty ExportTraceServiceResponse: full success.
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
}

describe('examples/demo.js', function () {
  this.timeout(20000);
  let collector: RunningServer;
  const received: Array<{ method?: string; url?: string; body: Buffer }> = [];
  // Both runs at once (never rejected: a run resolves with how the demo exited).
  let plainRun: Promise<DemoRun>;
  let otlpRun: Promise<DemoRun>;
  before(async () => {
    collector = await startCollector(received);
    plainRun = runDemo();
    otlpRun = runDemo({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
      OTEL_SERVICE_NAME: 'demo-under-test',
    });
  });
  after(() => collector.close());

  describe('with no OTEL_* variables', () => {
    let run: DemoRun;
    before(async () => (run = await plainRun));

    it('exits 0 and exports nothing', () => {
      assertExitedCleanly(run);
      assert.match(run.stdout, /not exported/);
    });

    it('sends each of the five requests', () => {
      for (const line of [
        /\[client\] GET \/ -> 200 "hello"/,
        /\[client\] GET \/no-such-page -> 404/,
        /\[client\] GET \/boom -> no response after \d+ ms, gave up/,
        /\[client\] GET \/async-boom -> 500/,
        /\[client\] GET \/slow -> 200, got "working", then aborted/,
      ]) {
        assert.match(run.stdout, line);
      }
    });

    it('names the signal behind each receiver line', () => {
      assert.match(run.stdout, /^ {2}requestStarted {6}\[client-ip\] GET \/ from/m);
      assert.match(run.stdout, /^ {2}requestFinished {5}\[timing\] GET \/ -> 200/m);
      assert.match(run.stdout, /^ {2}gotRequestException \[alerting\] /m);
    });

    it('runs the timing and client-ip receivers', () => {
      assert.match(run.stdout, /\[timing\] GET \/ -> 200 in [\d.]+ ms/);
      assert.match(run.stdout, /\[timing\] GET \/slow -> 200, then the client aborted/);
      assert.match(run.stdout, /\[client-ip\] GET \/ from 203\.0\.113\.7 \(from X-Forwarded-For\)/);
      assert.match(run.stdout, /\[client-ip\] GET \/no-such-page from 127\.0\.0\.1 \(REMOTE_ADDR\)/);
    });

    it('alerts on both exceptions, and the thrown one reaches the app', () => {
      assert.match(run.stdout, /\[alerting\] \(stand-in\) alert #1 for \/boom: Error: boom/);
      assert.match(run.stdout, /\[alerting\] \(stand-in\) alert #2 for \/async-boom: OrderLookupError/);
      assert.match(run.stdout, /\[app\] uncaughtException handler got "boom"/);
    });

    it('serves one request over HTTP/2 with the same signals', () => {
      assert.match(run.stdout, /\[client\] GET \/ -> 200 "hello" over HTTP\/2/);
      assert.equal(run.stdout.match(/\[timing\] GET \/ -> 200 in [\d.]+ ms/g)?.length, 2);
    });

    it('releases every per-request resource', () => {
      assert.equal(run.stdout.match(/\[cleanup\] released /g)?.length, 6);
      assert.match(run.stdout, /open resources: 0, alerts sent: 2/);
    });

    it('draws a tree line for each SERVER span, with what the receivers added', () => {
      assert.equal(run.stdout.match(/^└─ GET {2}SERVER /gm)?.length, 6);
      assert.match(run.stdout, /^trace [0-9a-f]{8} {2}\(service signals-demo\)$/m);
      assert.match(run.stdout, /· exception {2}Error: boom/);
      assert.match(run.stdout, /error\.type=OrderLookupError/);
      assert.match(run.stdout, /demo\.client_ip=203\.0\.113\.7/);
    });

    it('stays short, with nothing on stderr but what Node itself may warn about', () => {
      assert.ok(run.stdout.split('\n').length <= 95, `${run.stdout.split('\n').length} lines`);
      const ours = run.stderr
        .split('\n')
        .filter(line => line !== '' && !/^\(node:\d+\)|^\(Use `node --trace/.test(line));
      assert.deepEqual(ours, []);
    });
  });

  describe('with OTEL_TRACES_EXPORTER=otlp and an endpoint on this machine', () => {
    it('exports the spans there, under OTEL_SERVICE_NAME', async () => {
      const run = await otlpRun;
      assertExitedCleanly(run);
      assert.match(
        run.stdout,
        new RegExp(`exported with otlp \\(http/protobuf\\) to http://127\\.0\\.0\\.1:${collector.port}/v1/traces`)
      );
      assert.match(run.stdout, /\(service demo-under-test\)/);

      const traces = received.filter(request => request.method === 'POST' && request.url === '/v1/traces');
      assert.ok(traces.length >= 1, `received ${JSON.stringify(received.map(r => `${r.method} ${r.url}`))}`);
      // Protobuf keeps strings as UTF-8 bytes: the service name and a receiver's attribute are in there.
      const bodies = Buffer.concat(traces.map(request => request.body));
      assert.ok(bodies.includes('demo-under-test'), 'no service.name in the export');
      assert.ok(bodies.includes('demo.client_ip'), 'no receiver attribute in the export');
    });
  });
});
