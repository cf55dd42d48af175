'use strict';
// npm run demo: starts telemetry, the receivers and the app, sends the app
// five requests, then draws the traces they produced.
const telemetry = require('./telemetry').startTelemetry(); // first, as in a real service
const http = require('http');
const http2 = require('http2');
const { requestFinished } = require('otel-request-signals');
const { openResourceCount, alertsSent } = require('./receivers');
const { createApp, createHttp2App } = require('./app');
const { drawTraces } = require('./tree');

// `npm run demo | head` closes stdout early: stop quietly rather than fail on every later line.
process.stdout.on('error', error => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const REQUESTS = [
  // As if behind a proxy, so the client-ip receiver reads X-Forwarded-For.
  { path: '/', headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' } },
  { path: '/no-such-page' },
  // Nothing answers a request whose handler threw: give up after 300 ms.
  { path: '/boom', giveUpAfterMs: 300 },
  { path: '/async-boom' },
  { path: '/slow', abortAfterFirstChunk: true },
];

/** Sends one GET and resolves with what the client saw. */
function send(port, { path, headers, giveUpAfterMs, abortAfterFirstChunk }) {
  return new Promise(resolve => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, response => {
      response.setEncoding('utf8');
      let body = '';
      response.on('data', chunk => {
        body += chunk;
        if (!abortAfterFirstChunk) return;
        request.destroy();
        resolve(`${response.statusCode}, got "${body}", then aborted`);
      });
      response.on('end', () => resolve(`${response.statusCode} ${JSON.stringify(body.trim())}`));
    });
    request.on('error', error => resolve(`connection error: ${error.code ?? error.message}`));
    if (giveUpAfterMs !== undefined) {
      request.setTimeout(giveUpAfterMs, () => {
        request.destroy();
        resolve(`no response after ${giveUpAfterMs} ms, gave up`);
      });
    }
  });
}

/** Sends one GET over HTTP/2 (h2c) and resolves with what the client saw. */
function sendHttp2(port, path) {
  return new Promise(resolve => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', error => resolve(`connection error: ${error.code ?? error.message}`));
    const stream = session.request({ ':path': path });
    let status;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', headers => (status = headers[':status']));
    stream.on('data', chunk => (body += chunk));
    stream.on('close', () => {
      session.close();
      resolve(`${status} ${JSON.stringify(body.trim())} over HTTP/2`);
    });
  });
}

/** Resolves once the server has sent requestFinished for the next request (and its span has ended). */
function nextRequestFinished() {
  return new Promise(resolve => {
    const onFinished = () => {
      requestFinished.disconnect(onFinished);
      setImmediate(resolve);
    };
    requestFinished.connect(onFinished);
  });
}

async function main() {
  const server = createApp();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  console.log(`the app listens on http://127.0.0.1:${port}`);
  console.log(`spans: drawn at the end; ${telemetry.exportDescription}`);

  for (const request of REQUESTS) {
    console.log(`\nGET ${request.path}`);
    const finished = nextRequestFinished();
    const outcome = await send(port, request);
    await finished;
    console.log(`  [client] GET ${request.path} -> ${outcome}`);
  }
  server.close();

  // The same app served over HTTP/2: the same signals, one SERVER span per stream.
  const server2 = createHttp2App();
  await new Promise(resolve => server2.listen(0, '127.0.0.1', resolve));
  console.log(`\nthe same app over HTTP/2 (h2c) on http://127.0.0.1:${server2.address().port}`);
  console.log('\nGET / (HTTP/2)');
  const finished = nextRequestFinished();
  const outcome = await sendHttp2(server2.address().port, '/');
  await finished;
  console.log(`  [client] GET / -> ${outcome}`);
  server2.close();

  console.log(`\nopen resources: ${openResourceCount()}, alerts sent: ${alertsSent()}\n`);
  const spans = await telemetry.finishedSpans();
  if (spans.length === 0) console.log('no spans were recorded (is OTEL_SDK_DISABLED set?)');
  for (const line of drawTraces(spans)) console.log(line);

  if (telemetry.exporting) console.log('\nflushing the export...');
  try {
    await telemetry.shutdown();
  } catch (error) {
    console.error(
      `export failed (${typeof error.code === 'string' ? error.code : error.message}): spans were to be ${telemetry.exportDescription}; is anything listening there?`
    );
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
