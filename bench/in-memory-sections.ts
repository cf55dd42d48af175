/*
 * What each in-memory section reports: HTTP/1 requests (bench/servers/*.ts)
 * and HTTP/2 streams (bench/servers/h2-*.ts, h2c). The issue's targets are
 * the same for both: signals-only under 0.5 µs, signals+sdk within 1.25x of
 * the hand-written minimal span on the same protocol.
 */
import { InMemorySection, quartilesOf, ratioOf } from './in-memory';

export const HTTP1_SECTION: InMemorySection = {
  title: '## In memory (server work only)',
  units: 'requests',
  unit: 'req',
  references: ['minimal-span', 'instrumentation-http'],
  ratioLess: new Set(['bare', 'nine-more-receivers']),
  notes: [
    'nine-more-receivers is signals+sdk whose switch connects receivers 2 to 10 to each signal instead: its',
    'overhead is what ten receivers per signal cost over one.',
  ],
  targets: figures => [
    [{ name: 'signals-only overhead over bare (µs/req)', limit: 0.5 }, quartilesOf(figures, 'signals-only')],
    [
      { name: 'signals+sdk overhead / minimal-span overhead', limit: 1.25 },
      ratioOf(figures, 'signals+sdk', 'minimal-span'),
    ],
    [
      { name: 'signals+sdk overhead / instrumentation-http overhead', limit: 0.3 },
      ratioOf(figures, 'signals+sdk', 'instrumentation-http'),
    ],
    [{ name: '10 receivers minus 1 receiver (µs/req)', limit: 1 }, quartilesOf(figures, 'nine-more-receivers')],
  ],
};

export const HTTP2_SECTION: InMemorySection = {
  title: '## HTTP/2 in memory (server work only, h2c)',
  units: 'streams',
  unit: 'stream',
  references: ['h2-minimal-span'],
  ratioLess: new Set(['h2-bare']),
  notes: [
    'Each batch is one session (h2c, prior knowledge) with 8 streams open at a time: GET with four headers,',
    "answered 'ok'; the client's frames are pre-encoded, so the CPU is the server's. The variants use the",
    "compatibility API (`http2.createServer(listener)`), except h2-core-signals+sdk: a 'stream' listener and",
    "`stream.respond()` (its ratio is still to the compatibility API's minimal span).",
  ],
  targets: figures => [
    [{ name: 'signals-only overhead over bare (µs/stream)', limit: 0.5 }, quartilesOf(figures, 'h2-signals-only')],
    [
      { name: 'signals+sdk overhead / minimal-span overhead, HTTP/2', limit: 1.25 },
      ratioOf(figures, 'h2-signals+sdk', 'h2-minimal-span'),
    ],
  ],
};
