/**
 * Folds streamed chunks back into the completion they describe (content, tool calls, finish reasons,
 * usage), so a streamed call is recorded, costed and later cached like a non-streamed one.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  FinishReason,
  ToolCall,
  Usage,
} from '../providers/canonical.js';

interface ChoiceState {
  content: string;
  refusal: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
}

export class StreamCollector {
  private readonly choices: ChoiceState[] = [];
  private id = '';
  private model = '';
  private created = 0;
  usage: Usage | null = null;
  chunkCount = 0;

  add(chunk: ChatCompletionChunk): void {
    this.chunkCount++;
    if (this.id === '') {
      this.id = chunk.id;
      this.model = chunk.model;
      this.created = chunk.created;
    }
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const state = (this.choices[choice.index] ??= {
        content: '',
        refusal: '',
        toolCalls: [],
        finishReason: null,
      });
      const delta = choice.delta;
      if (typeof delta.content === 'string') state.content += delta.content;
      if (typeof delta.refusal === 'string') state.refusal += delta.refusal;
      if (delta.tool_calls) {
        for (const call of delta.tool_calls) {
          const existing = (state.toolCalls[call.index] ??= {
            id: '',
            type: 'function',
            function: { name: '', arguments: '' },
          });
          if (call.id) existing.id = call.id;
          if (call.function?.name) existing.function.name += call.function.name;
          if (call.function?.arguments) existing.function.arguments += call.function.arguments;
        }
      }
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
    }
  }

  /** True once some choice carried content or a tool call: the client has seen the answer begin. */
  hasOutput(): boolean {
    return this.choices.some((choice) => choice.content !== '' || choice.toolCalls.length > 0);
  }

  /** Whether every choice reported how it finished (a complete answer, safe to store). */
  isComplete(): boolean {
    return (
      this.choices.length > 0 &&
      this.choices.every((choice) => choice !== undefined && choice.finishReason !== null)
    );
  }

  toCompletion(): ChatCompletion {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: this.choices.map((state, index) => ({
        index,
        message: {
          role: 'assistant',
          content: state.content === '' && state.toolCalls.length > 0 ? null : state.content,
          ...(state.refusal === '' ? {} : { refusal: state.refusal }),
          ...(state.toolCalls.length === 0 ? {} : { tool_calls: state.toolCalls.filter(Boolean) }),
        },
        finish_reason: state.finishReason,
      })),
      ...(this.usage === null ? {} : { usage: this.usage }),
    };
  }
}
