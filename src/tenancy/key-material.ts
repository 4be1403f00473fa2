/**
 * Key material: keys are 32 random bytes (base62-ish base64url) after a fixed `ghk_` marker, shown
 * once at creation; only their SHA-256 is stored, with a short visible prefix for listings.
 */
import { createHash, randomBytes } from 'node:crypto';

export const keyMarker = 'ghk_';
const visiblePrefixLength = keyMarker.length + 8;

export interface NewKeyMaterial {
  /** The secret, returned to the creator once. */
  secret: string;
  hash: string;
  prefix: string;
}

export function generateKeyMaterial(): NewKeyMaterial {
  const secret = `${keyMarker}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashKey(secret), prefix: secret.slice(0, visiblePrefixLength) };
}

/** Hex SHA-256: the lookup key of the key directory and the stored `key_hash`. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** `ten_…`, `prj_…`, `key_…`, `aud_…`: 16 random characters after a type marker. */
export function newId(marker: 'ten' | 'prj' | 'key' | 'aud'): string {
  return `${marker}_${randomBytes(12).toString('base64url')}`;
}
