import * as assert from 'node:assert/strict';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import * as http from 'http';
import { RequestSignalsInstrumentation, requestFinished, requestStarted } from '../src';
import type { RequestSignalsInstrumentationConfig } from '../src';
import { request } from './utils/client';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { ClosedResponses, countClosedResponses } from './utils/closed-responses';
import { record } from './utils/receivers';
import { useServer } from './utils/server';
import { exporter, waitForSpans } from './utils/tracing';

describe('configuration', () => {
  useConfigurableInstrumentation();
  const startServer = useServer();

  async function serveWith(
    config: RequestSignalsInstrumentationConfig,
    listener?: http.RequestListener
  ): Promise<{ port: number; closed: ClosedResponses }> {
    instrumentation.setConfig(config);
    instrumentation.enable();
    const { server, port } = await startServer(listener ?? ((_req, res) => res.end('ok')));
    return { port, closed: countClosedResponses(server) };
  }

  describe('ignoreIncomingRequest', () => {
    it('opens no span for an ignored path', async () => {
      const { port, closed } = await serveWith({ ignoreIncomingRequest: '/healthz' });
      await request(port, { path: '/healthz' });
      await request(port, { path: '/work' });
      await closed(2);
      const spans = await waitForSpans(1);
      assert.deepEqual(
        exporter.getFinishedSpans().map(span => span.attributes['url.path']),
        ['/work']
      );
      assert.equal(spans.length, 1);
    });

    it('matches a RegExp against the path, a function against the request, and lists', async () => {
      const { port, closed } = await serveWith({
        ignoreIncomingRequest: [/^\/metrics/, req => req.headers['x-probe'] === '1'],
      });
      await request(port, { path: '/metrics/prometheus?x=1' });
      await request(port, { path: '/probe', headers: { 'x-probe': '1' } });
      await request(port, { path: '/traced' });
      await closed(3);
      assert.deepEqual(
        exporter.getFinishedSpans().map(span => span.attributes['url.path']),
        ['/traced']
      );
    });

    it('still fires the signals for ignored requests by default, with tracing suppressed', async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      let suppressed = false;
      const { port, closed } = await serveWith({ ignoreIncomingRequest: '/healthz' }, (_req, res) => {
        suppressed = isTracingSuppressed(context.active());
        res.end();
      });
      await request(port, { path: '/healthz' });
      await closed(1);
      assert.deepEqual(
        [started.length, finished.length, started[0].kwargs.span.isRecording(), suppressed],
        [1, 1, false, true]
      );
    });

    it('fires no signal for ignored requests with signalsForIgnored: false', async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      const { port, closed } = await serveWith({ ignoreIncomingRequest: '/healthz', signalsForIgnored: false });
      await request(port, { path: '/healthz' });
      await closed(1);
      assert.deepEqual([started.length, finished.length], [0, 0]);
    });

    /** Resolves once `count` requests have fired requestFinished (ignored ones fire it too). */
    function finishedRequests(count: number): Promise<void> {
      return new Promise(resolve => {
        let seen = 0;
        record(requestFinished, () => ++seen === count && resolve());
      });
    }

    it('ignores every request a global RegExp matches, not every other one', async () => {
      const allDone = finishedRequests(5);
      const { port } = await serveWith({ ignoreIncomingRequest: /\/health/g });
      for (const path of ['/health', '/health', '/health', '/health', '/work']) await request(port, { path });
      await allDone;
      await waitForSpans(1);
      assert.deepEqual(
        exporter.getFinishedSpans().map(span => span.attributes['url.path']),
        ['/work']
      );
    });

    it('matches a sticky RegExp at the start of every path', async () => {
      const allDone = finishedRequests(4);
      const { port } = await serveWith({ ignoreIncomingRequest: /\/health/y });
      for (const path of ['/health', '/health', '/api/health', '/health']) await request(port, { path });
      await allDone;
      await waitForSpans(1);
      assert.deepEqual(
        exporter.getFinishedSpans().map(span => span.attributes['url.path']),
        ['/api/health']
      );
    });

    it("leaves the application's own RegExp and its lastIndex alone", async () => {
      const allDone = finishedRequests(2);
      const shared = /\/health/g;
      shared.lastIndex = 3;
      const { port } = await serveWith({ ignoreIncomingRequest: Object.freeze(shared) });
      await request(port, { path: '/health' });
      await request(port, { path: '/health' });
      await allDone;
      assert.deepEqual([shared.lastIndex, exporter.getFinishedSpans().length], [3, 0]);
    });

    it('traces the request when the predicate throws', async () => {
      const { port } = await serveWith({
        ignoreIncomingRequest: () => {
          throw new Error('predicate bug');
        },
      });
      await request(port);
      const spans = await waitForSpans(1);
      assert.equal(spans.length, 1);
    });
  });

  describe('hooks', () => {
    it('adds startIncomingSpanHook attributes before the span starts', async () => {
      const started = record(requestStarted);
      const { port } = await serveWith({
        startIncomingSpanHook: req => ({ 'app.tenant': String(req.headers['x-tenant']) }),
      });
      await request(port, { headers: { 'x-tenant': 'acme' } });
      const [span] = await waitForSpans(1);
      const atStart = (started[0].kwargs.span as unknown as { attributes: Record<string, unknown> }).attributes;
      assert.deepEqual([atStart['app.tenant'], span.attributes['app.tenant']], ['acme', 'acme']);
    });

    it('calls requestHook with the span, active, before requestStarted', async () => {
      const order: string[] = [];
      let hookSpanActive = false;
      const { port } = await serveWith({
        requestHook: (span, req) => {
          hookSpanActive = trace.getActiveSpan() === span;
          span.setAttribute('app.request_hook', req.url ?? '');
          order.push('requestHook');
        },
      });
      record(requestStarted, () => order.push('requestStarted'));
      await request(port, { path: '/hooked' });
      const [span] = await waitForSpans(1);
      assert.deepEqual(
        [order, hookSpanActive, span.attributes['app.request_hook']],
        [['requestHook', 'requestStarted'], true, '/hooked']
      );
    });

    it('calls responseHook when the response is known, before requestFinished', async () => {
      const order: string[] = [];
      const { port } = await serveWith(
        {
          responseHook: (span, res) => {
            span.setAttribute('app.status_seen', res.statusCode);
            order.push('responseHook');
          },
        },
        (_req, res) => {
          order.push('listener');
          res.statusCode = 202;
          res.end();
        }
      );
      record(requestFinished, () => order.push('requestFinished'));
      await request(port);
      const [span] = await waitForSpans(1);
      assert.deepEqual(
        [order, span.attributes['app.status_seen']],
        [['listener', 'responseHook', 'requestFinished'], 202]
      );
    });

    it('names the span with spanNameHook', async () => {
      const { port } = await serveWith({
        spanNameHook: ({ request: req, defaultName }) => `${defaultName} (${String(req.headers['x-api'])})`,
      });
      await request(port, { headers: { 'x-api': 'v2' } });
      const [span] = await waitForSpans(1);
      assert.equal(span.name, 'GET (v2)');
    });

    it('keeps the request going when a hook throws', async () => {
      const { port } = await serveWith({
        requestHook: () => {
          throw new Error('hook bug');
        },
        responseHook: () => {
          throw new Error('hook bug');
        },
        spanNameHook: () => {
          throw new Error('hook bug');
        },
        startIncomingSpanHook: () => {
          throw new Error('hook bug');
        },
      });
      const response = await request(port);
      const [span] = await waitForSpans(1);
      assert.deepEqual([response.status, span.name, span.kind], [200, 'GET', SpanKind.SERVER]);
    });
  });

  it('applies setConfig() from the next request on', async () => {
    const { port, closed } = await serveWith({});
    await request(port, { path: '/first' });
    instrumentation.setConfig({ ignoreIncomingRequest: '/second' });
    await request(port, { path: '/second' });
    await request(port, { path: '/third' });
    await closed(3);
    assert.deepEqual(
      exporter.getFinishedSpans().map(span => span.attributes['url.path']),
      ['/first', '/third']
    );
  });

  describe('bad options are TypeErrors that name them', () => {
    const cases: Array<[string, RequestSignalsInstrumentationConfig, RegExp]> = [
      [
        'ignoreIncomingRequest',
        { ignoreIncomingRequest: 42 as never },
        /ignoreIncomingRequest expects a function, a path string or a RegExp, got the number 42/,
      ],
      ['requestHook', { requestHook: 'yes' as never }, /requestHook must be a function/],
      ['signalsForIgnored', { signalsForIgnored: 'no' as never }, /signalsForIgnored must be a boolean/],
      [
        'redactedQueryParams',
        { redactedQueryParams: 'token' as never },
        /redactedQueryParams must be an array of strings/,
      ],
      [
        'headersToSpanAttributes',
        { headersToSpanAttributes: ['x'] as never },
        /headersToSpanAttributes.request must be an array|headersToSpanAttributes must be an object/,
      ],
      ['maxAttributeValueLength', { maxAttributeValueLength: 0 }, /maxAttributeValueLength must be a positive integer/],
      [
        'trustProxyHeaders',
        { trustProxyHeaders: 'false' as never },
        /trustProxyHeaders must be a boolean, got the string "false"/,
      ],
    ];
    for (const [name, config, message] of cases) {
      it(`rejects a bad ${name}`, () => {
        assert.throws(
          () => new RequestSignalsInstrumentation({ ...config, enabled: false }),
          (error: unknown) => error instanceof TypeError && message.test(error.message)
        );
      });
    }

    it('keeps the previous configuration when setConfig() is rejected', async () => {
      const { port, closed } = await serveWith({ ignoreIncomingRequest: '/healthz' });
      assert.throws(() => instrumentation.setConfig({ ignoreIncomingRequest: 42 as never }), TypeError);
      await request(port, { path: '/healthz' });
      await request(port, { path: '/x' });
      await closed(2);
      assert.deepEqual(
        exporter.getFinishedSpans().map(span => span.attributes['url.path']),
        ['/x']
      );
    });
  });
});
