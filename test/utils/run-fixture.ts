/*
 * Fixture apps that run in a process of their own (loader hooks, patches,
 * uncaught exceptions and unhandled rejections are process-wide), each
 * printing one JSON report on stdout. Asynchronous, so that a suite can run
 * several at once.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './server';

/** This process's environment without OTEL_* variables (a fixture sets up its own telemetry), plus `env`. */
export function inheritedEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'));
  return { ...Object.fromEntries(inherited), ...env };
}

export interface FixtureRun {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeout?: number;
}

/** Runs `node ...args` (in test/fixtures unless `cwd` says otherwise) and parses the report it printed. */
export function runJsonFixture<T>(
  args: string[],
  { cwd = FIXTURES, env = process.env, timeout = 30000 }: FixtureRun = {}
): Promise<T> {
  const command = `node ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd, env, timeout, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) return reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout) as T);
        } catch {
          reject(new Error(`${command} printed no JSON report: ${stdout.slice(0, 500)}\n${stderr}`));
        }
      }
    );
  });
}

/**
 * Mocha hook: this describe's before hook starts every run at once (fixture
 * processes are independent); the suites inside await theirs by name. Each
 * promise is handled from the start: a failure reaches the suite that awaits
 * that run, not whichever test is running when it happens.
 */
export function startAtOnce<T>(runs: Record<string, () => Promise<T>>): Record<string, Promise<T>> {
  const started: Record<string, Promise<T>> = {};
  before(() => {
    for (const [name, run] of Object.entries(runs)) {
      started[name] = run();
      started[name].catch(() => undefined);
    }
  });
  return started;
}

/**
 * Runs an ES module app of test/fixtures (`dir`/app.mjs) the documented way,
 * `node --import ./telemetry.mjs app.mjs`, with the apps' shared telemetry
 * (test/fixtures/telemetry.mjs); `loaderHook: false` leaves its ESM loader hook out.
 */
export function runEsmApp<T>(dir: string, { loaderHook = true, timeout = 15000 } = {}): Promise<T> {
  return runJsonFixture<T>(['--import', '../telemetry.mjs', 'app.mjs'], {
    cwd: path.join(FIXTURES, dir),
    env: inheritedEnv({ FIXTURE_LOADER_HOOK: loaderHook ? 'on' : 'off' }),
    timeout,
  });
}
