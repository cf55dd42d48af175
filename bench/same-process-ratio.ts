/*
 * signals+sdk against minimal-span in ONE process, for the ratio target:
 *
 *   npm run bench:ratio [-- --rounds=150] [--h2]
 *
 * --h2: the same on an HTTP/2 (h2c) compatibility server, with streams
 * served by bench/servers/_h2-in-memory-load.ts.
 *
 * Separate server processes differ from each other by a few µs per request
 * on this kind of machine (JIT and memory layout luck, shown by their "off"
 * figures in bench/RESULTS.md), which moves a ratio of two overheads by a lot.
 * Here one server, one SDK and one BatchSpanProcessor serve batches of 500
 * requests in memory in four interleaved states: bare (our instrumentation
 * disabled, plain listener), ours (enabled, one receiver per signal),
 * minimal-span (disabled, the hand-written span of bench/servers/_minimal-span.ts)
 * and minimal-span-11 (the same hand-written span with the eleven attributes
 * the conventions ask for and we set on this request, plus the status code at
 * the end). Overheads are taken against the bare batch of the same round.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { RequestSignalsInstrumentation } from '../src';
import { RequestListener, ServerModule, connectReceivers, setUpSdk } from './servers/_common';
import { loadH2InMemory } from './servers/_h2-in-memory-load';
import { loadInMemory } from './servers/_in-memory-load';
import { elevenAttributes, withMinimalSpan } from './servers/_minimal-span';

type State = 'bare' | 'signals+sdk' | 'minimal-span' | 'minimal-span-11';

const ROUNDS = Number((process.argv.find(arg => arg.startsWith('--rounds=')) ?? '--rounds=150').slice(9));
const REQUESTS = 500;
const H2 = process.argv.includes('--h2');
const load = H2 ? loadH2InMemory : loadInMemory;

const tracerProvider = setUpSdk();
const tracer = tracerProvider.getTracer('minimal-span');
const instrumentation = new RequestSignalsInstrumentation();
registerInstrumentations({ tracerProvider, instrumentations: [instrumentation] });
connectReceivers(1);
// Required now, not imported: the instrumentation hooks the require of the server module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require(H2 ? 'http2' : 'http') as ServerModule;

let minimalSpan: 'six' | 'eleven' | undefined; // undefined: no hand-written span
const answer: RequestListener = (_request, response) => response.end('ok');
const withSix = withMinimalSpan(tracer, answer);
const withEleven = withMinimalSpan(tracer, answer, { attributesOf: elevenAttributes, statusAtEnd: true });
const server = http.createServer((request, response) => {
  if (minimalSpan === undefined) return answer(request, response);
  return (minimalSpan === 'six' ? withSix : withEleven)(request, response);
});

const STATES: Record<State, () => void> = {
  bare: () => (instrumentation.disable(), (minimalSpan = undefined)),
  'signals+sdk': () => (instrumentation.enable(), (minimalSpan = undefined)),
  'minimal-span': () => (instrumentation.disable(), (minimalSpan = 'six')),
  'minimal-span-11': () => (instrumentation.disable(), (minimalSpan = 'eleven')),
};
const STATE_NAMES = Object.keys(STATES) as State[];

async function batch(state: State): Promise<number> {
  STATES[state]();
  const before = process.cpuUsage();
  await load(server, REQUESTS);
  await tracerProvider.forceFlush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(): Promise<void> {
  for (const state of STATE_NAMES) for (let i = 0; i < 10; i++) await batch(state);
  const figures = Object.fromEntries(STATE_NAMES.map(state => [state, [] as number[]])) as Record<State, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...STATE_NAMES];
    if (round % 2 === 1) order.reverse();
    for (const state of order) figures[state].push(await batch(state));
  }
  const overhead = (state: State) => figures[state].map((cpu, i) => cpu - figures.bare[i]);
  const ours = median(overhead('signals+sdk'));
  const minimal = median(overhead('minimal-span'));
  const minimal11 = median(overhead('minimal-span-11'));
  const [what, unit] = H2 ? ['HTTP/2 streams', 'stream'] : ['requests', 'req'];
  console.log(`${ROUNDS} rounds x 4 states x ${REQUESTS} ${what} in memory, one process, Node ${process.version}`);
  console.log(
    `bare ${median(figures.bare).toFixed(2)} µs/${unit}; overhead: signals+sdk ${ours.toFixed(2)}, ` +
      `minimal-span ${minimal.toFixed(2)}, minimal-span-11 ${minimal11.toFixed(2)} µs/${unit}`
  );
  console.log(
    `signals+sdk / minimal-span ${(ours / minimal).toFixed(2)} (target ≤ 1.25); ` +
      `signals+sdk / minimal-span-11 ${(ours / minimal11).toFixed(2)}`
  );
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
