import * as assert from 'node:assert/strict';
import * as net from 'net';
import type * as http from 'http';
import { requestFinished, requestStarted } from '../src';
import { useMeteredInstrumentation } from './utils/instrumentation';
import { record, waitForCount } from './utils/receivers';
import { useServer } from './utils/server';
import { serverSpans, waitForSpans } from './utils/tracing';

/*
 * HTTP/1.1 pipelining: a response Node queues behind an unfinished one has no
 * socket, so Node never emits its 'close'. Every queued request must still
 * finish once, when the connection goes, however far its body was read.
 */
describe('pipelined requests queued behind an unanswered one', () => {
  const meters = useMeteredInstrumentation();
  const startServer = useServer();

  /** Sends `bytes` on one connection, waits for `ready`, then closes the connection. */
  async function pipelineThenClose(port: number, bytes: string, ready: Promise<void>): Promise<void> {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('error', () => undefined);
    await ready;
    await new Promise<void>(resolve => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  const post = (path: string, body: string) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const GET_HANG = 'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n';

  for (const readsBody of [true, false]) {
    it(`finishes the queued request whose body the app ${readsBody ? 'read' : 'left unread'}, once, aborted`, async () => {
      const started = record(requestStarted);
      const finished = record(requestFinished);
      let answered!: () => void;
      const secondAnswered = new Promise<void>(resolve => (answered = resolve));
      const listener: http.RequestListener = (req, res) => {
        if (req.url === '/hang') return;
        const answer = () =>
          setTimeout(() => {
            res.end('second');
            answered();
          }, 5);
        if (!readsBody) return answer();
        req.resume();
        req.on('end', answer);
      };
      const running = await startServer(listener);
      await pipelineThenClose(running.port, GET_HANG + post('/second', 'a body'), secondAnswered);
      await waitForSpans(2);
      await waitForCount(finished, 2);
      assert.deepEqual(
        started.map(call => call.kwargs.request.url),
        ['/hang', '/second']
      );
      assert.deepEqual(finished.map(call => [call.kwargs.request.url, call.kwargs.aborted]).sort(), [
        ['/hang', true],
        ['/second', true],
      ]);
      assert.equal(serverSpans().length, 2);
      const active = await meters().values('http.server.active_requests');
      assert.ok(active.length > 0 && active.every(value => value === 0), `active requests: ${active.join(', ')}`);
    });
  }

  it('does not add a listener to the connection per queued request', async () => {
    let connection: net.Socket | undefined;
    let queued = 0;
    let allQueued!: () => void;
    const ready = new Promise<void>(resolve => (allQueued = resolve));
    const running = await startServer((req, res) => {
      connection = req.socket;
      if (req.url === '/hang') return;
      res.end();
      if (++queued === 20) allQueued();
    });
    const finished = record(requestFinished);
    const requests = GET_HANG + Array.from({ length: 20 }, (_, i) => `GET /q${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    let closeListeners = 0;
    await pipelineThenClose(
      running.port,
      requests,
      ready.then(() => void (closeListeners = connection?.listenerCount('close') ?? 0))
    );
    await waitForCount(finished, 21);
    assert.equal(finished.length, 21);
    assert.ok(closeListeners <= 4, `the connection had ${closeListeners} 'close' listeners`);
  });
});
