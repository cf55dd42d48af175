import * as assert from 'node:assert/strict';
import type { Attributes } from '@opentelemetry/api';
import type { RequestSignalsInstrumentationConfig } from '../src';
import { rawExchange } from './utils/client';
import { instrumentation, useConfigurableInstrumentation } from './utils/instrumentation';
import { useServer } from './utils/server';
import { waitForSpans } from './utils/tracing';

/*
 * client.address, server.address / server.port and url.scheme of a request
 * that came through reverse proxies, sent as raw header lines (so repeated
 * headers and odd spellings reach the server as written).
 */
describe('proxy headers on the SERVER span', () => {
  useConfigurableInstrumentation();
  const startServer = useServer();

  const ORIGIN = ['client.address', 'server.address', 'server.port', 'url.scheme'] as const;

  /** The span's origin attributes for one raw request with these header lines. */
  async function originOf(
    headerLines: string[],
    config: RequestSignalsInstrumentationConfig = {}
  ): Promise<Attributes> {
    instrumentation.setConfig(config);
    instrumentation.enable();
    const { port } = await startServer((_req, res) => res.end());
    const head = ['GET /p HTTP/1.1', 'Host: app.internal:3000', ...headerLines, 'Connection: close'];
    const response = await rawExchange(port, `${head.join('\r\n')}\r\n\r\n`);
    assert.match(response, /^HTTP\/1\.1 200/);
    const [span] = await waitForSpans(1);
    return Object.fromEntries(ORIGIN.map(key => [key, span.attributes[key]]));
  }

  const behindNoProxy = {
    'client.address': '127.0.0.1',
    'server.address': 'app.internal',
    'server.port': 3000,
    'url.scheme': 'http',
  };

  describe('client.address', () => {
    const cases: Array<[string, string[], string]> = [
      ['an X-Forwarded-For IPv4 address with a port', ['X-Forwarded-For: 203.0.113.195:4711'], '203.0.113.195'],
      ['an X-Forwarded-For IPv6 address with a port', ['X-Forwarded-For: [2001:db8::1]:4711, 10.0.0.1'], '2001:db8::1'],
      ['an X-Forwarded-For IPv6 address without brackets', ['X-Forwarded-For: 2001:db8::1, 10.0.0.1'], '2001:db8::1'],
      ['an X-Forwarded-For list with empty entries first', ['X-Forwarded-For: , ,203.0.113.9'], '203.0.113.9'],
      ['a quoted Forwarded IPv4 address with a port', ['Forwarded: for="192.0.2.43:47011"'], '192.0.2.43'],
      [
        'a quoted Forwarded IPv6 address with a port',
        ['Forwarded: for="[2001:db8:cafe::17]:4711"'],
        '2001:db8:cafe::17',
      ],
      [
        'the first of several Forwarded elements',
        ['Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for=198.51.100.17'],
        '192.0.2.60',
      ],
      [
        'a Forwarded pair after others, in any case',
        ['Forwarded: Proto=https;BY=10.0.0.2;FoR="192.0.2.61"'],
        '192.0.2.61',
      ],
      [
        'the first of two Forwarded header lines',
        ['Forwarded: for=192.0.2.62', 'Forwarded: for=198.51.100.18'],
        '192.0.2.62',
      ],
      ['a Forwarded header after an empty element', ['Forwarded: , ;, for=192.0.2.63'], '192.0.2.63'],
      [
        'Forwarded rather than X-Forwarded-For',
        ['X-Forwarded-For: 203.0.113.1', 'Forwarded: for=192.0.2.64'],
        '192.0.2.64',
      ],
      [
        'X-Forwarded-For when Forwarded says for=unknown',
        ['Forwarded: for=unknown', 'X-Forwarded-For: 203.0.113.2'],
        '203.0.113.2',
      ],
      ['the peer when Forwarded hides the client (for=_hidden)', ['Forwarded: for=_hidden;proto=https'], '127.0.0.1'],
      ['the peer when X-Forwarded-For holds no address', ['X-Forwarded-For: <script>, 203.0.113.3'], '127.0.0.1'],
    ];
    for (const [name, lines, expected] of cases) {
      it(`is ${name}`, async () => {
        const origin = await originOf(lines);
        assert.equal(origin['client.address'], expected);
      });
    }
  });

  describe('server.address and server.port', () => {
    it('come from Forwarded host=, with its port', async () => {
      const origin = await originOf(['Forwarded: for=192.0.2.1;host="shop.example:8443";proto=https']);
      assert.deepEqual(origin, {
        'client.address': '192.0.2.1',
        'server.address': 'shop.example',
        'server.port': 8443,
        'url.scheme': 'https',
      });
    });

    it('come from X-Forwarded-Host, with the default port of X-Forwarded-Proto', async () => {
      const origin = await originOf(['X-Forwarded-Host: shop.example, app.internal', 'X-Forwarded-Proto: https']);
      assert.deepEqual(origin, {
        ...behindNoProxy,
        'server.address': 'shop.example',
        'server.port': 443,
        'url.scheme': 'https',
      });
    });

    it('come from Forwarded host= rather than X-Forwarded-Host', async () => {
      const origin = await originOf(['X-Forwarded-Host: other.example', 'Forwarded: host=[2001:db8::5]:8080']);
      assert.deepEqual([origin['server.address'], origin['server.port']], ['2001:db8::5', 8080]);
    });

    it('come from Host when the proxy host is unusable', async () => {
      const origin = await originOf(['X-Forwarded-Host: :443']);
      assert.deepEqual(origin, behindNoProxy);
    });
  });

  describe('url.scheme', () => {
    it('is X-Forwarded-Proto in any case, the Host port kept', async () => {
      const origin = await originOf(['X-Forwarded-Proto: HTTPS']);
      assert.deepEqual(origin, { ...behindNoProxy, 'url.scheme': 'https' });
    });

    it('gives Host without a port the default port of the forwarded scheme', async () => {
      instrumentation.setConfig({});
      instrumentation.enable();
      const { port } = await startServer((_req, res) => res.end());
      await rawExchange(
        port,
        'GET / HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n'
      );
      const [span] = await waitForSpans(1);
      assert.deepEqual([span.attributes['server.port'], span.attributes['url.scheme']], [443, 'https']);
    });

    it('ignores schemes other than http and https', async () => {
      const origin = await originOf(['X-Forwarded-Proto: wss', 'Forwarded: proto=javascript']);
      assert.equal(origin['url.scheme'], 'http');
    });
  });

  describe('with trustProxyHeaders: false', () => {
    it('takes the peer, the Host header and the connection, whatever the proxy headers say', async () => {
      const origin = await originOf(
        [
          'Forwarded: for=192.0.2.1;host=shop.example;proto=https',
          'X-Forwarded-For: 203.0.113.1',
          'X-Forwarded-Host: other.example',
          'X-Forwarded-Proto: https',
        ],
        { trustProxyHeaders: false }
      );
      assert.deepEqual(origin, behindNoProxy);
    });
  });
});
