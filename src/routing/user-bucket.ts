/**
 * A user's fixed place in [0, 1): FNV-1a of the user id, so A/B and canary assignment is sticky per
 * user across requests, restarts and replicas, with no stored state.
 */
export function userBucket(user: string, salt: string): number {
  let hash = 0x811c9dc5;
  const text = `${salt}\u0000${user}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche step (murmur3's fmix32), so users differing in the last character spread out.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}
