'use strict';
// Four receivers, one per use case. Each does its job, prints what it did,
// and leaves a mark on the request's SERVER span so the trace shows it.
// Every receiver is called as receiver(server, kwargs), like a Django
// receiver is called as receiver(sender, **kwargs).
const { requestStarted, requestFinished, gotRequestException } = require('otel-request-signals');

/** One line per receiver call, naming the signal that called it. */
const say = (signal, who, text) => console.log(`  ${signal.padEnd(19)} [${who}] ${text}`);
const describe = request => `${request.method} ${request.url}`;

// 1. Request timing, from requestStarted to requestFinished. durationMs is
//    measured for you; `aborted` says the client went away first.
function logTiming(_server, { request, response, span, aborted, durationMs }) {
  let outcome = String(response.statusCode);
  if (aborted)
    outcome = response.headersSent ? `${response.statusCode}, then the client aborted` : 'no response, client aborted';
  say('requestFinished', 'timing', `${describe(request)} -> ${outcome} in ${durationMs.toFixed(1)} ms`);
  span.setAttribute('demo.duration_ms', Math.round(durationMs * 10) / 10);
}
requestFinished.connect(logTiming);

// 2. Client IP logging, written as a Django user would write it against
//    request.META. Trust X-Forwarded-For only behind a proxy you run.
function logClientIp(_server, { environ, span }) {
  const forwardedFor = environ.HTTP_X_FORWARDED_FOR;
  const ip = forwardedFor ? forwardedFor.split(',')[0].trim() : environ.REMOTE_ADDR;
  const via = forwardedFor ? ' (from X-Forwarded-For)' : ' (REMOTE_ADDR)';
  say('requestStarted', 'client-ip', `${environ.REQUEST_METHOD} ${environ.PATH_INFO} from ${ip}${via}`);
  span.setAttribute('demo.client_ip', ip);
}
requestStarted.connect(logClientIp);

// 3. Exception alerting. `alertingService` is a stand-in for a real one
//    (Sentry, PagerDuty, ...): it only prints. A real receiver should queue
//    the alert rather than make a network call on the request's path.
const alertingService = {
  sent: 0,
  notify({ title, path, traceId }) {
    this.sent += 1;
    say(
      'gotRequestException',
      'alerting',
      `(stand-in) alert #${this.sent} for ${path}: ${title}, trace ${traceId.slice(0, 8)}`
    );
    return `alert-${this.sent}`;
  },
};
function alertOnException(_server, { request, span, exception }) {
  const title = exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
  const alertId = alertingService.notify({ title, path: request.url, traceId: span.spanContext().traceId });
  span.addEvent('demo.alert_sent', { 'demo.alert_id': alertId });
}
gotRequestException.connect(alertOnException);

// 4. Per-request resource clean-up. A resource acquired when the request
//    starts is released when it finishes, whether it succeeded, failed, or
//    the client went away. The WeakMap is keyed by the request, so nothing
//    is kept once the request is gone.
const resources = new WeakMap();
let openResources = 0;
let nextResourceId = 1;

function acquireResource(_server, { request, span }) {
  const resource = { name: `db-conn#${nextResourceId++}` };
  resources.set(request, resource);
  openResources += 1;
  span.setAttribute('demo.resource', resource.name);
  say('requestStarted', 'cleanup', `acquired ${resource.name} for ${describe(request)} (open: ${openResources})`);
}
requestStarted.connect(acquireResource);

function releaseResource(_server, { request, span }) {
  const resource = resources.get(request);
  if (resource === undefined) return;
  resources.delete(request);
  openResources -= 1;
  span.addEvent('demo.resource_released', { 'demo.resource': resource.name });
  say('requestFinished', 'cleanup', `released ${resource.name} (open: ${openResources})`);
}
requestFinished.connect(releaseResource);

module.exports = {
  openResourceCount: () => openResources,
  alertsSent: () => alertingService.sent,
};
