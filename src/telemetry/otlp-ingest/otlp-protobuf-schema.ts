/**
 * The OTLP trace messages (opentelemetry-proto `collector/trace/v1/trace_service.proto` and the
 * `trace`, `resource`, `common` messages it uses) as a protobufjs reflection root, with the field
 * numbers and types of the published .proto files. Written as a descriptor rather than loaded from
 * .proto files so the build ships no extra assets; the OpenTelemetry JS exporter's own payloads are
 * decoded in the tests (test/otlp-ingest.e2e.test.ts), which is what keeps these numbers honest.
 */
import protobuf from 'protobufjs';

const keyValues = { rule: 'repeated', type: 'KeyValue' } as const;

const descriptor = {
  nested: {
    otlp: {
      nested: {
        ExportTraceServiceRequest: { fields: { resourceSpans: { ...repeated('ResourceSpans'), id: 1 } } },
        ExportTraceServiceResponse: {
          fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } },
        },
        ExportTracePartialSuccess: {
          fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
        },
        ResourceSpans: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeSpans: { ...repeated('ScopeSpans'), id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        Resource: {
          fields: { attributes: { ...keyValues, id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } },
        },
        ScopeSpans: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            spans: { ...repeated('Span'), id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { ...keyValues, id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Span: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            parentSpanId: { type: 'bytes', id: 4 },
            flags: { type: 'fixed32', id: 16 },
            name: { type: 'string', id: 5 },
            kind: { type: 'int32', id: 6 },
            startTimeUnixNano: { type: 'fixed64', id: 7 },
            endTimeUnixNano: { type: 'fixed64', id: 8 },
            attributes: { ...keyValues, id: 9 },
            droppedAttributesCount: { type: 'uint32', id: 10 },
            events: { ...repeated('Event'), id: 11 },
            droppedEventsCount: { type: 'uint32', id: 12 },
            links: { ...repeated('Link'), id: 13 },
            droppedLinksCount: { type: 'uint32', id: 14 },
            status: { type: 'Status', id: 15 },
          },
        },
        Event: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            name: { type: 'string', id: 2 },
            attributes: { ...keyValues, id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Link: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            attributes: { ...keyValues, id: 4 },
            droppedAttributesCount: { type: 'uint32', id: 5 },
            flags: { type: 'fixed32', id: 6 },
          },
        },
        Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
        KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { ...repeated('AnyValue'), id: 1 } } },
        KeyValueList: { fields: { values: { ...keyValues, id: 1 } } },
      },
    },
  },
};

function repeated(type: string): { rule: 'repeated'; type: string } {
  return { rule: 'repeated', type };
}

const root = protobuf.Root.fromJSON(descriptor);

export const exportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
export const exportTraceServiceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
