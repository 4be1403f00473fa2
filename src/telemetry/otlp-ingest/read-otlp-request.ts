/**
 * Reading an OTLP/HTTP trace export request, protobuf or JSON, into flat spans with plain attribute
 * values. The protobuf body is decoded into the OTLP/JSON shape first (ids hex, 64-bit integers as
 * strings), so both encodings share one reader. A malformed span is rejected alone (OTLP partial
 * success); a body that is not an export request at all is an error for the whole request.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import { exportTraceServiceRequest } from './otlp-protobuf-schema.js';

/** Attribute values as OTLP carries them, unwrapped from `AnyValue`. */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** Epoch ms (fractions kept). */
  startTime: number;
  endTime: number;
  attributes: Attributes;
  /** Resource attributes (`service.name`…). */
  resource: Attributes;
  events: { name: string; time: number; attributes: Attributes }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string | null;
}

export interface RejectedSpan {
  /** Position of the span in the request, `resourceSpans[i].scopeSpans[j].spans[k]`. */
  path: string;
  reason: string;
}

export interface OtlpReadResult {
  spans: OtlpSpan[];
  rejected: RejectedSpan[];
}

/** Decodes an `ExportTraceServiceRequest` in protobuf into the OTLP/JSON shape. */
export function decodeOtlpProtobuf(body: Buffer): unknown {
  let message;
  try {
    message = exportTraceServiceRequest.decode(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GatewayError('invalid_request', `The body is not an OTLP ExportTraceServiceRequest: ${detail}`);
  }
  const plain = exportTraceServiceRequest.toObject(message, { longs: String, bytes: String });
  // protobufjs renders bytes as base64; OTLP/JSON (and our reader) uses hex for ids.
  for (const resourceSpans of asArray((plain as { resourceSpans?: unknown }).resourceSpans)) {
    for (const scopeSpans of asArray(field(resourceSpans, 'scopeSpans'))) {
      for (const span of asArray(field(scopeSpans, 'spans'))) {
        const record = span as Record<string, unknown>;
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          if (typeof record[key] === 'string') {
            record[key] = Buffer.from(record[key], 'base64').toString('hex');
          }
        }
      }
    }
  }
  return plain;
}

/** Reads the spans of an export request in the OTLP/JSON shape. */
export function readOtlpRequest(body: unknown): OtlpReadResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The body must be an OTLP ExportTraceServiceRequest object.');
  }
  const spans: OtlpSpan[] = [];
  const rejected: RejectedSpan[] = [];
  asArray(field(body, 'resourceSpans')).forEach((resourceSpans, resourceIndex) => {
    const resource = readAttributes(field(field(resourceSpans, 'resource'), 'attributes'));
    asArray(field(resourceSpans, 'scopeSpans')).forEach((scopeSpans, scopeIndex) => {
      asArray(field(scopeSpans, 'spans')).forEach((span, spanIndex) => {
        const path = `resourceSpans[${resourceIndex}].scopeSpans[${scopeIndex}].spans[${spanIndex}]`;
        const read = readSpan(span, resource);
        if (typeof read === 'string') rejected.push({ path, reason: read });
        else spans.push(read);
      });
    });
  });
  return { spans, rejected };
}

const hex32 = /^[0-9a-f]{32}$/;
const hex16 = /^[0-9a-f]{16}$/;

/** The span, or why it is rejected. */
function readSpan(span: unknown, resource: Attributes): OtlpSpan | string {
  const traceId = normalizeId(field(span, 'traceId'));
  const spanId = normalizeId(field(span, 'spanId'));
  const parent = normalizeId(field(span, 'parentSpanId'));
  if (traceId === null || !hex32.test(traceId) || /^0+$/.test(traceId)) return 'invalid traceId';
  if (spanId === null || !hex16.test(spanId) || /^0+$/.test(spanId)) return 'invalid spanId';
  if (parent !== null && parent !== '' && !hex16.test(parent)) return 'invalid parentSpanId';
  const name = field(span, 'name');
  if (typeof name !== 'string' || name === '') return 'missing name';
  const startTime = nanosToMillis(field(span, 'startTimeUnixNano'));
  const endTime = nanosToMillis(field(span, 'endTimeUnixNano'));
  if (startTime === null || endTime === null) return 'invalid startTimeUnixNano or endTimeUnixNano';
  if (endTime < startTime) return 'endTimeUnixNano is before startTimeUnixNano';
  const status = field(span, 'status');
  const code = field(status, 'code');
  const message = field(status, 'message');
  return {
    traceId,
    spanId,
    parentSpanId: parent === null || parent === '' || /^0+$/.test(parent) ? null : parent,
    name,
    startTime,
    endTime,
    attributes: readAttributes(field(span, 'attributes')),
    resource,
    events: asArray(field(span, 'events')).map((event) => ({
      name: stringOr(field(event, 'name'), ''),
      time: nanosToMillis(field(event, 'timeUnixNano')) ?? startTime,
      attributes: readAttributes(field(event, 'attributes')),
    })),
    statusCode: statusCode(code),
    statusMessage: typeof message === 'string' && message !== '' ? message : null,
  };
}

// OTLP/JSON uses the enum's number, but some senders write its name.
function statusCode(code: unknown): number {
  if (typeof code === 'number') return code;
  if (code === 'STATUS_CODE_ERROR') return 2;
  if (code === 'STATUS_CODE_OK') return 1;
  return 0;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function normalizeId(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

/** Epoch nanoseconds (string or number) to epoch milliseconds with sub-millisecond fractions. */
function nanosToMillis(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value / 1e6;
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return null;
  const nanos = BigInt(value);
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}

function readAttributes(list: unknown): Attributes {
  const attributes: Attributes = {};
  for (const entry of asArray(list)) {
    const key = field(entry, 'key');
    if (typeof key === 'string') attributes[key] = readValue(field(entry, 'value'));
  }
  return attributes;
}

function readValue(value: unknown): AttributeValue {
  if (typeof value !== 'object' || value === null) return null;
  const any = value as Record<string, unknown>;
  if (typeof any.stringValue === 'string') return any.stringValue;
  if (typeof any.boolValue === 'boolean') return any.boolValue;
  if (any.intValue !== undefined) return Number(any.intValue);
  if (any.doubleValue !== undefined) return Number(any.doubleValue);
  if (any.arrayValue !== undefined) return asArray(field(any.arrayValue, 'values')).map(readValue);
  if (any.kvlistValue !== undefined) return readAttributes(field(any.kvlistValue, 'values'));
  if (typeof any.bytesValue === 'string') return any.bytesValue;
  return null;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
