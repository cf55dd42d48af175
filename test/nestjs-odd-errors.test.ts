/*
 * What a controller may throw besides an Error, and promises that are not
 * promises: each fires as Nest's answer says, and Nest answers exactly as it
 * does without the instrumentation.
 */
import * as assert from 'node:assert/strict';
import { gotRequestException } from '../src';
import { request } from './utils/client';
import { sameAnswer } from './utils/framework-errors';
import { instrumentation, useInstrumentation } from './utils/instrumentation';
import { Handler, PLATFORMS, nestFixture, useNest } from './utils/nest';
import { record } from './utils/receivers';
import { waitForSpans } from './utils/tracing';

const throwing =
  (value: unknown): Handler =>
  () => {
    throw value;
  };

const notHttpException = {
  message: 'has getStatus, is no HttpException',
  getStatus() {
    throw new Error('getStatus threw');
  },
  getResponse: () => 'body',
};

const httpError = (statusCode: number) => Object.assign(new Error(`http-errors ${statusCode}`), { statusCode });

/** [what the controller does, what it fails with, Nest's status, whether it fires] */
const CASES: Array<[string, () => unknown, number, boolean]> = [
  ['throws a string', () => 'a string', 500, true],
  ['throws undefined', () => undefined, 500, true],
  ['throws an object whose getStatus throws', () => notHttpException, 500, true],
  ['throws an http-errors error with a 503', () => httpError(503), 503, true],
  ['throws an http-errors error with a 418', () => httpError(418), 418, false],
];

for (const platform of PLATFORMS) {
  describe(`Nest 11 on ${platform}: odd errors`, () => {
    useInstrumentation();
    const serve = useNest(platform);
    const serveUsers = (findOne: Handler) => serve([nestFixture().usersController(findOne)]);

    for (const [label, make, status, fires] of CASES) {
      it(`a controller that ${label}: ${fires ? 'fires once, with it' : 'fires nothing'}; Nest answers ${status}`, async () => {
        const thrown = make();
        const heard = record(gotRequestException);
        const response = await request(await serveUsers(throwing(thrown)), { path: '/users/7' });
        await waitForSpans(1);
        assert.deepEqual(
          [response.status, heard.map(call => call.kwargs.exception === thrown)],
          [status, fires ? [true] : []]
        );
      });

      it(`a controller that ${label}: the same answer as without the instrumentation`, async () => {
        const instrumented = await request(await serveUsers(throwing(make())), { path: '/users/7' });
        instrumentation.disable();
        try {
          const bare = await request(await serveUsers(throwing(make())), { path: '/users/7' });
          assert.deepEqual(sameAnswer(instrumented), sameAnswer(bare));
        } finally {
          instrumentation.enable();
        }
      });
    }

    it('fires once for a thenable (not a promise) the controller returns, which rejects', async () => {
      const failure = new Error('thenable rejected');
      const heard = record(gotRequestException);
      const thenable = { then: (_resolve: unknown, reject: (error: Error) => void) => reject(failure) };
      const response = await request(await serveUsers(() => thenable), { path: '/users/7' });
      assert.deepEqual([response.status, heard.map(call => call.kwargs.exception === failure)], [500, [true]]);
    });
  });
}
