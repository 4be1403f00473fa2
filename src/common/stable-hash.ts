/**
 * Small, fast, stable string hashes: the mock model's deterministic ids and embeddings, and the sticky
 * per-user assignment of A/B splits, canaries and prompt experiments. Not cryptographic: they only need
 * the same input to give the same output on every run, process and replica.
 */

/** 32-bit FNV-1a over UTF-16 code units, offset by `salt` so one text yields independent hashes. */
export function hashString(text: string, salt = 0): number {
  let hash = (0x811c9dc5 ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3 fmix32) so similar inputs spread over all buckets.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A deterministic alphanumeric id of `length` characters derived from `text`.
 *
 * @example stableId('call_', 'weather|0', 24) // → 'call_' + 24 letters and digits, same on every run
 */
export function stableId(prefix: string, text: string, length: number): string {
  let id = prefix;
  for (let salt = 0; id.length < prefix.length + length; salt += 1) {
    let hash = hashString(text, salt);
    // Five characters from each 32-bit hash (62^5 < 2^32), so no character is biased by a short remainder.
    for (let taken = 0; taken < 5 && id.length < prefix.length + length; taken += 1) {
      id += alphabet[hash % alphabet.length] ?? 'x';
      hash = Math.floor(hash / alphabet.length);
    }
  }
  return id;
}

/**
 * A user's fixed place in [0, 1) for one `salt` (a split or experiment id), so assignment is sticky per
 * user across requests, restarts and replicas with no stored state.
 */
export function userBucket(user: string, salt: string): number {
  return hashString(`${salt}\u0000${user}`) / 0x1_0000_0000;
}
