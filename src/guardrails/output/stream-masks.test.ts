import { describe, expect, it } from 'vitest';
import { StreamMasks } from './stream-masks.js';

const text = 'mail jane@example.com or call 555-0100 now';
const email = { type: 'EMAIL_ADDRESS', start: 5, end: 21, score: 1 };

describe('StreamMasks', () => {
  it('masks a span cut across chunks: the placeholder where it starts, the rest dropped', () => {
    const masks = new StreamMasks();
    masks.add([email], 0, () => '<EMAIL>');
    // Chunks [0,10), [10,25), [25,end).
    const chunks = [masks.apply(text, 0, 10), masks.apply(text, 10, 25), masks.apply(text, 25, text.length)];
    expect(chunks).toEqual(['mail <EMAIL>', ' or ', 'call 555-0100 now']);
  });

  it('takes window offsets and merges a span found again, wider, in a later window', () => {
    const masks = new StreamMasks();
    masks.add([{ ...email, end: 18 }], 0, () => '<URL>');
    // A later window starting at 3 finds the whole address.
    masks.add([{ ...email, start: 2, end: 18 }], 3, () => '<EMAIL>');
    expect(masks.size).toBe(1);
    expect(masks.apply(text, 0, text.length)).toBe('mail <EMAIL> or call 555-0100 now');
  });
});
