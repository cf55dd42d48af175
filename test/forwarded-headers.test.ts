import * as assert from 'node:assert/strict';
import {
  firstForwardedElement,
  firstListEntry,
  nodeAddress,
  proxiedRequest,
  urlSchemeOf,
} from '../src/parsing/forwarded-headers';
import { splitAuthority } from '../src/parsing/request-target';

/* The parsing behind client.address, server.* and url.scheme: plain values in, plain values out. */
describe('parsing proxy headers and authorities', () => {
  describe('firstForwardedElement', () => {
    const element = (values: Partial<Record<'for' | 'host' | 'proto', string>>) => ({
      for: undefined,
      host: undefined,
      proto: undefined,
      ...values,
    });
    const cases: Array<[string | string[], ReturnType<typeof element> | undefined]> = [
      ['for=192.0.2.60;proto=http;by=203.0.113.43', element({ for: '192.0.2.60', proto: 'http' })],
      ['for=192.0.2.43, for=198.51.100.17', element({ for: '192.0.2.43' })],
      ['  FOR = 192.0.2.43 ;  Host=  shop.example  ', element({ for: '192.0.2.43', host: 'shop.example' })],
      ['for="[2001:db8:cafe::17]:4711"', element({ for: '[2001:db8:cafe::17]:4711' })],
      ['host="a,b;c";for=1.2.3.4, for=5.6.7.8', element({ host: 'a,b;c', for: '1.2.3.4' })],
      ['for="a\\"b\\\\c"', element({ for: 'a"b\\c' })],
      ['for="unterminated, for=1.2.3.4', element({ for: 'unterminated, for=1.2.3.4' })],
      ['for="x"junk;proto=https', element({ for: 'x', proto: 'https' })],
      ['for=1.2.3.4;for=5.6.7.8', element({ for: '1.2.3.4' })],
      [', ;,for=1.2.3.4', element({ for: '1.2.3.4' })],
      [['', 'for=1.2.3.4', 'for=5.6.7.8'], element({ for: '1.2.3.4' })],
      ['by=10.0.0.1, for=1.2.3.4', element({})],
      ['for', element({})],
      ['', undefined],
      [' , ;; ,', undefined],
      ['=x;=y', undefined],
    ];
    for (const [header, expected] of cases) {
      it(`reads ${JSON.stringify(header)}`, () => assert.deepEqual(firstForwardedElement(header), expected));
    }
  });

  describe('nodeAddress', () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['203.0.113.195', '203.0.113.195'],
      ['203.0.113.195:4711', '203.0.113.195'],
      [' 203.0.113.195 ', '203.0.113.195'],
      ['[2001:db8::1]:4711', '2001:db8::1'],
      ['[2001:db8::1]', '2001:db8::1'],
      ['2001:db8::1', '2001:db8::1'],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
      ['fe80::1%eth0', 'fe80::1%eth0'],
      ['unknown', undefined],
      ['_hidden', undefined],
      ['example.com', undefined],
      ['[2001:db8::1', undefined],
      ['999.1.1.1', undefined],
      ['', undefined],
      [`1.2.3.4${' '.repeat(200)}x`, undefined],
      [undefined, undefined],
    ];
    for (const [node, expected] of cases) {
      it(`reads ${JSON.stringify(node)?.slice(0, 40)}`, () => assert.equal(nodeAddress(node), expected));
    }
  });

  it('firstListEntry takes the first non-empty entry, trimmed, of a string or an array', () => {
    assert.deepEqual(
      [
        firstListEntry(' a , b'),
        firstListEntry(',, b ,c'),
        firstListEntry(['', ' , ', 'c, d']),
        firstListEntry(' , '),
        firstListEntry([]),
      ],
      ['a', 'b', 'c', undefined, undefined]
    );
  });

  it('urlSchemeOf accepts http and https in any case, nothing else', () => {
    assert.deepEqual(['http', 'HTTPS', 'HtTp', 'ws', 'https ', 'httpss', '', undefined].map(urlSchemeOf), [
      'http',
      'https',
      'http',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  describe('proxiedRequest', () => {
    it('is undefined without any proxy header', () => {
      assert.equal(proxiedRequest({ host: 'a', 'user-agent': 'b' }), undefined);
    });

    it('takes each parameter from Forwarded first, then from X-Forwarded-*', () => {
      const proxied = proxiedRequest({
        forwarded: 'proto=https;for=unknown',
        'x-forwarded-for': '203.0.113.1, 10.0.0.1',
        'x-forwarded-host': 'shop.example:8443',
        'x-forwarded-proto': 'http',
      });
      assert.deepEqual(proxied, { client: '203.0.113.1', host: 'shop.example:8443', scheme: 'https' });
    });
  });

  describe('splitAuthority', () => {
    const cases: Array<[string | undefined, { address: string; port: number | undefined } | undefined]> = [
      ['example.com', { address: 'example.com', port: 80 }],
      ['example.com:8080', { address: 'example.com', port: 8080 }],
      ['example.com:', { address: 'example.com', port: 80 }],
      ['example.com:abc', { address: 'example.com', port: undefined }],
      ['example.com:0', { address: 'example.com', port: undefined }],
      ['example.com:65536', { address: 'example.com', port: undefined }],
      ['example.com:+80', { address: 'example.com', port: undefined }],
      ['example.com:0x50', { address: 'example.com', port: undefined }],
      ['example.com:080', { address: 'example.com', port: 80 }],
      ['[::1]:8080', { address: '::1', port: 8080 }],
      ['[::1]', { address: '::1', port: 80 }],
      ['[::1]x', { address: '::1', port: undefined }],
      ['2001:db8::1', { address: '2001:db8::1', port: undefined }],
      ['[::1', undefined],
      ['[]:80', undefined],
      [':80', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [authority, expected] of cases) {
      it(`reads ${JSON.stringify(authority)}`, () => assert.deepEqual(splitAuthority(authority, 80), expected));
    }
  });
});
