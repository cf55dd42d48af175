import * as assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { gotRequestException } from '../../src';
import { ClientResponse, request } from './client';
import { instrumentation } from './instrumentation';
import { record } from './receivers';
import { waitForSpans } from './tracing';

export function exceptionEvents(span: ReadableSpan): number {
  return span.events.filter(event => event.name === 'exception').length;
}

/** What a request left, once its span has ended: the answer's status and body, the errors heard, and its span's exception events, status code and name. */
export async function outcomeOf(response: ClientResponse, heard: unknown[]) {
  const [span] = await waitForSpans(1);
  return {
    status: response.status,
    body: response.body,
    heard: heard.length,
    events: exceptionEvents(span),
    code: span.status.code,
    name: span.name,
  };
}

/** What a client can tell apart between two answers. */
export function sameAnswer(response: ClientResponse) {
  return { status: response.status, contentType: response.headers['content-type'], body: response.body };
}

/**
 * The contract for an error a framework answers with its own 500: for each
 * failing route (`serve` builds an app with it and returns its port; the
 * route serves /users/7 and fails with `failure`), the signal fires once
 * with the span active, the span records the error, and the answer is the
 * framework's own, byte for byte.
 */
export function describeErrorsTheFrameworkAnswers<Setup>(
  framework: string,
  failingRoutes: Array<[string, Setup]>,
  serve: (setup: Setup) => Promise<number>,
  failure: Error
): void {
  for (const [kind, setup] of failingRoutes) {
    describe(`a route that ${kind}`, () => {
      it('fires gotRequestException once, with that error', async () => {
        const heard = record(gotRequestException);
        await request(await serve(setup), { path: '/users/7' });
        assert.deepEqual(
          heard.map(call => call.kwargs.exception === failure),
          [true]
        );
      });

      it("runs the receiver with the request's SERVER span active", async () => {
        const heard = record(gotRequestException);
        await request(await serve(setup), { path: '/users/7' });
        const [span] = await waitForSpans(1);
        assert.equal(heard[0].activeSpan, heard[0].kwargs.span);
        assert.equal(heard[0].kwargs.span.spanContext().spanId, span.spanContext().spanId);
      });

      it('records the exception on the SERVER span, with status ERROR', async () => {
        await request(await serve(setup), { path: '/users/7' });
        const [span] = await waitForSpans(1);
        assert.deepEqual(
          { events: exceptionEvents(span), status: span.status },
          { events: 1, status: { code: SpanStatusCode.ERROR, message: failure.message } }
        );
      });

      it(`answers with ${framework}'s own 500, exactly as without the instrumentation`, async () => {
        const instrumented = await request(await serve(setup), { path: '/users/7' });
        instrumentation.disable();
        try {
          const bare = await request(await serve(setup), { path: '/users/7' });
          assert.deepEqual(sameAnswer(instrumented), sameAnswer(bare));
          assert.equal(bare.status, 500);
        } finally {
          instrumentation.enable();
        }
      });
    });
  }
}
