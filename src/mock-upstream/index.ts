/**
 * The mock upstream's public surface: a FAKE model server (never a real model) for demos, tests and
 * load tests, speaking the OpenAI, Azure OpenAI, Gemini and Anthropic wire formats.
 */
export { startMockUpstream } from './server.js';
export type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './types.js';
