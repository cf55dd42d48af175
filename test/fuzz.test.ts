import * as assert from 'node:assert/strict';
import type { IncomingMessage } from 'http';
import { isIP } from 'net';
import { requestAttributes } from '../src/span/attributes';
import { resolveConfig } from '../src/config/resolve-config';
import { buildEnviron } from '../src/signals/environ';
import { Fixture, FuzzRecord, ServerReport, envCount, rawRoundTrip, seededRandom, startFixture } from './utils/load';
import { assertOnceForEverySeen } from './utils/soak-process';

/*
 * Malformed and unusual HTTP on raw sockets. The instrumented server must
 * answer (or close) every connection byte for byte as the same app without
 * the instrumentation does, never crash, build `environ` for anything Node
 * accepts, leave no signal or span half open, and put no credential it was
 * sent into a span.
 */
const SEED = envCount('FUZZ_SEED', 424242);
const RANDOM_CASES = envCount('FUZZ_CASES', 300);
const PARALLEL = 8;

interface Case {
  name: string;
  bytes: Buffer;
}

const CRLF = '\r\n';
const req = (head: string, ...headers: string[]): string =>
  `${head}${CRLF}${headers.map(h => h + CRLF).join('')}${CRLF}`;
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

/** Every credential sent below carries this marker, so any leak is easy to find. */
const SECRET = 'SECRET-';

