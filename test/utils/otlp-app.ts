/*
 * Runs test/fixtures/otlp-app.js (an app that registers the instrumentation
 * with NodeSDK and an OTLP exporter, serves GET /checkout with a traceparent
 * and GET /orders/42, which fails, then shuts the SDK down) in a child
 * process. Asynchronous: the receiver in this process must answer while the
 * app runs.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { ExportedSpan } from './otlp-receiver';
import { inheritedEnv } from './run-fixture';
import { FIXTURES } from './server';

export interface OtlpAppRun {
  code: number | null;
  statuses: number[];
  stderr: string;
}

/** `node otlp-app.js ...args` with this environment, without its OTEL_* variables, plus `env`. */
export function runOtlpApp(args: string[], env: Record<string, string>): Promise<OtlpAppRun> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [path.join(FIXTURES, 'otlp-app.js'), ...args],
      { cwd: FIXTURES, env: inheritedEnv(env), encoding: 'utf8', timeout: 15000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        const statuses = code === 0 ? (JSON.parse(stdout) as { statuses: number[] }).statuses : [];
        resolve({ code, statuses, stderr });
      }
    );
  });
}

interface Receiver {
  endpoint: string;
  spans: ExportedSpan[];
  close(): Promise<void>;
}

/** What one run exported, filled in by the suite's before hook. */
export interface OtlpExport<R extends Receiver> {
  receiver: R;
  /** The incoming traceparent's trace and parent span. */
  traceId: string;
  parentSpanId: string;
  checkout: ExportedSpan | undefined;
  failing: ExportedSpan | undefined;
}

/** Mocha hooks: a receiver, and the app run against it once (`protocol` and the rest of `args` go to otlp-app.js). */
export function useOtlpExport<R extends Receiver>(
  startReceiver: () => Promise<R>,
  [protocol, ...args]: string[],
  env: Record<string, string>
): OtlpExport<R> {
  const run = {
    traceId: randomBytes(16).toString('hex'),
    parentSpanId: randomBytes(8).toString('hex'),
  } as OtlpExport<R>;
  before(async () => {
    run.receiver = await startReceiver();
    const app = await runOtlpApp([protocol, `00-${run.traceId}-${run.parentSpanId}-01`, ...args], {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: run.receiver.endpoint,
    });
    assert.equal(app.code, 0, `the app exited with ${app.code}\n${app.stderr}`);
    assert.deepEqual(app.statuses, [200, 500], 'the app answered differently than it does uninstrumented');
    run.checkout = run.receiver.spans.find(span => span.attributes['url.path'] === '/checkout');
    run.failing = run.receiver.spans.find(span => span.attributes['url.path'] === '/orders/42');
  });
  after(() => run.receiver?.close());
  return run;
}
