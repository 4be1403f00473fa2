/**
 * Reading a chat trace's captured content (`input: { messages }`, `output: [message…]`) for evals: the
 * user's question, the answer text, and the trace as a dataset item, so a production failure becomes a
 * regression case.
 */
import type { TraceRecord } from '../../telemetry/model.js';
import type { DatasetItem } from './dataset-item.js';

interface CapturedMessage {
  role?: unknown;
  content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

function messagesOf(trace: TraceRecord): CapturedMessage[] {
  const input = trace.input as { messages?: unknown } | null;
  return Array.isArray(input?.messages) ? (input.messages as CapturedMessage[]) : [];
}

/** The last user message, or '' when the trace captured none. */
export function traceQuestion(trace: TraceRecord): string {
  const last = messagesOf(trace)
    .filter((message) => message.role === 'user')
    .at(-1);
  return textOf(last?.content);
}

/** The first choice's text, or null when the trace has no captured answer. */
export function traceAnswer(trace: TraceRecord): string | null {
  if (!Array.isArray(trace.output)) return null;
  const first = trace.output[0] as CapturedMessage | undefined;
  return first === undefined ? null : textOf(first.content);
}

/**
 * The trace as an item: the question and the whole conversation as input, the answer it got kept in
 * metadata (not as `expected`: a failing answer is not the reference).
 */
export function traceToDatasetItem(trace: TraceRecord): DatasetItem {
  return {
    id: `trace-${trace.id}`,
    input: { question: traceQuestion(trace), messages: messagesOf(trace) },
    metadata: {
      trace_id: trace.id,
      model: trace.model,
      status: trace.status,
      answer: traceAnswer(trace),
      ...(trace.errorMessage === null ? {} : { error: trace.errorMessage }),
    },
  };
}
