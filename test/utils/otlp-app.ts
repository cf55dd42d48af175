/*
 * Runs test/fixtures/otlp-app.js (an app that registers the instrumentation
 * with NodeSDK and an OTLP exporter, serves two requests, then shuts the SDK
 * down) in a child process. Asynchronous: the receiver in this process must
 * answer while the app runs.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './server';

export interface OtlpAppRun {
  code: number | null;
  statuses: number[];
  stderr: string;
}

/** `node otlp-app.js ...args` with this environment, without its OTEL_* variables, plus `env`. */
export function runOtlpApp(args: string[], env: Record<string, string>): Promise<OtlpAppRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [path.join(FIXTURES, 'otlp-app.js'), ...args],
      { cwd: FIXTURES, env: { ...inherited, ...env }, encoding: 'utf8', timeout: 15000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        const statuses = code === 0 ? (JSON.parse(stdout) as { statuses: number[] }).statuses : [];
        resolve({ code, statuses, stderr });
      }
    );
  });
}
