/**
 * `mask` on a stream: the spans the windowed checks found, in offsets of the whole answer so far,
 * applied to each chunk as it is released. A span's placeholder goes out with the chunk where the
 * span starts and the rest of its text is dropped, whichever chunks it spans. Text released before a
 * span was found cannot be called back: the stream's hold-back is what gives detection its head start.
 */
import type { Finding } from '../types.js';

interface Span {
  start: number;
  end: number;
  replacement: string;
}

export class StreamMasks {
  /** Sorted by start, not overlapping. */
  private spans: Span[] = [];

  get size(): number {
    return this.spans.length;
  }

  /** Adds findings of a window that starts at `offset`; overlapping spans merge (the wider wins). */
  add(findings: readonly Finding[], offset: number, replacement: (finding: Finding) => string): void {
    for (const finding of findings) {
      let span: Span = {
        start: finding.start + offset,
        end: finding.end + offset,
        replacement: replacement(finding),
      };
      const kept: Span[] = [];
      for (const existing of this.spans) {
        if (existing.end <= span.start || existing.start >= span.end) {
          kept.push(existing);
          continue;
        }
        const wider = existing.end - existing.start > span.end - span.start ? existing : span;
        span = {
          start: Math.min(existing.start, span.start),
          end: Math.max(existing.end, span.end),
          replacement: wider.replacement,
        };
      }
      kept.push(span);
      this.spans = kept.sort((a, b) => a.start - b.start);
    }
  }

  /** `text.slice(from, to)` with the spans masked. */
  apply(text: string, from: number, to: number): string {
    let result = '';
    let position = from;
    for (const span of this.spans) {
      if (span.end <= position) continue;
      if (span.start >= to) break;
      if (span.start >= position) {
        result += text.slice(position, span.start) + span.replacement;
      }
      position = Math.min(span.end, to);
    }
    return result + text.slice(position, to);
  }
}
