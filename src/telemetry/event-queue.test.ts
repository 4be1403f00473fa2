/** The bulk writer's FIFO: order through take, shift, restore and compaction. */
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('keeps FIFO order through take, shift and restore', () => {
    const queue = new EventQueue<number>();
    for (let value = 1; value <= 10; value += 1) queue.push(value);
    expect(queue.shift()).toBe(1);
    const batch = queue.take(4);
    expect(batch).toEqual([2, 3, 4, 5]);
    expect(queue.length).toBe(5);
    queue.restore(batch);
    expect(queue.length).toBe(9);
    expect(queue.take(100)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(queue.shift()).toBeUndefined();
    expect(queue.take(3)).toEqual([]);
  });

  it('stays correct across compactions of a long-running queue', () => {
    const queue = new EventQueue<number>();
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round += 1) {
      for (let index = 0; index < 700; index += 1) queue.push(next++);
      seen.push(...queue.take(500));
      const shifted = queue.shift();
      if (shifted !== undefined) seen.push(shifted);
    }
    seen.push(...queue.take(Number.MAX_SAFE_INTEGER));
    expect(seen).toEqual(Array.from({ length: next }, (_, index) => index));
    expect(queue.length).toBe(0);
  });
});
