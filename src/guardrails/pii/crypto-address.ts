/**
 * Bitcoin legacy/P2SH addresses carry a double-SHA-256 checksum in their Base58 encoding; checking it
 * separates a wallet address from any 26–35 character alphanumeric token.
 */
import { createHash } from 'node:crypto';

const base58Alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58Values = new Map([...base58Alphabet].map((char, index) => [char, index]));

/** Decodes Base58 to bytes; undefined when a character is outside the alphabet. */
function decodeBase58(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const char of text) {
    const value = base58Values.get(char);
    if (value === undefined) return undefined;
    let carry = value;
    for (let index = 0; index < bytes.length; index += 1) {
      carry += (bytes[index] ?? 0) * 58;
      bytes[index] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

export function isValidBase58CheckAddress(address: string): boolean {
  const bytes = decodeBase58(address);
  if (bytes?.length !== 25) return false;
  const payload = bytes.subarray(0, 21);
  const first = createHash('sha256').update(payload).digest();
  const checksum = createHash('sha256').update(first).digest();
  return checksum.subarray(0, 4).equals(bytes.subarray(21));
}
