/**
 * The Gemini API (Generative Language API v1beta) wire format: zod schemas for what Google sends back,
 * plain types for what the gateway sends. Response schemas are loose objects and enums are strings,
 * because Google adds fields and finish reasons without a version bump; unknown values must not fail
 * a call that the gateway can still translate.
 *
 * Reference: https://ai.google.dev/api/generate-content and https://ai.google.dev/api/embeddings
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Requests (built by the gateway, so types are enough)
// ---------------------------------------------------------------------------------------------------

export interface GeminiFunctionCall {
  name: string;
  args: Record<string, unknown>;
}

export type GeminiPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: GeminiFunctionCall; thoughtSignature?: string }
  | { functionResponse: { name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** Gemini's OpenAPI 3.0 subset of JSON Schema (https://ai.google.dev/api/caching#Schema). */
export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: GeminiFunctionDeclaration[] }[];
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
  };
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiEmbedContentRequest {
  /** `models/{model}`: must match the model in the URL. */
  model: string;
  content: { parts: { text: string }[] };
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedContentsRequest {
  requests: GeminiEmbedContentRequest[];
}

// ---------------------------------------------------------------------------------------------------
// Responses (untrusted input: parsed)
// ---------------------------------------------------------------------------------------------------

const partSchema = z.looseObject({
  text: z.string().optional(),
  /** True on a thought summary part (thinking models with `includeThoughts`); never user-facing text. */
  thought: z.boolean().optional(),
  functionCall: z
    .looseObject({
      name: z.string(),
      // Gemini omits `args` for a call without arguments.
      args: z.record(z.string(), z.unknown()).nullish(),
    })
    .optional(),
  thoughtSignature: z.string().optional(),
});

export type GeminiResponsePart = z.infer<typeof partSchema>;

const candidateSchema = z.looseObject({
  content: z
    .looseObject({
      role: z.string().optional(),
      // A candidate stopped by a safety filter can come without parts.
      parts: z.array(partSchema).nullish(),
    })
    .nullish(),
  /**
   * STOP, MAX_TOKENS, SAFETY, RECITATION, LANGUAGE, OTHER, BLOCKLIST, PROHIBITED_CONTENT, SPII,
   * MALFORMED_FUNCTION_CALL, IMAGE_SAFETY, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS… (open set).
   */
  finishReason: z.string().nullish(),
  finishMessage: z.string().nullish(),
  index: z.number().int().nullish(),
});

export type GeminiCandidate = z.infer<typeof candidateSchema>;

export const geminiUsageMetadataSchema = z.looseObject({
  /** Includes the cached part of the prompt. */
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  /** Tokens of tool results Google fed back into the prompt (search grounding, code execution). */
  toolUsePromptTokenCount: z.number().nullish(),
});

export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;

export const geminiGenerateContentResponseSchema = z.looseObject({
  candidates: z.array(candidateSchema).nullish(),
  promptFeedback: z
    .looseObject({
      /** SAFETY, OTHER, BLOCKLIST, PROHIBITED_CONTENT, IMAGE_SAFETY… (open set). */
      blockReason: z.string().nullish(),
    })
    .nullish(),
  usageMetadata: geminiUsageMetadataSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

export type GeminiGenerateContentResponse = z.infer<typeof geminiGenerateContentResponseSchema>;

export const geminiBatchEmbedContentsResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  /** Sent by newer embedding models only. */
  usageMetadata: z.looseObject({ promptTokenCount: z.number().nullish() }).nullish(),
});

export type GeminiBatchEmbedContentsResponse = z.infer<typeof geminiBatchEmbedContentsResponseSchema>;
