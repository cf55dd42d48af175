import * as assert from 'node:assert/strict';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import { once } from 'events';
import * as http from 'http';
import { gotRequestException, reportRequestException, setRoute } from '../src';
import { request } from './utils/client';
import { useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

describe('reportRequestException() and setRoute() for other frameworks', () => {
  useInstrumentation();
  const startServer = useServer();

  async function serve(listener: http.RequestListener): Promise<number> {
    return (await startServer(listener)).port;
  }

  it('fires gotRequestException with the span active for a reported error', async () => {
    const exceptions = record(gotRequestException);
    const caught = new Error('caught by a framework');
    const port = await serve((req, res) => {
      reportRequestException(req, caught);
      res.statusCode = 500;
      res.end();
    });
    await request(port);
    await waitForSpans(1);
    assert.deepEqual(
      exceptions.map(h => [h.kwargs.exception, h.activeSpan === h.kwargs.span]),
      [[caught, true]]
    );
  });

  it('records a reported error on the span', async () => {
    const port = await serve((req, res) => {
      reportRequestException(req, new TypeError('bad'));
      res.end();
    });
    await request(port);
    const [span] = await waitForSpans(1);
    assert.deepEqual(
      [span.status.code, span.attributes['error.type'], span.events.map(e => e.name)],
      [SpanStatusCode.ERROR, 'TypeError', ['exception']]
    );
  });

  it('fires once for an error reported twice', async () => {
    const exceptions = record(gotRequestException);
    const port = await serve((req, res) => {
      const error = new Error('twice');
      reportRequestException(req, error);
      reportRequestException(req, error);
      res.end();
    });
    await request(port);
    const [span] = await waitForSpans(1);
    assert.deepEqual([exceptions.length, span.events.length], [1, 1]);
  });

  it('fires once for an error reported and then thrown', async () => {
    /* eslint-disable @typescript-eslint/no-misused-promises -- async on purpose: tests a listener that rejects */
    const exceptions = record(gotRequestException);
    // The rejection goes on, unhandled, once the instrumentation has seen it: that is when a second signal would fire.
    const unhandled = once(process, 'unhandledRejection');
    const port = await serve(async (req, res) => {
      const error = new Error('reported, then rejected');
      reportRequestException(req, error);
      res.end();
      await Promise.resolve();
      throw error;
    });
    /* eslint-enable @typescript-eslint/no-misused-promises */
    await request(port);
    await waitForSpans(1);
    await unhandled;
    assert.equal(exceptions.length, 1);
  });

  it('returns false for a request no instrumentation saw', () => {
    const stray = new http.IncomingMessage(null as never);
    assert.equal(reportRequestException(stray, new Error('x')), false);
  });

  it('sets http.route and names the span {method} {route}', async () => {
    const port = await serve((req, res) => {
      setRoute(req, '/users/:id');
      res.end();
    });
    await request(port, { path: '/users/42' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /users/:id', '/users/:id']);
  });

  it('takes the route another instrumentation left in the RPC metadata', async () => {
    const port = await serve((_req, res) => {
      const metadata = getRPCMetadata(context.active());
      if (metadata?.type === RPCType.HTTP) metadata.route = '/from-metadata/:id';
      res.end();
    });
    await request(port, { path: '/from-metadata/7' });
    const [span] = await waitForSpans(1);
    assert.deepEqual([span.name, span.attributes['http.route']], ['GET /from-metadata/:id', '/from-metadata/:id']);
  });

  it('keeps the span active in the listener after setRoute', async () => {
    let sameSpan = false;
    const port = await serve((req, res) => {
      const before = trace.getActiveSpan();
      setRoute(req, '/x');
      sameSpan = trace.getActiveSpan() === before && before !== undefined;
      res.end();
    });
    await request(port);
    assert.equal(sameSpan, true);
  });

  it('rejects a route template that is not a non-empty string', async () => {
    let thrown: unknown;
    const port = await serve((req, res) => {
      try {
        setRoute(req, '');
      } catch (error) {
        thrown = error;
      }
      res.end();
    });
    await request(port);
    assert.ok(thrown instanceof TypeError && /non-empty string/.test(thrown.message), String(thrown));
  });

  it('rejects something that is not a request', () => {
    assert.throws(
      () => reportRequestException({} as http.IncomingMessage, new Error('x')),
      (error: unknown) => error instanceof TypeError && /http\.IncomingMessage/.test(error.message)
    );
  });
});
