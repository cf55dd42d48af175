/*
 * Two instances enabled at once share the framework patches: each error
 * fires once, and disabling one leaves them to the other. The apps run in a
 * child process (test/fixtures/two-instances.js): which patches are in place
 * is process-wide state.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from './server';

interface Phase {
  name: string;
  statuses: number[];
  spanNames: string[];
  exceptionEvents: number[];
  exceptions: number;
}

/** What one phase with the patches in place must give: a SERVER span per request, named by route, and one error each. */
export interface Routed {
  spanNames: string[];
  exceptionEvents: number[];
  exceptions: number;
}

/** `apps`: the module under test/fixtures that serves the failing requests (each answered 500). */
export function describeTwoInstances(title: string, apps: string, routed: Routed): void {
  describe(title, () => {
    let phases: Record<string, Phase>;
    before(function () {
      this.timeout(30000);
      const output = execFileSync(process.execPath, [path.join(FIXTURES, 'two-instances.js'), apps], {
        cwd: FIXTURES,
        encoding: 'utf8',
        timeout: 30000,
      });
      phases = Object.fromEntries((JSON.parse(output) as Phase[]).map(phase => [phase.name, phase]));
    });

    const view = ({ spanNames, exceptionEvents, exceptions }: Phase): Routed => ({
      spanNames,
      exceptionEvents,
      exceptions,
    });

    it('answers every request as the app does (500), in every phase', () => {
      for (const phase of Object.values(phases)) assert.deepEqual(phase.statuses, [500, 500], phase.name);
    });

    it('names each route and fires each error once with both enabled', () => {
      assert.deepEqual(view(phases['both enabled']), routed);
    });

    it('keeps them for the instance still enabled when the other is disabled', () => {
      assert.deepEqual(view(phases['a disabled']), routed);
    });

    it('takes everything away once both are disabled', () => {
      const { spanNames, exceptions } = phases['both disabled'];
      assert.deepEqual({ spanNames, exceptions }, { spanNames: [], exceptions: 0 });
    });

    it('gives them back when one is enabled again', () => {
      assert.deepEqual(view(phases['a enabled again']), routed);
    });
  });
}
