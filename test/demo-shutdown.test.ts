/*
 * examples/telemetry.js on SIGTERM and SIGINT: the spans still queued in the
 * BatchSpanProcessor are exported before the process ends, and it still ends
 * by that signal. The demo is stopped after its second request, long before
 * the batch's 5 s delay would have exported anything.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { inheritedEnv } from './utils/run-fixture';
import { RunningServer, startHttpServer } from './utils/server';

const ROOT = path.resolve(__dirname, '..', '..');

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo exporting to `port`, sends it `signal` once the second request's answer is printed. */
function stopDemoAfterSecondRequest(port: number, signal: NodeJS.Signals): Promise<Stopped> {
  const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'demo.js')], {
    cwd: ROOT,
    env: inheritedEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }),
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!sent && /\[client\] GET \/no-such-page -> /.test(stdout)) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise(resolve =>
    child.on('exit', (code, exitSignal) => resolve({ code, signal: exitSignal, stdout, stderr }))
  );
}

/** A collector that keeps the bodies of the trace exports it receives. */
function startCollector(bodies: Buffer[]): Promise<RunningServer> {
  return startHttpServer((request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

describe('examples/telemetry.js on SIGTERM and SIGINT', function () {
  this.timeout(20000);
  // One demo and one collector per signal, both at once (a run never rejects: it resolves with how the demo ended).
  const collectors: RunningServer[] = [];
  const exports = SIGNALS.map((): Buffer[] => []);
  const runs: Array<Promise<Stopped>> = [];
  before(async () => {
    for (const [i, signal] of SIGNALS.entries()) {
      collectors.push(await startCollector(exports[i]));
      runs.push(stopDemoAfterSecondRequest(collectors[i].port, signal));
    }
  });
  after(() => Promise.all(collectors.map(collector => collector.close())));

  for (const [i, signal] of SIGNALS.entries()) {
    it(`${signal}: exports the spans that had ended, then ends by ${signal}`, async () => {
      const stopped = await runs[i];
      const bodies = exports[i];
      assert.equal(stopped.signal, signal, `exited with ${stopped.code}\n${stopped.stdout}\n${stopped.stderr}`);
      assert.doesNotMatch(
        stopped.stdout,
        /open resources:/,
        'the demo ran to its end: the signal came too late to test anything'
      );
      const exported = Buffer.concat(bodies);
      // The first request's SERVER span, with what the client-ip receiver added (protobuf keeps strings as UTF-8).
      assert.ok(
        exported.includes('demo.client_ip'),
        `nothing of the first request was exported (${bodies.length} exports)`
      );
    });
  }
});
