'use strict';
// Draws finished spans as one small tree per trace: one line per span (name,
// kind, status), its key attributes under it, then its events and children.
const { SpanKind, SpanStatusCode } = require('@opentelemetry/api');

const KEY_ATTRIBUTES = ['url.path', 'http.response.status_code', 'error.type'];

const hrMillis = ([seconds, nanos]) => seconds * 1e3 + nanos / 1e6;
const byStart = (a, b) => hrMillis(a.startTime) - hrMillis(b.startTime);

const formatAttributes = (attributes, keys = Object.keys(attributes)) => keys.map(key => `${key}=${attributes[key]}`);

/** The HTTP attributes that tell requests apart, then what the demo's receivers added. */
const keyAttributesOf = attributes => [
  ...KEY_ATTRIBUTES.filter(key => key in attributes),
  ...Object.keys(attributes).filter(key => key.startsWith('demo.')),
];

/** Joins `items` with two spaces, starting a new line before one would pass `width`. */
function wrap(items, width) {
  const lines = [];
  for (const item of items) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 2 + item.length <= width) lines[last] += `  ${item}`;
    else lines.push(item);
  }
  return lines;
}

function spanLine(span) {
  const status = SpanStatusCode[span.status.code];
  const message = span.status.message ? ` "${span.status.message}"` : '';
  return `${span.name}  ${SpanKind[span.kind]}  ${status}${message}  ${hrMillis(span.duration).toFixed(1)} ms`;
}

function eventLine(event) {
  const attributes = event.attributes ?? {};
  if (event.name === 'exception')
    return `exception  ${attributes['exception.type']}: ${attributes['exception.message']}`;
  return [event.name, ...formatAttributes(attributes)].join('  ');
}

/** Lines for `span` and everything under it; `prefix` is the indentation its parent gave it. */
function drawSpan(span, childrenOf, prefix, isLast) {
  const lines = [`${prefix}${isLast ? '└─ ' : '├─ '}${spanLine(span)}`];
  const inner = prefix + (isLast ? '   ' : '│  ');
  const attributes = formatAttributes(span.attributes, keyAttributesOf(span.attributes));
  for (const line of wrap(attributes, 76 - inner.length)) lines.push(`${inner}   ${line}`);
  for (const event of span.events) lines.push(`${inner}   · ${eventLine(event)}`);
  const children = childrenOf.get(span.spanContext().spanId) ?? [];
  children.forEach((child, i) => lines.push(...drawSpan(child, childrenOf, inner, i === children.length - 1)));
  return lines;
}

/** One tree per trace, oldest trace first. */
function drawTraces(spans) {
  const traces = new Map();
  for (const span of [...spans].sort(byStart)) {
    const traceId = span.spanContext().traceId;
    if (!traces.has(traceId)) traces.set(traceId, []);
    traces.get(traceId).push(span);
  }
  const lines = [];
  for (const [traceId, traceSpans] of traces) {
    const ids = new Set(traceSpans.map(span => span.spanContext().spanId));
    const childrenOf = new Map();
    const roots = [];
    for (const span of traceSpans) {
      const parentId = span.parentSpanContext?.spanId;
      if (parentId === undefined || !ids.has(parentId)) roots.push(span);
      else childrenOf.set(parentId, [...(childrenOf.get(parentId) ?? []), span]);
    }
    const service = traceSpans[0].resource?.attributes['service.name'];
    lines.push(`trace ${traceId.slice(0, 8)}  (service ${service})`);
    roots.forEach((root, i) => lines.push(...drawSpan(root, childrenOf, '', i === roots.length - 1)));
  }
  return lines;
}

module.exports = { drawTraces };
