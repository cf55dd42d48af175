/*
 * The server processes of the reliability suites (test/fixtures/soak-server.js,
 * http2-soak-server.js): forked with an IPC channel, they say
 * { type: 'listening', … } once they listen, and answer { id, cmd } with
 * { id, reply } (a reply with `error` is a failure). What both count is
 * test/fixtures/soak-counts.js; RequestCounts is its shape.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'child_process';
import * as path from 'path';
import { FIXTURES } from './server';

export interface RequestCounts {
  seen: number;
  seenByRoute: Record<string, number>;
  thrown: number;
  rejected: number;
  started: number;
  finished: number;
  finishedAborted: number;
  exceptions: number;
  spansStarted: number;
  spansEnded: number;
  uncaught: number;
  unhandled: number;
  /** Broken promises of the instrumentation, by name: every one must stay 0. */
  anomalies: Record<string, number>;
}

/** Every request the server saw fired requestStarted and requestFinished once, and started and ended one SERVER span. */
export function assertOnceForEverySeen(counts: RequestCounts): void {
  assert.deepEqual(
    {
      started: counts.started,
      finished: counts.finished,
      spansStarted: counts.spansStarted,
      spansEnded: counts.spansEnded,
    },
    { started: counts.seen, finished: counts.seen, spansStarted: counts.seen, spansEnded: counts.seen }
  );
}

export interface SoakProcess<Listening> {
  /** The 'listening' message. */
  listening: Listening;
  call: <T>(cmd: string) => Promise<T>;
  /** Whether the process is still running (it must never crash). */
  alive: () => boolean;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Forks test/fixtures/`script` with `options` as its JSON argument; resolves once it listens. */
export async function forkSoakServer<Listening>(
  script: string,
  options: object,
  execArgv: string[] = []
): Promise<SoakProcess<Listening>> {
  const child = fork(path.join(FIXTURES, script), [JSON.stringify(options)], {
    cwd: FIXTURES,
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', chunk => (stderr += chunk));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const pending = new Map<number, (reply: unknown) => void>();
  let nextId = 1;
  const listening = await new Promise<Listening>((resolve, reject) => {
    child.on('message', (message: { type?: string; id?: number; reply?: unknown }) => {
      if (message.type === 'listening') resolve(message as Listening);
      else if (message.id !== undefined) pending.get(message.id)?.(message.reply);
    });
    child.on('exit', code => reject(new Error(`${script} exited (${code}) before listening: ${stderr}`)));
  });

  function call<T>(cmd: string): Promise<T> {
    if (exited()) return Promise.reject(new Error(`${script} is gone: ${stderr}`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not answer ${cmd}`)), 30000);
      pending.set(id, reply => {
        clearTimeout(timer);
        pending.delete(id);
        const error = (reply as { error?: string }).error;
        if (error !== undefined) reject(new Error(`${script} ${cmd}: ${error}`));
        else resolve(reply as T);
      });
      child.send({ id, cmd });
    });
  }

  return {
    listening,
    call,
    alive: () => !exited(),
    stderr: () => stderr,
    stop: () =>
      exited()
        ? Promise.resolve()
        : new Promise(resolve => {
            child.once('exit', () => resolve());
            child.kill();
          }),
  };
}
