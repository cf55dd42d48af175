import * as assert from 'node:assert/strict';
import express from 'express';
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
    const app = express();
    app.set('env', 'test');
    const api = express.Router();
    api.get('/users/:id', (req, res) => {
      urlsInRouter.push(req.url);
      res.end('ok');
    });
    api.get('/fail', (_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    app.use('/api', api);
    const { port } = await startServer(app);
    await request(port, { path: '/api/users/7?q=1' });
    await request(port, { path: '/api/fail' });
    await waitForSpans(2);
    assert.deepEqual(urlsInRouter, ['/users/7?q=1'], 'Express strips the mount path inside the router');
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
