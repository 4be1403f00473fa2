/**
 * Scripted replies of the mock model (`mock.script` in a provider's config): the first rule whose
 * regular expression matches the last user message answers with its reply, where `$1`…`$9` insert the
 * captured groups and `$j1`…`$j9` insert them escaped for a JSON string. This lets demos and tests
 * script a fake assistant per question, or a fake judge that answers JSON, deterministically. Still a
 * fake model: nothing is judged, the rules only pattern-match.
 */
import type { ChatCompletionRequest } from '../canonical.js';
import { messageText } from './mock-tokens.js';

export interface MockScriptRule {
  match: string;
  reply: string;
}

export interface MockScript {
  /** The scripted reply for this request, or undefined when no rule matches. */
  replyFor(request: ChatCompletionRequest): string | undefined;
}

const groupReference = /\$(j?)([1-9])/g;

export function compileMockScript(rules: readonly MockScriptRule[]): MockScript {
  const compiled = rules.map((rule) => ({ pattern: new RegExp(rule.match, 's'), reply: rule.reply }));
  return {
    replyFor(request) {
      if (compiled.length === 0) return undefined;
      const last = [...request.messages].reverse().find((message) => message.role === 'user');
      const text = messageText(last?.content);
      for (const rule of compiled) {
        const match = rule.pattern.exec(text);
        if (match === null) continue;
        return rule.reply.replace(groupReference, (_, json: string, index: string) => {
          const group = match[Number(index)] ?? '';
          return json === 'j' ? JSON.stringify(group).slice(1, -1) : group;
        });
      }
      return undefined;
    },
  };
}
