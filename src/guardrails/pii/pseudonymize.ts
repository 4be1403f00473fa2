/**
 * Masking with typed placeholders, and reversible pseudonymisation: the model sees `<EMAIL_1>`, the
 * vault remembers what it stood for, and the answer — whole or streamed — gets the original back.
 * The same value always gets the same placeholder within a request, so the model can still tell
 * "the same email twice" from "two emails".
 */
import type { Finding } from '../types.js';

/** `<LABEL_N>` placeholders; labels are upper-case words joined by `_`. */
const placeholderPattern = /<([A-Z][A-Z_]*_\d+)>/g;
/** The longest a placeholder may be; a stream holds back at most this many characters. */
const maxPlaceholderLength = 40;

export class PseudonymVault {
  private readonly placeholders = new Map<string, string>();
  private readonly originals = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  /** The placeholder standing for `value` of kind `label` (`EMAIL`), created on first use. */
  placeholderFor(label: string, value: string): string {
    const key = `${label}\u0000${value}`;
    const known = this.placeholders.get(key);
    if (known !== undefined) return known;
    const count = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, count);
    const placeholder = `<${label}_${count}>`;
    this.placeholders.set(key, placeholder);
    this.originals.set(placeholder, value);
    return placeholder;
  }

  get size(): number {
    return this.originals.size;
  }

  /** Puts the originals back; placeholders the vault never issued are left as they are. */
  restore(text: string): string {
    if (this.originals.size === 0 || !text.includes('<')) return text;
    return text.replace(placeholderPattern, (placeholder) => this.originals.get(placeholder) ?? placeholder);
  }
}

/**
 * Replaces each finding's span with `replacement(finding)`; findings must not overlap (detectors
 * resolve overlaps) and may come in any order.
 */
export function replaceFindings(
  text: string,
  findings: readonly Finding[],
  replacement: (finding: Finding) => string,
): string {
  if (findings.length === 0) return text;
  const ordered = [...findings].sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const finding of ordered) {
    if (finding.start < cursor) continue;
    result += text.slice(cursor, finding.start) + replacement(finding);
    cursor = finding.end;
  }
  return result + text.slice(cursor);
}

/**
 * Restores placeholders in a stream of text deltas. A placeholder can be split across deltas
 * (`<EMA` + `IL_1>`), so a trailing `<…` that could still become one is held back until the next
 * delta shows what it is (or the stream ends).
 */
export class StreamRestorer {
  private pending = '';

  constructor(private readonly vault: PseudonymVault) {}

  /** The restored text that is safe to send now. */
  push(delta: string): string {
    const text = this.pending + delta;
    const open = text.lastIndexOf('<');
    if (open >= 0 && text.length - open <= maxPlaceholderLength && /^<[A-Z_0-9]*$/.test(text.slice(open))) {
      this.pending = text.slice(open);
      return this.vault.restore(text.slice(0, open));
    }
    this.pending = '';
    return this.vault.restore(text);
  }

  /** Whatever was held back, at the end of the stream. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return this.vault.restore(rest);
  }
}
