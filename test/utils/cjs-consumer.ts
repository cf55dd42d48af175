/*
 * A CommonJS consumer of the installed package, for the packaging and
 * install tests: it requires the package, constructs the instrumentation,
 * serves one request, and prints what it heard and the package's exports.
 */
export const CJS_CONSUMER = `
const http = require('http');
const signals = require('otel-request-signals');
const instrumentation = new signals.RequestSignalsInstrumentation();
let started = 0;
signals.requestStarted.connect(() => started++);
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  http.get({ host: '127.0.0.1', port: server.address().port, agent: false }, res => {
    res.resume();
    res.on('end', () => {
      console.log(JSON.stringify({ started, exports: Object.keys(signals).sort() }));
      instrumentation.disable();
      server.close();
    });
  });
});
`;
