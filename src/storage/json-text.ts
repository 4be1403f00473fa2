/** JSON in text columns: NUL characters (which PostgreSQL text rejects) escaped away, parse on read. */

export function toJsonText(value: unknown): string {
  return storableText(JSON.stringify(value));
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Model output may contain NUL; PostgreSQL text cannot store it. */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}
