/*
 * Two instances enabled at once share the @nestjs/core patches: each error
 * fires once, and disabling one leaves them to the other.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './utils/server';

interface Phase {
  name: string;
  statuses: number[];
  spanNames: string[];
  exceptionEvents: number[];
  exceptions: number;
}

/* One failing request on Express, one on Fastify; '/files/*' is Nest's template, Express would say '/files/{*path}'. */
const NEST_ANSWERS = { spanNames: ['GET /files/*', 'GET /files/*'], exceptionEvents: [1, 1], exceptions: 2 };

/* A child process: which patches are in place is process-wide state. */
describe('Nest 11 with two instances: the @nestjs/core patches they share', () => {
  let phases: Record<string, Phase>;
  before(function () {
    this.timeout(30000);
    const output = execFileSync(process.execPath, [path.join(FIXTURES, 'nest', 'two-instances.js')], {
      cwd: FIXTURES,
      encoding: 'utf8',
      timeout: 30000,
    });
    phases = Object.fromEntries((JSON.parse(output) as Phase[]).map(phase => [phase.name, phase]));
  });

  const view = ({ spanNames, exceptionEvents, exceptions }: Phase) => ({ spanNames, exceptionEvents, exceptions });

  it("answers every request with Nest's 500, in every phase", () => {
    for (const phase of Object.values(phases)) assert.deepEqual(phase.statuses, [500, 500], phase.name);
  });

  it('fires each error once and names each route once with both enabled', () => {
    assert.deepEqual(view(phases['both enabled']), NEST_ANSWERS);
  });

  it('keeps them for the instance still enabled when the other is disabled', () => {
    assert.deepEqual(view(phases['a disabled']), NEST_ANSWERS);
  });

  it('takes everything away once both are disabled', () => {
    const { spanNames, exceptions } = phases['both disabled'];
    assert.deepEqual({ spanNames, exceptions }, { spanNames: [], exceptions: 0 });
  });

  it('gives them back when one is enabled again', () => {
    assert.deepEqual(view(phases['a enabled again']), NEST_ANSWERS);
  });
});