const DETERMINISTIC: Case[] = [
  { name: 'a plain GET', bytes: bytes(req('GET /plain HTTP/1.1', 'Host: fuzz.test')) },
  { name: 'HTTP/1.0 without Host', bytes: bytes(req('GET /http10 HTTP/1.0')) },
  { name: 'HTTP/1.1 without Host', bytes: bytes(req('GET /nohost HTTP/1.1')) },
  { name: 'an invalid method', bytes: bytes(req('FOOBAR /foobar HTTP/1.1', 'Host: fuzz.test')) },
  { name: 'a lower-case method', bytes: bytes(req('get /lower HTTP/1.1', 'Host: fuzz.test')) },
  { name: 'a method outside the conventions', bytes: bytes(req('PROPFIND /dav HTTP/1.1', 'Host: fuzz.test')) },
  {
    name: 'headers over 16 KB',
    bytes: bytes(req('GET /big HTTP/1.1', 'Host: fuzz.test', `X-Big: ${'a'.repeat(17 * 1024)}`)),
  },
  {
    name: 'headers just under 16 KB',
    bytes: bytes(req('GET /almost-big HTTP/1.1', 'Host: fuzz.test', `X-Big: ${'b'.repeat(15 * 1024)}`)),
  },
  {
    name: 'more headers than maxHeadersCount',
    bytes: bytes(
      req('GET /many HTTP/1.1', 'Host: fuzz.test', ...Array.from({ length: 2100 }, (_, i) => `x${i}: ${i}`))
    ),
  },
  {
    name: 'duplicate headers',
    bytes: bytes(req('GET /dup HTTP/1.1', 'Host: fuzz.test', 'X-Dup: a', 'X-Dup: b', 'x-dup: c')),
  },
  { name: 'duplicate Host headers', bytes: bytes(req('GET /duphost HTTP/1.1', 'Host: one.test', 'Host: two.test:81')) },
  {
    name: 'two different Content-Lengths',
    bytes: bytes(req('POST /cl HTTP/1.1', 'Host: fuzz.test', 'Content-Length: 1', 'Content-Length: 2') + 'ab'),
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    bytes: bytes(
      req('POST /smuggle HTTP/1.1', 'Host: fuzz.test', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n'
    ),
  },
  { name: 'a malformed percent escape in the path', bytes: bytes(req('GET /%E0%A4%A HTTP/1.1', 'Host: fuzz.test')) },
  {
    name: 'escapes of NUL, slash and invalid UTF-8',
    bytes: bytes(req('GET /a%00b%2Fc%FF%FE HTTP/1.1', 'Host: fuzz.test')),
  },
  { name: 'a raw non-ASCII byte in the path', bytes: bytes(req('GET /caf\xe9 HTTP/1.1', 'Host: fuzz.test')) },
  {
    name: 'a latin1 header value',
    bytes: bytes(req('GET /latin1 HTTP/1.1', 'Host: fuzz.test', 'X-Latin: caf\xe9', 'User-Agent: fuzz\xff')),
  },
  {
    name: 'a UTF-8 header value',
    bytes: Buffer.concat([
      bytes('GET /utf8 HTTP/1.1\r\nHost: fuzz.test\r\nX-Utf8: '),
      Buffer.from('café ☕'),
      bytes('\r\n\r\n'),
    ]),
  },
  { name: 'a non-ASCII header name', bytes: bytes(req('GET /badname HTTP/1.1', 'Host: fuzz.test', 'X-Caf\xe9: 1')) },
  { name: 'a NUL in a header value', bytes: bytes(req('GET /nul HTTP/1.1', 'Host: fuzz.test', 'X-Nul: a\x00b')) },
  { name: 'a header without a colon', bytes: bytes(req('GET /nocolon HTTP/1.1', 'Host: fuzz.test', 'NoColon')) },
  { name: 'an obs-fold header', bytes: bytes(req('GET /folded HTTP/1.1', 'Host: fuzz.test', 'X-Folded: a', ' b')) },
  { name: 'bare LF line endings', bytes: bytes('GET /lf HTTP/1.1\nHost: fuzz.test\n\n') },
  {
    name: 'header names with underscores',
    bytes: bytes(
      req('GET /underscore HTTP/1.1', 'Host: fuzz.test', 'X_Forwarded_For: 6.6.6.6', 'X-Forwarded-For: 1.2.3.4')
    ),
  },
  {
    name: 'header names shaped like Object.prototype members',
    bytes: bytes(
      req(
        'GET /proto HTTP/1.1',
        'Host: fuzz.test',
        'Constructor: x',
        'toString: y',
        '__proto__: z',
        'hasOwnProperty: w'
      )
    ),
  },
  {
    name: 'an absolute-form target',
    bytes: bytes(req('GET http://example.com:8080/abs/path?q=1 HTTP/1.1', 'Host: example.com:8080')),
  },
  {
    name: 'an absolute-form target with credentials',
    bytes: bytes(req(`GET http://user:${SECRET}userinfo@example.com/creds?x=1 HTTP/1.1`, 'Host: example.com')),
  },
  {
    name: 'an absolute-form target without a path',
    bytes: bytes(req('GET http://example.com?sig=SECRET-nopath HTTP/1.1', 'Host: example.com')),
  },
  { name: 'the asterisk form', bytes: bytes(req('OPTIONS * HTTP/1.1', 'Host: fuzz.test')) },
  {
    name: 'CONNECT (authority form, not a request)',
    bytes: bytes(req('CONNECT example.com:443 HTTP/1.1', 'Host: example.com:443')),
  },
  {
    name: 'a connection upgrade (not a request)',
    bytes: bytes(req('GET /upgrade HTTP/1.1', 'Host: fuzz.test', 'Connection: Upgrade', 'Upgrade: fuzz')),
  },
  {
    name: 'Expect: 100-continue with a body',
    bytes: bytes(
      req('POST /continue HTTP/1.1', 'Host: fuzz.test', 'Expect: 100-continue', 'Content-Length: 5') + 'hello'
    ),
  },
  {
    name: 'an unknown expectation',
    bytes: bytes(req('POST /expect HTTP/1.1', 'Host: fuzz.test', 'Expect: telepathy', 'Content-Length: 0')),
  },
  {
    name: 'a chunked body',
    bytes: bytes(
      req('POST /chunked HTTP/1.1', 'Host: fuzz.test', 'Transfer-Encoding: chunked') + '5\r\nhello\r\n0\r\n\r\n'
    ),
  },
  {
    name: 'a bad chunk size',
    bytes: bytes(
      req('POST /badchunk HTTP/1.1', 'Host: fuzz.test', 'Transfer-Encoding: chunked') + 'zz\r\nhello\r\n0\r\n\r\n'
    ),
  },
  {
    name: 'a body shorter than its Content-Length',
    bytes: bytes(req('POST /short HTTP/1.1', 'Host: fuzz.test', 'Content-Length: 100') + 'abc'),
  },
  {
    name: 'three pipelined requests',
    bytes: bytes(
      req('GET /pipe/1 HTTP/1.1', 'Host: fuzz.test') +
        req('GET /pipe/2 HTTP/1.1', 'Host: fuzz.test') +
        req('GET /pipe/3 HTTP/1.1', 'Host: fuzz.test')
    ),
  },
  {
    name: 'a request followed by garbage',
    bytes: bytes(req('GET /then-garbage HTTP/1.1', 'Host: fuzz.test') + 'GARBAGE\r\n\r\n'),
  },
  { name: 'an empty request line', bytes: bytes('\r\n\r\n') },
  { name: 'the HTTP/2 preface', bytes: bytes('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
  { name: 'HTTP/0.9', bytes: bytes('GET /nine\r\n') },
  { name: 'HTTP/2.0 in the request line', bytes: bytes(req('GET /two HTTP/2.0', 'Host: fuzz.test')) },
  { name: 'a 15 KB URL', bytes: bytes(req(`GET /long/${'p'.repeat(15 * 1024)} HTTP/1.1`, 'Host: fuzz.test')) },
  { name: 'a truncated request', bytes: bytes('GET /truncated HTTP/1.1\r\nHost: fuz') },
  ...['[::1]:99999', ':80', '[::1', 'a:b:c', '', '[]:80', 'example.com:', `${'h'.repeat(300)}:0`].map((host, i) => ({
    name: `the Host header ${JSON.stringify(host)}`,
    bytes: bytes(req(`GET /host/${i} HTTP/1.1`, `Host: ${host}`)),
  })),
  ...['for=', 'for="[', 'for=unknown;proto=http', 'by=1.2.3.4', `for=${'x'.repeat(1000)}`].map((forwarded, i) => ({
    name: `the Forwarded header ${JSON.stringify(forwarded.slice(0, 20))}`,
    bytes: bytes(
      req(`GET /forwarded/${i} HTTP/1.1`, 'Host: fuzz.test', `Forwarded: ${forwarded}`, 'X-Forwarded-For: ,,,')
    ),
  })),
  ...[
    ['escaped', 'Forwarded: for="\\"x\\"";host="a\\"b"'],
    ['unterminated', 'Forwarded: for="192.0.2.8;host=shop.example, for=192.0.2.7'],
    ['semicolons', 'Forwarded: ;;;for=192.0.2.9;;;,,,;'],
    ['huge', `Forwarded: ${'for=192.0.2.1;proto=https;'.repeat(500)}`],
    ['latin1', 'Forwarded: for="caf\xe9";host=\xe9x.example;proto=HTTPS'],
    ['repeated', 'X-Forwarded-For: 203.0.113.5:1', 'X-Forwarded-For: 198.51.100.1', 'X-Forwarded-Proto: gopher'],
    ['huge-host', `X-Forwarded-Host: ${'h'.repeat(8000)}:1:2`, `X-Forwarded-Proto: ${'s'.repeat(5000)}`],
  ].map(([name, ...headers]) => ({
    name: `proxy headers: ${name}`,
    bytes: bytes(req(`GET /proxy/${name} HTTP/1.1`, 'Host: fuzz.test', ...headers)),
  })),
  ...[
    'garbage',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    `00-${TRACE_ID}-0000000000000000-01`,
    `ff-${TRACE_ID}-${PARENT_ID}-01`,
    `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`,
    `00-${TRACE_ID}-${PARENT_ID}-01-extra`,
    `00-${TRACE_ID}-${PARENT_ID}`,
    `00-${TRACE_ID}x-${PARENT_ID}-01`,
    '-'.repeat(60),
  ].map((traceparent, i) => ({
    name: `the invalid traceparent ${JSON.stringify(traceparent.slice(0, 24))}…`,
    bytes: bytes(
      req(
        `GET /traceparent/invalid/${i} HTTP/1.1`,
        'Host: fuzz.test',
        `traceparent: ${traceparent}`,
        'tracestate: ,,=,'
      )
    ),
  })),
  {
    name: 'two traceparent headers',
    bytes: bytes(
      req(
        'GET /traceparent/two HTTP/1.1',
        'Host: fuzz.test',
        `traceparent: 00-${TRACE_ID}-${PARENT_ID}-01`,
        `traceparent: 00-${TRACE_ID}-${PARENT_ID}-01`
      )
    ),
  },
  {
    name: 'a valid traceparent',
    bytes: bytes(
      req('GET /traceparent/valid HTTP/1.1', 'Host: fuzz.test', `traceparent: 00-${TRACE_ID}-${PARENT_ID}-01`)
    ),
  },
  {
    name: 'credentials in the query and in headers',
    bytes: bytes(
      req(
        `GET /secrets?X-Amz-Signature=${SECRET}1&sig=${SECRET}2&AWSAccessKeyId=${SECRET}3&%73ig=${SECRET}4&TOKEN=${SECRET}5` +
          `&access_token=${SECRET}6&sig=${SECRET}7&a=1&&X-Goog-Signature==${SECRET}8 HTTP/1.1`,
        'Host: fuzz.test',
        `Authorization: Bearer ${SECRET}9`,
        `Cookie: session=${SECRET}10`,
        `Cookie: other=${SECRET}11`,
        `Proxy-Authorization: Basic ${SECRET}12`
      )
    ),
  },
];

/** Random bytes, and random damage to valid requests, from a fixed seed. */
function randomCases(seed: number, count: number): Case[] {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const SPECIAL = [0x0d, 0x0a, 0x00, 0x20, 0x3a, 0x25, 0x3f, 0x23, 0x2f, 0x09, 0x7f, 0x80, 0xc3, 0xe9, 0xff];
  const templates = DETERMINISTIC.filter(c => c.bytes.length < 600).map(c => c.bytes);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    let buffer: Buffer;
    if (kind === 0) {
      buffer = Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256)));
    } else {
      buffer = Buffer.from(templates[int(templates.length)]);
      const edits = 1 + int(kind === 1 ? 3 : 8);
      for (let e = 0; e < edits; e++) {
        const at = int(buffer.length);
        const action = int(4);
        const byte = random() < 0.7 ? SPECIAL[int(SPECIAL.length)] : int(256);
        if (action === 0) buffer[at] = byte;
        else if (action === 1)
          buffer = Buffer.concat([buffer.subarray(0, at), Buffer.from([byte]), buffer.subarray(at)]);
        else if (action === 2) buffer = Buffer.concat([buffer.subarray(0, at), buffer.subarray(at + 1 + int(8))]);
        else
          buffer = Buffer.concat([buffer.subarray(0, at), buffer.subarray(at, at + 1 + int(40)), buffer.subarray(at)]);
      }
    }
    cases.push({ name: `random case ${i} (seed ${seed})`, bytes: buffer });
  }
  return cases;
}

