/*
 * A long-running application in a child process, for tests that start it the
 * way users do (`node --require …/register app.js`) and end it with a signal.
 * The app prints one JSON object per line on stdout: first {"port": …} once
 * it listens, then whatever it reports.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildExit<T> {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What `atExit` returned, called as the exit was seen. */
  atExit: T;
  stderr: string;
  /** Every line the app printed on stdout, parsed. */
  lines: Array<Record<string, unknown>>;
}

export interface ChildApp {
  port: number;
  /** Sends `signal` without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once the app has printed a line that `matches` (at once if it already has). */
  waitForLine(matches: (line: Record<string, unknown>) => boolean): Promise<void>;
  /** Sends `signal`; resolves once the process has exited and its output is read. */
  stop<T>(signal: NodeJS.Signals, atExit: () => T): Promise<ChildExit<T>>;
}

/** The environment of this process without OTEL_* variables and NODE_PATH, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'NODE_PATH');
  return { ...Object.fromEntries(inherited), ...env };
}

/** Starts `node ...args` in `cwd` and resolves once the app printed its port. */
export async function startChildApp(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ChildApp> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test that fails before it stops the app must not leave it running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const lines: Array<Record<string, unknown>> = [];
  const waiting = new Set<() => void>();
  let stderr = '';
  let onExit: () => unknown = () => undefined;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atExit: unknown }>(resolve =>
    child.once('exit', (code, signal) => {
      const atExit = onExit(); // at the exit itself, not once the pipes have closed
      child.once('close', () => resolve({ code, signal, atExit }));
    })
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', line => {
      const parsed = parseLine(line);
      lines.push(parsed);
      for (const check of waiting) check();
      if (typeof parsed.port === 'number') resolve(parsed.port);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the app exited (${code ?? signal}) before it listened\n${stderr}`))
    );
  });
  return {
    port,
    waitForLine: matches =>
      new Promise((resolve, reject) => {
        const check = () => lines.some(matches) && (waiting.delete(check), resolve());
        waiting.add(check);
        check();
        void exited.then(() => reject(new Error(`the app exited before it printed the line awaited\n${stderr}`)));
      }),
    signal: signal => void child.kill(signal),
    async stop<T>(signal: NodeJS.Signals, atExit: () => T): Promise<ChildExit<T>> {
      onExit = atExit;
      child.kill(signal);
      const exit = await exited;
      return { code: exit.code, signal: exit.signal, atExit: exit.atExit as T, stderr, lines };
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { text: line };
  } catch {
    return { text: line };
  }
}
