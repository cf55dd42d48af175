import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { FIXTURES } from './utils/server';

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

for (const order of ['http-first', 'ours-first'] as const) {
  describe(`beside instrumentation-http (${order}), disabled and enabled in turn`, () => {
    let steps: Step[];
    before(function () {
      this.timeout(20000);
      const output = execFileSync(process.execPath, [path.join(FIXTURES, 'coexistence-toggle.js'), order], {
        cwd: FIXTURES,
        encoding: 'utf8',
      });
      steps = JSON.parse(output) as Step[];
    });

    for (const [name, scopes, started] of EXPECTED) {
      it(`${name}: ${scopes.length === 0 ? 'no SERVER span' : `one SERVER span, by ${scopes[0]}`}, signals ${started ? 'fired' : 'silent'}`, () => {
        const step = steps.find(candidate => candidate.name === name);
        assert.deepEqual(step, { name, status: 200, scopes, started });
      });
    }
  });
}
