/**
 * A conversation as the input checks see it: one text segment per message string or text part, with
 * its role, so a check can look at some roles only and masking can write each segment back in place.
 */
import type { ChatMessage, ContentPart } from '../../providers/canonical.js';

export interface TextSegment {
  message: number;
  /** Index of the text part, or null for a string `content`. */
  part: number | null;
  role: string;
  text: string;
}

export function messageSegments(messages: readonly ChatMessage[]): TextSegment[] {
  const segments: TextSegment[] = [];
  messages.forEach((message, index) => {
    const content = message.content;
    if (typeof content === 'string')
      segments.push({ message: index, part: null, role: message.role, text: content });
    else if (Array.isArray(content)) {
      content.forEach((part, partIndex) => {
        if (part.type === 'text' && typeof part.text === 'string') {
          segments.push({ message: index, part: partIndex, role: message.role, text: part.text });
        }
      });
    }
  });
  return segments;
}

/** The messages with some segments' text replaced; untouched messages are shared, not copied. */
export function withSegmentTexts(
  messages: readonly ChatMessage[],
  replaced: ReadonlyMap<TextSegment, string>,
): ChatMessage[] {
  if (replaced.size === 0) return [...messages];
  const result = [...messages];
  for (const [segment, text] of replaced) {
    const message = result[segment.message];
    if (message === undefined) continue;
    if (segment.part === null) {
      result[segment.message] = { ...message, content: text };
    } else if (Array.isArray(message.content)) {
      const parts: ContentPart[] = [...message.content];
      parts[segment.part] = { type: 'text', text };
      result[segment.message] = { ...message, content: parts };
    }
  }
  return result;
}
