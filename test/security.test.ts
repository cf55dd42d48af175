import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { requestStarted } from '../src';
import type { RequestSignalsInstrumentationConfig } from '../src';
import { request } from './utils/client';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { record } from './utils/receivers';
import { FIXTURES, useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

describe('data that must not leak', () => {
  useConfigurableInstrumentation();
  const startServer = useServer();

  async function spanFor(
    config: RequestSignalsInstrumentationConfig,
    options: Parameters<typeof request>[1],
    listener: http.RequestListener = (_req, res) => res.end()
  ) {
    instrumentation.setConfig(config);
    instrumentation.enable();
    const running = await startServer(listener);
    await request(running.port, options);
    const [span] = await waitForSpans(1);
    return span;
  }

  describe('url.query', () => {
    it('redacts the values of credential-like keys', async () => {
      const span = await spanFor(
        {},
        { path: '/s3?AWSAccessKeyId=AKIA123&Signature=abc%2B&page=2&sig=zz&X-Goog-Signature=q' }
      );
      assert.equal(
        span.attributes['url.query'],
        'AWSAccessKeyId=REDACTED&Signature=REDACTED&page=2&sig=REDACTED&X-Goog-Signature=REDACTED'
      );
    });

    it('redacts tokens and API keys whatever their case or encoding', async () => {
      const span = await spanFor({}, { path: '/api?Access_Token=t1&API%5FKEY=k1&token=t2&q=ok' });
      assert.equal(span.attributes['url.query'], 'Access_Token=REDACTED&API%5FKEY=REDACTED&token=REDACTED&q=ok');
    });

    it('uses a configured list instead of the default', async () => {
      const span = await spanFor({ redactedQueryParams: ['session'] }, { path: '/x?session=s&token=visible' });
      assert.equal(span.attributes['url.query'], 'session=REDACTED&token=visible');
    });

    it('still gives receivers the raw request', async () => {
      const started = record(requestStarted);
      await spanFor({}, { path: '/x?token=secret' });
      assert.deepEqual(
        [started[0].kwargs.request.url, started[0].kwargs.environ.QUERY_STRING],
        ['/x?token=secret', 'token=secret']
      );
    });
  });

  describe('headers', () => {
    it('records no header unless listed', async () => {
      const span = await spanFor({}, { headers: { 'x-request-id': 'r1', authorization: 'Bearer s3cret' } });
      assert.deepEqual(
        Object.keys(span.attributes).filter(key => key.includes('header')),
        []
      );
    });

    it('records listed request and response headers as arrays', async () => {
      const span = await spanFor(
        { headersToSpanAttributes: { request: ['X-Request-Id'], response: ['content-type'] } },
        { headers: { 'x-request-id': 'r1' } },
        (_req, res) => {
          res.setHeader('Content-Type', 'text/plain');
          res.end();
        }
      );
      assert.deepEqual(
        [span.attributes['http.request.header.x-request-id'], span.attributes['http.response.header.content-type']],
        [['r1'], ['text/plain']]
      );
    });

    it('records credentials as REDACTED even when listed', async () => {
      const span = await spanFor(
        { headersToSpanAttributes: { request: ['authorization', 'cookie'], response: ['set-cookie'] } },
        { headers: { authorization: 'Bearer s3cret', cookie: 'sid=1' } },
        (_req, res) => {
          res.setHeader('Set-Cookie', ['sid=2', 'theme=dark']);
          res.end();
        }
      );
      assert.deepEqual(
        [
          span.attributes['http.request.header.authorization'],
          span.attributes['http.request.header.cookie'],
          span.attributes['http.response.header.set-cookie'],
        ],
        [['REDACTED'], ['REDACTED'], ['REDACTED']]
      );
    });

    it('records a credential header as sent when explicitly allowed', async () => {
      const span = await spanFor(
        { headersToSpanAttributes: { request: ['cookie'] }, allowSensitiveHeaders: ['Cookie'] },
        { headers: { cookie: 'sid=1' } }
      );
      assert.deepEqual(span.attributes['http.request.header.cookie'], ['sid=1']);
    });

    it('takes the header lists from OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_*', () => {
      const output = execFileSync(process.execPath, [path.join(FIXTURES, 'security-env-headers.js')], {
        cwd: FIXTURES,
        encoding: 'utf8',
        env: {
          ...process.env,
          OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST: 'x-tenant, authorization',
          OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE: 'x-served-by',
        },
      });
      assert.deepEqual(JSON.parse(output), {
        'http.request.header.x-tenant': ['acme'],
        'http.request.header.authorization': ['REDACTED'],
        'http.response.header.x-served-by': ['node-1'],
      });
    });
  });

  describe('proxy headers', () => {
    it('put nothing but an IP address into client.address', async () => {
      const span = await spanFor({}, { headers: { 'x-forwarded-for': '<img src=x onerror=alert(1)>, 203.0.113.1' } });
      assert.equal(span.attributes['client.address'], '127.0.0.1');
    });

    it('put nothing but http or https into url.scheme, a metric attribute', async () => {
      const span = await spanFor(
        {},
        { headers: { 'x-forwarded-proto': 'https-but-not-really', forwarded: 'proto="javascript"' } }
      );
      assert.equal(span.attributes['url.scheme'], 'http');
    });

    it('cannot make server.address longer than maxAttributeValueLength', async () => {
      const span = await spanFor(
        { maxAttributeValueLength: 32 },
        { headers: { 'x-forwarded-host': 'h'.repeat(10000) } }
      );
      assert.equal(span.attributes['server.address'], 'h'.repeat(32));
    });

    it('are ignored altogether with trustProxyHeaders: false', async () => {
      const span = await spanFor(
        { trustProxyHeaders: false },
        { headers: { forwarded: 'for=192.0.2.1;host=evil.example;proto=https', 'x-forwarded-for': '203.0.113.1' } }
      );
      assert.deepEqual(
        [span.attributes['client.address'], span.attributes['server.address'], span.attributes['url.scheme']],
        ['127.0.0.1', '127.0.0.1', 'http']
      );
    });
  });

  describe('attribute length', () => {
    it('caps long values at 4096 characters by default', async () => {
      const span = await spanFor({}, { path: `/${'p'.repeat(5000)}`, headers: { 'user-agent': 'u'.repeat(5000) } });
      assert.deepEqual(
        [(span.attributes['url.path'] as string).length, (span.attributes['user_agent.original'] as string).length],
        [4096, 4096]
      );
    });

    it('caps at maxAttributeValueLength', async () => {
      const span = await spanFor({ maxAttributeValueLength: 10 }, { path: '/abcdefghijklmnop?q=1234567890123' });
      assert.deepEqual([span.attributes['url.path'], span.attributes['url.query']], ['/abcdefghi', 'q=12345678']);
    });
  });
});
