import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../canonical.js';
import { toGeminiRequest } from './to-gemini-request.js';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Current weather',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
      additionalProperties: false,
    },
  },
};

describe('toGeminiRequest: messages', () => {
  it('moves system and developer messages to systemInstruction and maps roles', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'Weather?' },
      ],
    });
    expect(args).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: 'Bonjour' }] },
        { role: 'user', parts: [{ text: 'Weather?' }] },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('merges consecutive turns of the same role and warns about a system message mid-conversation', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'system', content: 'late rule' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
      ],
    });
    expect(args.contents).toEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }]);
    expect(args.systemInstruction).toEqual({ parts: [{ text: 'late rule' }] });
    expect(warnings.map((warning) => warning.param)).toEqual(['messages[1]']);
  });

  it('sends data: URLs inline and http URLs by reference with a guessed MIME type', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            {
              type: 'image_url',
              image_url: { url: 'https://example.com/cat.webp?size=large', detail: 'high' },
            },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'video_url', video_url: 'https://example.com/v.mp4' },
          ],
        },
      ],
    });
    expect(args.contents[0]?.parts).toEqual([
      { text: 'Compare' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { fileUri: 'https://example.com/cat.webp?size=large', mimeType: 'image/webp' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    ]);
    expect(warnings.map((warning) => warning.param)).toEqual([
      'messages[0].content[2].image_url.detail',
      'messages[0].content[4]',
    ]);
  });

  it('turns tool calls into functionCall parts and tool results into functionResponse parts named after the call', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'Weather in SF and Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":18}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'sunny, 24 degrees' },
      ],
    });
    expect(args.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in SF and Paris?' }] },
      {
        role: 'model',
        parts: [
          // Gemini 3 wants a thought signature on the first call of a step; OpenAI history has none.
          {
            functionCall: { name: 'weather', args: { location: 'San Francisco' } },
            thoughtSignature: 'skip_thought_signature_validator',
          },
          { functionCall: { name: 'weather', args: { location: 'Paris' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'weather', response: { content: { temperature: 18 } } } },
          { functionResponse: { name: 'weather', response: { content: { result: 'sunny, 24 degrees' } } } },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns when a tool result answers an unknown call or arguments are not a JSON object', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run', arguments: 'not json' } }],
        },
        { role: 'tool', tool_call_id: 'call_9', content: 'done' },
      ],
    });
    expect(args.contents[1]?.parts[0]).toMatchObject({ functionCall: { name: 'run', args: {} } });
    expect(args.contents[2]?.parts[0]).toEqual({
      functionResponse: { name: 'call_9', response: { content: { result: 'done' } } },
    });
    expect(warnings.map((warning) => warning.param)).toEqual([
      'messages[1].tool_calls[0].function.arguments',
      'messages[2].tool_call_id',
    ]);
  });
});

describe('toGeminiRequest: tools and options', () => {
  it('declares functions with cleaned schemas and maps tool_choice', () => {
    const cases: [ChatCompletionRequest['tool_choice'], unknown][] = [
      ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
      ['none', { functionCallingConfig: { mode: 'NONE' } }],
      ['required', { functionCallingConfig: { mode: 'ANY' } }],
      [
        { type: 'function', function: { name: 'weather' } },
        { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } },
      ],
    ];
    for (const [toolChoice, toolConfig] of cases) {
      const { args, warnings } = toGeminiRequest({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [
          weatherTool,
          { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: toolChoice,
      });
      expect(args.tools).toEqual([
        {
          functionDeclarations: [
            {
              name: 'weather',
              description: 'Current weather',
              parameters: {
                type: 'object',
                properties: { location: { type: 'string' } },
                required: ['location'],
              },
            },
            { name: 'now' },
          ],
        },
      ]);
      expect(args.toolConfig).toEqual(toolConfig);
      expect(warnings).toEqual([]);
    }
  });

  it('maps sampling parameters into generationConfig', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 200,
      stop: 'END',
      n: 2,
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(args.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 200,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
    });
    expect(warnings).toEqual([]);
  });

  it('asks for JSON output and sends a cleaned responseSchema for json_schema', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'A person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: ['integer', 'null'] } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(args.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'object',
        properties: { name: { type: 'string' }, age: { type: 'integer', nullable: true } },
        required: ['name', 'age'],
      },
    });
    expect(warnings).toEqual([]);
    const jsonObject = toGeminiRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_object' },
    });
    expect(jsonObject.args.generationConfig).toEqual({ responseMimeType: 'application/json' });
  });

  it('reports every field Gemini cannot honour instead of dropping it silently', () => {
    const { args, warnings } = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Hi', name: 'alice' }],
      logprobs: true,
      logit_bias: { 50256: -100 },
      user: 'user-1',
      parallel_tool_calls: false,
      tools: [
        {
          ...weatherTool,
          function: {
            ...weatherTool.function,
            strict: true,
            parameters: {
              type: 'object',
              properties: { q: { type: 'string' } },
              patternProperties: { '^x': {} },
            },
          },
        },
      ],
    });
    expect(args.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    expect(warnings.map((warning) => warning.param)).toEqual([
      'messages[0].name',
      'tools[0].function.strict',
      'tools[0].function.parameters',
      'parallel_tool_calls',
      'logprobs',
      'logit_bias',
      'user',
    ]);
    expect(warnings[2]?.message).toContain('patternProperties');
  });
});
