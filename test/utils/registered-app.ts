/*
 * One run of an application started with otel-request-signals/register and
 * nothing else: an OTLP receiver and an upstream server on 127.0.0.1, the
 * app in a child process (test/utils/child-app.ts) exporting to the receiver
 * through the standard variables, a few requests, then a signal. The apps
 * print {"signal": "requestFinished", "url": …} from a receiver: each request
 * is over once that line arrives.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ChildExit, childEnv, startChildApp } from './child-app';
import { request } from './client';
import { ExportedSpan, startOtlpReceiver } from './otlp-receiver';
import { startHttpServer } from './server';

export interface RegisteredRun {
  statuses: number[];
  /** Every span the receiver got, and those it had when the process exited. */
  spans: ExportedSpan[];
  exit: ChildExit<ExportedSpan[]>;
  /** The headers of each request the upstream server received. */
  upstreamRequests: IncomingHttpHeaders[];
}

export interface RegisteredRunOptions {
  /** node's arguments: `['--require', 'otel-request-signals/register', 'app.js']`. */
  args: string[];
  cwd: string;
  requests: Array<{ path: string; headers?: Record<string, string> }>;
  signal: NodeJS.Signals;
  env?: Record<string, string>;
}

export const SERVICE_NAME = 'checkout-zero-code';

/** The environment of an app exporting to `endpoint`, configured by OTEL_* variables only. */
export function registeredAppEnv(endpoint: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return childEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: SERVICE_NAME,
    // Spans reach the receiver only through the flush at exit, never through the batch timer.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    // No cloud detectors: they would look for metadata services over the network.
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host',
    ...env,
  });
}

export async function runRegisteredApp(options: RegisteredRunOptions): Promise<RegisteredRun> {
  const receiver = await startOtlpReceiver();
  const upstreamRequests: IncomingHttpHeaders[] = [];
  const upstream = await startHttpServer((incoming, response) => {
    upstreamRequests.push(incoming.headers);
    response.end('in stock');
  });
  try {
    const app = await startChildApp(
      options.args,
      options.cwd,
      registeredAppEnv(receiver.endpoint, { UPSTREAM_URL: `http://127.0.0.1:${upstream.port}/stock`, ...options.env })
    );
    const statuses: number[] = [];
    try {
      for (const { path, headers } of options.requests) {
        statuses.push((await request(app.port, { path, headers })).status);
        // The client can read the response before the server saw it finish: wait for requestFinished.
        await app.waitForLine(line => line.signal === 'requestFinished' && line.url === path);
      }
    } catch (error) {
      await app.stop('SIGKILL', () => undefined);
      throw error;
    }
    const exit = await app.stop(options.signal, () => receiver.spans.slice());
    return { statuses, spans: receiver.spans, exit, upstreamRequests };
  } finally {
    await upstream.close();
    await receiver.close();
  }
}
