import * as assert from 'node:assert/strict';
import { requestFinished, requestStarted } from '../src';
import { request } from './utils/client';
import { useInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

describe('kwargs.url: the request target as it arrived', () => {
  useInstrumentation();
  const startServer = useServer();

  it('stays the full target when a router has rewritten request.url', async () => {
    const started = record(requestStarted);
    const finished = record(requestFinished);
    const urlsInRouter: string[] = [];
    // What a router does (Express strips its mount path from request.url while the request is inside it).
    const { port } = await startServer((req, res) => {
      req.url = (req.url ?? '').replace(/^\/api/, '');
      urlsInRouter.push(req.url);
      res.statusCode = req.url.startsWith('/fail') ? 500 : 200;
      res.end();
    });
    await request(port, { path: '/api/users/7?q=1' });
    await request(port, { path: '/api/fail' });
    await waitForSpans(2);
    assert.deepEqual(urlsInRouter, ['/users/7?q=1', '/fail']);
    assert.deepEqual(
      started.map(call => call.kwargs.url),
      ['/api/users/7?q=1', '/api/fail']
    );
    assert.deepEqual(
      finished.map(call => call.kwargs.url),
      ['/api/users/7?q=1', '/api/fail']
    );
  });
});
