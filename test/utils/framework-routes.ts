/*
 * The route and requestFinished contract every framework adapter keeps, run
 * for Hapi and Hono alike: the span is named by the route template, failing
 * or not, and not when no route matched; requestFinished fires once per
 * request, with `aborted` when the client left or the body failed midway,
 * and an error after that is nobody's to report; a second instance keeps
 * reporting when the first is disabled.
 */
import * as assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { RequestSignalsInstrumentation, gotRequestException, requestFinished } from '../../src';
import { abortAfterSending, request, requestUntilClosed } from './client';
import { instrumentation } from './instrumentation';
import { record } from './receivers';
import { waitForSpans } from './tracing';

export interface RouteSetups<Setup> {
  /** Starts the framework's server with `setup` for one test; resolves with its port. */
  serve: (setup: Setup) => Promise<number>;
  /** The template of the routes below, '/users/{id}' or '/users/:id'. */
  template: string;
  /** GET /users/:id answers 200. */
  okRoute: Setup;
  /** GET /users/:id fails with an error the framework answers with a 500. */
  failingRoute: Setup;
}

export interface FrameworkRoutes<Setup> extends RouteSetups<Setup> {
  /** The failing route, and GET /ok answering 200. */
  failingRouteAndOk: Setup;
  /** GET /export answers 200 with a body that sends 'first rows\n', then fails. */
  failingBody: Setup;
  /**
   * GET /users/:id calls `received`, waits for its response's 'close', then
   * throws; the framework calls `handled` once it has dealt with that error.
   */
  failingAfterTheClientLeft(received: () => void, handled: () => void): Setup;
}

/** Call inside the describe whose hooks give `routes.serve`. */
export function describeRoutesAndRequestFinished<Setup>(routes: FrameworkRoutes<Setup>): void {
  describeRouteOnTheSpan(routes);
  describeRequestFinished(routes);
}

/** The span is named by the route template, failing or not, and not when no route matched. */
export function describeRouteOnTheSpan<Setup>(routes: RouteSetups<Setup>): void {
  const { serve, template } = routes;

  describe('the route on the span', () => {
    it('sets http.route from the route template and names the span {method} {route}', async () => {
      await request(await serve(routes.okRoute), { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.deepEqual([span.name, span.attributes['http.route']], [`GET ${template}`, template]);
    });

    it('sets the route on the span of a failing request too', async () => {
      await request(await serve(routes.failingRoute), { path: '/users/7' });
      const [span] = await waitForSpans(1);
      assert.deepEqual([span.name, span.attributes['http.route']], [`GET ${template}`, template]);
    });

    it('sets no route when no route matched', async () => {
      const port = await serve(routes.okRoute);
      const response = await request(port, { path: '/nope' });
      await request(port, { path: '/users/7' });
      const [missed, matched] = await waitForSpans(2);
      assert.deepEqual(
        [response.status, missed.name, missed.attributes['http.route'], matched.name],
        [404, 'GET', undefined, `GET ${template}`]
      );
    });
  });
}

function describeRequestFinished<Setup>(routes: FrameworkRoutes<Setup>): void {
  const { serve, template } = routes;

  describe('requestFinished', () => {
    it('fires once per request, failing or not', async () => {
      const finished = record(requestFinished);
      const port = await serve(routes.failingRouteAndOk);
      await request(port, { path: '/users/7' });
      await request(port, { path: '/ok' });
      const spans = await waitForSpans(2);
      assert.deepEqual(
        finished.map(call => [call.kwargs.request.url, call.kwargs.aborted]),
        [
          ['/users/7', false],
          ['/ok', false],
        ]
      );
      assert.deepEqual(
        spans.map(span => span.name),
        [`GET ${template}`, 'GET /ok']
      );
    });

    /* Koa's rule too: once the client went away there is no answer to give, and requestFinished has fired. */
    it('reports nothing for an error after the client went away; requestFinished fires once, aborted', async () => {
      const heard = record(gotRequestException);
      const finished = record(requestFinished);
      let serverGotIt!: () => void;
      const received = new Promise<void>(resolve => (serverGotIt = resolve));
      let errorHandled!: () => void;
      const handled = new Promise<void>(resolve => (errorHandled = resolve));
      const setup = routes.failingAfterTheClientLeft(serverGotIt, errorHandled);
      await abortAfterSending(await serve(setup), '/users/7', received);
      await handled;
      await waitForSpans(1);
      assert.deepEqual([heard.length, finished.map(call => call.kwargs.aborted)], [0, [true]]);
    });

    /*
     * The 200 went out with the headers, so the framework cannot answer the
     * error: it cuts the connection. As for Koa (and Django, whose handler
     * never sees a streaming body fail), that is not a gotRequestException;
     * the request is aborted.
     */
    it('reports a body that fails midway as aborted, and fires no gotRequestException', async () => {
      const heard = record(gotRequestException);
      const finished = record(requestFinished);
      const response = await requestUntilClosed(await serve(routes.failingBody), '/export');
      const [span] = await waitForSpans(1);
      assert.deepEqual(
        {
          response: [response.status, response.body, response.complete],
          heard: heard.length,
          finished: finished.map(call => call.kwargs.aborted),
          span: [span.name, span.attributes['error.type'], span.status.code],
        },
        {
          response: [200, 'first rows\n', false],
          heard: 0,
          finished: [true],
          span: ['GET /export', 'aborted', SpanStatusCode.ERROR],
        }
      );
    });
  });

  describe('two instances', () => {
    it('keeps reporting for an enabled instance when the other one is disabled', async () => {
      const second = new RequestSignalsInstrumentation();
      instrumentation.disable();
      try {
        const heard = record(gotRequestException);
        await request(await serve(routes.failingRoute), { path: '/users/7' });
        const [span] = await waitForSpans(1);
        assert.deepEqual([heard.length, span.name], [1, `GET ${template}`]);
      } finally {
        instrumentation.enable();
        second.disable();
      }
    });
  });
}
