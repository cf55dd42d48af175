import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { FIXTURES } from './utils/server';

interface Phase {
  name: string;
  statuses: number[];
  spanNames: string[];
  exceptionEvents: number[];
  exceptions: number;
}

const ROUTED = { spanNames: ['GET /users/:id', 'GET /items/:id'], exceptionEvents: [1, 1], exceptions: 2 };

/* A child process: which patches are in place is process-wide state. */
describe('two instances: the framework patches they share', () => {
  let phases: Record<string, Phase>;
  before(function () {
    this.timeout(20000);
    const output = execFileSync(process.execPath, [path.join(FIXTURES, 'two-instances.js')], {
      cwd: FIXTURES,
      encoding: 'utf8',
    });
    phases = Object.fromEntries((JSON.parse(output) as Phase[]).map(phase => [phase.name, phase]));
  });

  it('answers every request as the app does, in every phase', () => {
    for (const phase of Object.values(phases)) assert.deepEqual(phase.statuses, [500, 500], phase.name);
  });

  it('gives routes and framework errors with both enabled', () => {
    const { spanNames, exceptionEvents, exceptions } = phases['both enabled'];
    assert.deepEqual({ spanNames, exceptionEvents, exceptions }, ROUTED);
  });

  it('keeps them for the instance still enabled when the other is disabled', () => {
    const { spanNames, exceptionEvents, exceptions } = phases['a disabled'];
    assert.deepEqual({ spanNames, exceptionEvents, exceptions }, ROUTED);
  });

  it('takes everything away once both are disabled', () => {
    const { spanNames, exceptions } = phases['both disabled'];
    assert.deepEqual({ spanNames, exceptions }, { spanNames: [], exceptions: 0 });
  });

  it('gives them back when one is enabled again', () => {
    const { spanNames, exceptionEvents, exceptions } = phases['a enabled again'];
    assert.deepEqual({ spanNames, exceptionEvents, exceptions }, ROUTED);
  });
});
