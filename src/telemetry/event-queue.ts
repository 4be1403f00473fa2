/**
 * The bulk writer's buffer: a FIFO with O(1) amortized push and shift (Array#shift is O(n), which the
 * data plane cannot pay per event at a 100,000-event queue).
 */
export class EventQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    // Release the reference now: the slot lingers until the next compaction.
    this.items[this.head] = undefined;
    this.head += 1;
    this.compact();
    return item;
  }

  /** Removes and returns up to `count` of the oldest items, oldest first. */
  take(count: number): T[] {
    const end = Math.min(this.head + count, this.items.length);
    // Slots between head and end always hold items.
    const taken = this.items.slice(this.head, end) as T[];
    this.items.fill(undefined, this.head, end);
    this.head = end;
    this.compact();
    return taken;
  }

  /** Puts items back in front of the others (a batch that could not be written), keeping their order. */
  restore(items: readonly T[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  // Drop consumed slots once they are the larger half, so memory stays bounded by twice the content.
  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