interface Exchange {
  response: Buffer;
  closed: boolean;
}

async function exchangeAll(port: number, cases: Case[]): Promise<Exchange[]> {
  const results: Exchange[] = new Array<Exchange>(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      results[index] = await rawRoundTrip(port, cases[index].bytes);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

/** The response bytes, less the Date header Node adds to its own answers (417, …): the second may differ. */
function withoutDate(buffer: Buffer): string {
  return buffer.toString('latin1').replace(/\r\nDate: [^\r]*/gi, '');
}

function show(buffer: Buffer): string {
  return JSON.stringify(buffer.toString('latin1').slice(0, 300));
}

describe('fuzz: malformed HTTP on raw sockets, instrumented against bare', function () {
  this.timeout(120000);
  const cases = [...DETERMINISTIC, ...randomCases(SEED, RANDOM_CASES)];
  let bare: Fixture;
  let instrumented: Fixture;
  let bareExchanges: Exchange[];
  let instrumentedExchanges: Exchange[];
  let bareReport: ServerReport;
  let report: ServerReport;
  let records: FuzzRecord[];

  before(async () => {
    const capture = {
      request: ['authorization', 'cookie', 'proxy-authorization', 'x-dup', 'x-latin', 'x-utf8', 'user-agent'],
    };
    [bare, instrumented] = await Promise.all([
      startFixture({ bare: true }),
      startFixture({ record: true, config: { headersToSpanAttributes: capture } }),
    ]);
    // The deterministic cases first, on their own: their records come before any random case's.
    bareExchanges = [];
    instrumentedExchanges = [];
    for (const batch of [DETERMINISTIC, cases.slice(DETERMINISTIC.length)]) {
      const [a, b] = await Promise.all([exchangeAll(bare.port, batch), exchangeAll(instrumented.port, batch)]);
      bareExchanges.push(...a);
      instrumentedExchanges.push(...b);
    }
    [bareReport, report] = await Promise.all([bare.report(), instrumented.report()]);
    records = report.records ?? [];
  });
  after(async () => Promise.all([bare?.stop(), instrumented?.stop()]));

  it(`answers or closes each of ${cases.length} connections exactly as Node does without us`, () => {
    const differences: string[] = [];
    cases.forEach((c, i) => {
      const [a, b] = [bareExchanges[i], instrumentedExchanges[i]];
      if (withoutDate(a.response) !== withoutDate(b.response) || a.closed !== b.closed) {
        differences.push(
          `${c.name}: bare ${show(a.response)} (closed ${a.closed}), instrumented ${show(b.response)} (closed ${b.closed})`
        );
      }
    });
    assert.deepEqual(differences.slice(0, 5), []);
    // The cases reach both outcomes: requests answered, and requests Node refused.
    const statuses = new Set(bareExchanges.map(e => e.response.toString('latin1').slice(0, 12)));
    for (const status of ['HTTP/1.1 200', 'HTTP/1.1 400', 'HTTP/1.1 431', 'HTTP/1.1 101', 'HTTP/1.1 417']) {
      assert.ok(statuses.has(status), `no case produced ${status}`);
    }
  });

  it('never crashes', () => {
    assert.ok(instrumented.alive(), instrumented.stderr());
    assert.equal(report.counts.uncaught + report.counts.unhandled, 0, report.uncaughtSamples.join('; '));
    assert.equal(report.counts.diagErrors, 0, report.diagSamples.join('; '));
  });

  it('lets the app see the same requests', () => {
    assert.equal(report.counts.seen, bareReport.counts.seen);
    assert.ok(report.counts.seen > DETERMINISTIC.length / 2);
  });

  it('leaves no signal or span half open once every connection closed', () => {
    const { counts } = report;
    assertOnceForEverySeen(counts);
    assert.deepEqual(
      Object.entries(counts.anomalies).filter(([, value]) => value !== 0),
      []
    );
  });

  it('builds environ for every request, with strings only', () => {
    assert.equal(report.counts.environErrors, 0);
    const started = records.filter(r => r.environ !== undefined);
    assert.equal(started.length, report.counts.started);
    for (const { environ } of started) {
      for (const [key, value] of Object.entries(environ ?? {})) {
        assert.equal(typeof value, 'string', `environ.${key} is ${typeof value}`);
      }
    }
  });

  describe('what the receivers and the span see', () => {
    const startedFor = (url: string) => records.find(r => r.environ !== undefined && r.url === url);
    const spanFor = (url: string) => {
      const started = startedFor(url);
      assert.ok(started, `no request ${url}`);
      const span = records.find(r => r.span?.spanId === started.spanId)?.span;
      assert.ok(span, `no span for ${url}`);
      return { environ: started.environ as Record<string, string>, span };
    };

    it('leaves a malformed percent escape as sent, in environ and on the span', () => {
      const { environ, span } = spanFor('/%E0%A4%A');
      assert.equal(environ.PATH_INFO, '/%E0%A4%A');
      assert.equal(span.attributes['url.path'], '/%E0%A4%A');
    });

    it('keeps only the path of an absolute-form target, and no credentials', () => {
      const { environ, span } = spanFor(`http://user:${SECRET}userinfo@example.com/creds?x=1`);
      assert.deepEqual([environ.PATH_INFO, environ.QUERY_STRING], ['/creds', 'x=1']);
      assert.equal(span.attributes['url.path'], '/creds');
    });

    it('falls back to the socket in environ without a Host header, and leaves server.* off the span', () => {
      const { environ, span } = spanFor('/http10');
      assert.deepEqual([environ.SERVER_NAME, environ.SERVER_PORT], ['127.0.0.1', String(instrumented.port)]);
      assert.deepEqual([span.attributes['server.address'], span.attributes['server.port']], [undefined, undefined]);
    });

    it('keeps client.address an IP address, url.scheme http or https and server.port a port, for every request', () => {
      const spans = records.flatMap(r => (r.span === undefined ? [] : [r.span]));
      const odd = spans.filter(({ attributes: a }) => {
        const port = a['server.port'];
        return (
          isIP(String(a['client.address'])) === 0 ||
          (a['url.scheme'] !== 'http' && a['url.scheme'] !== 'https') ||
          (port !== undefined && !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536))
        );
      });
      assert.deepEqual(odd.map(span => span.attributes).slice(0, 3), []);
      assert.ok(spans.length > DETERMINISTIC.length / 2);
    });

    it('reads the proxy headers of hostile requests as the conventions say', () => {
      const origin = (url: string) => {
        const { attributes: a } = spanFor(url).span;
        return [a['client.address'], a['server.address'], a['server.port'], a['url.scheme']];
      };
      assert.deepEqual(origin('/proxy/escaped'), ['127.0.0.1', 'a"b', 80, 'http']);
      assert.deepEqual(origin('/proxy/unterminated'), ['127.0.0.1', 'fuzz.test', 80, 'http']);
      assert.deepEqual(origin('/proxy/semicolons'), ['192.0.2.9', 'fuzz.test', 80, 'http']);
      assert.deepEqual(origin('/proxy/huge'), ['192.0.2.1', 'fuzz.test', 443, 'https']);
      assert.deepEqual(origin('/proxy/latin1'), ['127.0.0.1', '\u00e9x.example', 443, 'https']);
      assert.deepEqual(origin('/proxy/repeated'), ['203.0.113.5', 'fuzz.test', 80, 'http']);
      const huge = origin('/proxy/huge-host');
      assert.deepEqual([(huge[1] as string).length, huge[2], huge[3]], [4096, undefined, 'http']);
    });

    it('decodes header bytes as Node does (latin1) and joins repeated headers', () => {
      assert.equal(spanFor('/latin1').environ.HTTP_X_LATIN, 'caf\u00e9');
      assert.equal(spanFor('/utf8').environ.HTTP_X_UTF8, Buffer.from('café ☕').toString('latin1'));
      assert.equal(spanFor('/dup').environ.HTTP_X_DUP, 'a,b,c');
    });

    it('drops header names with underscores from environ', () => {
      const { environ } = spanFor('/underscore');
      assert.equal(environ.HTTP_X_FORWARDED_FOR, '1.2.3.4');
    });

    it('starts a new trace for every invalid traceparent, and continues a valid one', () => {
      for (let i = 0; i < 9; i++) {
        const { span } = spanFor(`/traceparent/invalid/${i}`);
        assert.equal(span.parentSpanId, undefined, `invalid traceparent ${i} gave a parent`);
        assert.notEqual(span.traceId, TRACE_ID);
      }
      const two = spanFor('/traceparent/two').span;
      assert.equal(two.parentSpanId, undefined, 'two traceparent headers gave a parent');
      const valid = spanFor('/traceparent/valid').span;
      assert.deepEqual([valid.traceId, valid.parentSpanId], [TRACE_ID, PARENT_ID]);
    });

    it('names spans of unknown methods HTTP, with the method kept as sent', () => {
      const { span } = spanFor('/dav');
      assert.equal(span.name, 'HTTP');
      assert.deepEqual(
        [span.attributes['http.request.method'], span.attributes['http.request.method_original']],
        ['_OTHER', 'PROPFIND']
      );
    });

    it('fires nothing for CONNECT and upgrades', () => {
      const upgradeCase = DETERMINISTIC.findIndex(c => c.name.startsWith('a connection upgrade'));
      assert.ok(instrumentedExchanges[upgradeCase].response.toString('latin1').startsWith('HTTP/1.1 101'));
      const intactUpgrades = records.filter(
        r => r.environ?.HTTP_UPGRADE === 'fuzz' && r.environ?.HTTP_CONNECTION === 'Upgrade'
      );
      assert.deepEqual(intactUpgrades, []);
      assert.ok(!records.some(r => r.environ?.REQUEST_METHOD === 'CONNECT'));
      assert.equal(report.counts.anomalies.signalForUpgrade, 0);
    });

    it('puts no credential it was sent into any span', () => {
      const spans = records.filter(r => r.span !== undefined);
      assert.ok(spans.length > 0);
      const leaks = spans.filter(r => JSON.stringify(r.span).includes(SECRET));
      assert.deepEqual(
        leaks.map(r => r.span?.attributes),
        []
      );
      // The captured credential headers are there, as REDACTED.
      const { span } = spanFor(
        `/secrets?X-Amz-Signature=${SECRET}1&sig=${SECRET}2&AWSAccessKeyId=${SECRET}3&%73ig=${SECRET}4&TOKEN=${SECRET}5&access_token=${SECRET}6&sig=${SECRET}7&a=1&&X-Goog-Signature==${SECRET}8`
      );
      assert.deepEqual(span.attributes['http.request.header.authorization'], ['REDACTED']);
    });
  });
});

/*
 * The same promise without a socket in between: environ and the span's
 * attributes from request objects no parser would produce (no url, no
 * socket, lone surrogates, odd rawHeaders), from a fixed seed.
 */
describe('fuzz: environ and span attributes from arbitrary request objects', () => {
  const random = seededRandom(SEED + 1);
  const int = (n: number) => Math.floor(random() * n);
  const PIECES = [
    '/',
    '%',
    '%E0%A4%A',
    '%zz',
    '%%',
    '?',
    '&',
    '=',
    ':',
    '[',
    ']',
    '::1',
    '://',
    '@',
    '#',
    ' ',
    ',',
    ';',
    '"',
    '\ud800',
    '\u00e9',
    '\u2615',
    '\u0000',
    'sig',
    'token',
    'http',
    'a',
    '0',
    '65536',
    '-1',
    '_',
    'for=',
    'Host',
    '\\',
    'HOST=',
    'proto=',
    'https',
    '1.2.3.4',
    '2001:db8::1',
    ':4711',
    'unknown',
    '_hidden',
    '\t',
  ];
  const text = (max = 8) => Array.from({ length: int(max) }, () => PIECES[int(PIECES.length)]).join('');
  const maybe = <T>(value: T): T | undefined => (random() < 0.25 ? undefined : value);

  function randomRequest(): IncomingMessage {
    // Node's HTTP/1 parser joins repeated headers; an array stands for any other source of headers.
    const value = () => maybe(random() < 0.2 ? [text(), text()] : text());
    const headers: Record<string, string | string[] | undefined> = {
      host: maybe(text(5)),
      'user-agent': maybe(text()),
      forwarded: value(),
      'x-forwarded-for': value(),
      'x-forwarded-host': value(),
      'x-forwarded-proto': value(),
      traceparent: maybe(text()),
    };
    const rawHeaders = Array.from({ length: int(9) }, () => text(4));
    const socket =
      random() < 0.3
        ? undefined
        : {
            remoteAddress: maybe('127.0.0.1'),
            remotePort: maybe(int(65536)),
            localAddress: maybe(text(3)),
            localPort: maybe(int(70000)),
          };
    return {
      url: maybe(text(12)),
      method: maybe(random() < 0.5 ? 'GET' : text(2)),
      httpVersion: random() < 0.8 ? '1.1' : text(2),
      headers,
      rawHeaders,
      socket,
    } as unknown as IncomingMessage;
  }

  it('never throws, and gives strings in environ and bounded primitives on the span', () => {
    const configs = [true, false].map(trustProxyHeaders =>
      resolveConfig({
        maxAttributeValueLength: 64,
        headersToSpanAttributes: { request: ['host', 'user-agent'] },
        trustProxyHeaders,
      })
    );
    for (let i = 0; i < 3000; i++) {
      const request = randomRequest();
      const scheme = i % 2 === 0 ? 'http' : 'https';
      const config = configs[i % 4 < 2 ? 0 : 1];
      const environ = buildEnviron(request, scheme) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(environ)) {
        assert.equal(typeof value, 'string', `environ.${key} for ${JSON.stringify(request.url)}`);
      }
      const attributes = requestAttributes(request, scheme, 'GET', config);
      for (const [key, value] of Object.entries(attributes)) {
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) {
          assert.ok(v === undefined || typeof v === 'number' || typeof v === 'string', `${key} is ${typeof v}`);
          if (typeof v === 'string') assert.ok(v.length <= 64, `${key} is ${v.length} characters long`);
        }
      }
      const client = attributes['client.address'];
      assert.ok(client === undefined || isIP(client as string) !== 0, `client.address ${JSON.stringify(client)}`);
      assert.ok(
        attributes['url.scheme'] === 'http' || attributes['url.scheme'] === 'https',
        `url.scheme ${String(attributes['url.scheme'])}`
      );
    }
  });
});
