import * as assert from 'node:assert/strict';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import * as http from 'http';
import { requestFinished, requestStarted, setRoute } from '../src';
import { abortAfterSending, request } from './utils/client';
import { countClosedResponses } from './utils/closed-responses';
import { instrumentation, useMeteredInstrumentation } from './utils/instrumentation';
import { connectForTest } from './utils/receivers';
import { RunningServer, useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

describe('metrics', () => {
  const meters = useMeteredInstrumentation();
  const startServer = useServer();
  let running: RunningServer;

  const metric = (name: string): Promise<MetricData | undefined> => meters().metric(name);

  async function serve(listener: http.RequestListener): Promise<number> {
    running = await startServer(listener);
    return running.port;
  }

  it('records http.server.request.duration in seconds with the conventions attributes', async () => {
    const port = await serve((req, res) => {
      setRoute(req, '/items/:id');
      res.statusCode = 201;
      res.end();
    });
    await request(port, { path: '/items/9' });
    await waitForSpans(1);
    const duration = await metric('http.server.request.duration');
    assert.equal(duration?.descriptor.unit, 's');
    assert.equal(duration?.dataPointType, DataPointType.HISTOGRAM);
    assert.deepEqual(
      duration?.dataPoints.map(point => point.attributes),
      [
        {
          'http.request.method': 'GET',
          'url.scheme': 'http',
          'network.protocol.version': '1.1',
          'http.response.status_code': 201,
          'http.route': '/items/:id',
        },
      ]
    );
  });

  it('uses the semantic conventions buckets', async () => {
    const port = await serve((_req, res) => res.end());
    await request(port);
    await waitForSpans(1);
    const point = (await metric('http.server.request.duration'))?.dataPoints[0];
    const boundaries = (point?.value as { buckets: { boundaries: number[] } }).buckets.boundaries;
    assert.deepEqual(boundaries, [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
  });

  it('adds error.type for a 5xx', async () => {
    const port = await serve((_req, res) => {
      res.statusCode = 502;
      res.end();
    });
    await request(port);
    await waitForSpans(1);
    const point = (await metric('http.server.request.duration'))?.dataPoints[0];
    assert.equal(point?.attributes['error.type'], '502');
  });

  it('counts active requests while they run and returns to zero', async () => {
    let activeDuring: unknown;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- an async listener: it reads the metric before it answers
    const port = await serve(async (_req, res) => {
      const active = await metric('http.server.active_requests');
      activeDuring = active?.dataPoints.map(point => point.value);
      res.end();
    });
    await request(port);
    let arrived!: () => void;
    const gotThere = new Promise<void>(resolve => (arrived = resolve));
    const server = running.server;
    server.removeAllListeners('request');
    server.on('request', () => arrived());
    await abortAfterSending(port, '/gone', gotThere);
    await waitForSpans(2);
    const after = await metric('http.server.active_requests');
    assert.deepEqual(activeDuring, [1]);
    assert.deepEqual(
      after?.dataPoints.map(point => point.value),
      [0]
    );
  });

  it('records request_signals.receiver.duration per signal', async () => {
    connectForTest(requestStarted, () => undefined);
    connectForTest(requestFinished, () => undefined);
    const port = await serve((_req, res) => res.end());
    await request(port);
    await waitForSpans(1);
    const receivers = await metric('request_signals.receiver.duration');
    assert.deepEqual(receivers?.dataPoints.map(point => point.attributes['request_signals.signal']).sort(), [
      'requestFinished',
      'requestStarted',
    ]);
  });

  it('records no metric for an ignored request', async () => {
    instrumentation.setConfig({ ignoreIncomingRequest: '/healthz' });
    try {
      const port = await serve((_req, res) => res.end());
      const closed = countClosedResponses(running.server);
      await request(port, { path: '/healthz' });
      await closed(1);
      assert.equal((await metric('http.server.request.duration'))?.dataPoints.length ?? 0, 0);
    } finally {
      instrumentation.setConfig({ enabled: false });
    }
  });
});
