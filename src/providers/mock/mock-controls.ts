/**
 * Behaviour controls for the mock model, read from request headers: one parser shared by the
 * in-process mock adapter (headers from the provider config or the call) and the mock upstream
 * server (headers of each HTTP request), so a test can steer either the same way. All of this is
 * for fake models in demos, tests and load tests.
 *
 * | header | effect |
 * |---|---|
 * | `x-mock-latency-ms` | delay before the answer (before headers, or the first chunk) |
 * | `x-mock-tokens-per-second` | stream pacing |
 * | `x-mock-fail-status` | fail with that status (429 also sends `retry-after: 1`) |
 * | `x-mock-fail-message` | the failure's message |
 * | `x-mock-cut-after-chunks` | send that many stream events, then break the stream (the upstream server also cuts a JSON answer in half) |
 * | `x-mock-reply` | fixed reply text (percent-encode non-ASCII); `{{system}}` in it becomes the request's system prompt |
 * | `x-mock-reply-sequence` | JSON array of replies: the request with N assistant turns gets the Nth (the last when N is larger) — a model that answers badly, then well when asked again |
 */

export interface MockControls {
  latencyMs?: number;
  tokensPerSecond?: number;
  failStatus?: number;
  failMessage?: string;
  cutAfterChunks?: number;
  reply?: string;
  replySequence?: string[];
}

export type HeaderValues = Record<string, string | string[] | undefined>;

/** Reads the `x-mock-*` headers; `headers` keys must be lower case (as node:http gives them). */
export function readMockControls(headers: HeaderValues): MockControls {
  const controls: MockControls = {};
  const latencyMs = readNumber(headers['x-mock-latency-ms'], 0);
  if (latencyMs !== undefined) controls.latencyMs = latencyMs;
  const tokensPerSecond = readNumber(headers['x-mock-tokens-per-second'], Number.MIN_VALUE);
  if (tokensPerSecond !== undefined) controls.tokensPerSecond = tokensPerSecond;
  const failStatus = readNumber(headers['x-mock-fail-status'], 100);
  if (failStatus !== undefined && failStatus <= 599) controls.failStatus = Math.floor(failStatus);
  const failMessage = readText(headers['x-mock-fail-message']);
  if (failMessage !== undefined) controls.failMessage = failMessage;
  const cutAfterChunks = readNumber(headers['x-mock-cut-after-chunks'], 0);
  if (cutAfterChunks !== undefined) controls.cutAfterChunks = Math.floor(cutAfterChunks);
  const reply = readText(headers['x-mock-reply']);
  if (reply !== undefined) controls.reply = reply;
  const sequence = readReplySequence(readText(headers['x-mock-reply-sequence']));
  if (sequence !== undefined) controls.replySequence = sequence;
  return controls;
}

/** Lower-cases header names from a config or call, whose keys may be written in any case. */
export function lowerCaseHeaders(...sources: (Record<string, string> | undefined)[]): HeaderValues {
  const result: HeaderValues = {};
  for (const source of sources) {
    for (const [name, value] of Object.entries(source ?? {})) result[name.toLowerCase()] = value;
  }
  return result;
}

/** The default message of a simulated failure, saying plainly that it is one. */
export function failureMessage(controls: MockControls, status: number): string {
  return controls.failMessage ?? `[mock] Simulated upstream failure with status ${status}.`;
}

function readReplySequence(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((item) => typeof item === 'string')) {
      return parsed;
    }
  } catch {
    // Not a JSON array: ignored like any malformed control.
  }
  return undefined;
}

function readNumber(value: string | string[] | undefined, minimum: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = Number(text);
  return Number.isFinite(parsed) && parsed >= minimum ? parsed : undefined;
}

function readText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (text === undefined) return undefined;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // Not percent-encoding after all (`100%`): keep the text as sent.
    return text;
  }
}
