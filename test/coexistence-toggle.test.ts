import * as assert from 'node:assert/strict';
import { runJsonFixture, startAtOnce } from './utils/run-fixture';

interface Step {
  name: string;
  status: number;
  scopes: string[];
  started: number;
}

const HTTP = '@opentelemetry/instrumentation-http';
const OURS = 'otel-request-signals';

/* Who makes the one SERVER span after each step: instrumentation-http whenever it is enabled (we adopt its span). */
const EXPECTED: Array<[string, string[], number]> = [
  ['both enabled', [HTTP], 1],
  ['http disabled', [OURS], 1],
  ['http enabled again', [HTTP], 1],
  ['ours disabled', [HTTP], 0],
  ['both disabled', [], 0],
  ['ours enabled', [OURS], 1],
  ['ours disabled and enabled', [OURS], 1],
  ['http enabled', [HTTP], 1],
  ['http disabled and enabled', [HTTP], 1],
  ['both disabled again', [], 0],
];

const ORDERS = ['http-first', 'ours-first'] as const;

describe('beside instrumentation-http, disabled and enabled in turn', function () {
  this.timeout(20000);
  /* Each order in its own process, both at once. */
  const runs = startAtOnce(
    Object.fromEntries(ORDERS.map(order => [order, () => runJsonFixture<Step[]>(['coexistence-toggle.js', order])]))
  );

  for (const order of ORDERS) {
    describe(order, () => {
      let steps: Step[];
      before(async () => (steps = await runs[order]));

      for (const [name, scopes, started] of EXPECTED) {
        it(`${name}: ${scopes.length === 0 ? 'no SERVER span' : `one SERVER span, by ${scopes[0]}`}, signals ${started ? 'fired' : 'silent'}`, () => {
          const step = steps.find(candidate => candidate.name === name);
          assert.deepEqual(step, { name, status: 200, scopes, started });
        });
      }
    });
  }
});
