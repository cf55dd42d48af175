/*
 * The instrumentation's metrics. Instruments are created from the current
 * meter, so a MeterProvider set later (NodeSDK, setMeterProvider) is used.
 */
import { AttributeValue, Attributes, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_SCHEME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import { NOOP_HISTOGRAM_CLASS } from '../internals/node-and-opentelemetry';

/** The semantic conventions' advice for http.server.request.duration, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const RECEIVER_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const METRIC_HTTP_SERVER_ACTIVE_REQUESTS = 'http.server.active_requests';
const METRIC_RECEIVER_DURATION = 'request_signals.receiver.duration';
const ATTR_SIGNAL_NAME = 'request_signals.signal';

export interface RequestMetricAttributes {
  /** http.server.active_requests' attributes: the same at the start and the end. */
  active: Attributes;
  protocolVersion: AttributeValue | undefined;
}

function addDefined(attributes: Attributes, key: string, value: AttributeValue | undefined): void {
  if (value !== undefined) attributes[key] = value;
}

export class ServerMetrics {
  /** False without a MeterProvider: then no attribute is built and no time is taken for metrics. */
  readonly recording: boolean;
  private readonly requestDuration: Histogram;
  private readonly activeRequests: UpDownCounter;
  private readonly receiverDuration: Histogram;

  constructor(meter: Meter) {
    this.requestDuration = meter.createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.activeRequests = meter.createUpDownCounter(METRIC_HTTP_SERVER_ACTIVE_REQUESTS, {
      description: 'Number of active HTTP server requests.',
      unit: '{request}',
    });
    this.receiverDuration = meter.createHistogram(METRIC_RECEIVER_DURATION, {
      description: 'Time the receivers of one request signal took for one request.',
      unit: 's',
      advice: { explicitBucketBoundaries: RECEIVER_BUCKETS },
    });
    this.recording = this.requestDuration.constructor !== NOOP_HISTOGRAM_CLASS;
  }

  /** What the metrics need from the request's start, kept on its record. */
  static startAttributes(normalizedMethod: string, scheme: string, httpVersion: string): RequestMetricAttributes {
    return {
      active: { [ATTR_HTTP_REQUEST_METHOD]: normalizedMethod, [ATTR_URL_SCHEME]: scheme },
      protocolVersion: httpVersion,
    };
  }

  requestStarted(start: RequestMetricAttributes): void {
    this.activeRequests.add(1, start.active);
  }

  requestEnded(start: RequestMetricAttributes, endAttributes: Attributes, durationMs: number): void {
    this.activeRequests.add(-1, start.active);
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: start.active[ATTR_HTTP_REQUEST_METHOD],
      [ATTR_URL_SCHEME]: start.active[ATTR_URL_SCHEME],
    };
    addDefined(attributes, ATTR_NETWORK_PROTOCOL_VERSION, start.protocolVersion);
    for (const key of [ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_ERROR_TYPE]) {
      addDefined(attributes, key, endAttributes[key]);
    }
    this.requestDuration.record(durationMs / 1000, attributes);
  }

  receiversRan(signalAttributes: Attributes, durationMs: number): void {
    this.receiverDuration.record(durationMs / 1000, signalAttributes);
  }

  /** The receiver metric's attributes for a signal, built once. */
  static signalAttributes(signalName: string): Attributes {
    return Object.freeze({ [ATTR_SIGNAL_NAME]: signalName });
  }
}
