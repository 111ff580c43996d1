/**
 * API key strings. A key is 32 random bytes: far too many to guess, so a plain SHA-256 is the
 * right way to store it (a slow password hash buys nothing against 256 bits of entropy and would
 * cost every request). The key's id is a short public handle for listing, revoking and the
 * audit log; the secret is shown once, when the key is made.
 */
import { createHash, randomBytes } from 'node:crypto';

const KEY_PATTERN = /^gg_[A-Za-z0-9_-]{43}$/;

export interface NewKeySecret {
  id: string;
  key: string;
  hash: string;
}

export function newKeySecret(): NewKeySecret {
  const key = `gg_${randomBytes(32).toString('base64url')}`;
  return { id: `k_${randomBytes(6).toString('hex')}`, key, hash: hashKey(key) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Whether a string can be a key. Operators may also choose their own bootstrap key
 * (GRIDGOV_ADMIN_KEY), which only has to be long enough not to be guessed.
 */
export function looksLikeKey(value: string): boolean {
  return KEY_PATTERN.test(value) || (value.length >= 24 && value.length <= 256 && /^[\x21-\x7e]+$/.test(value));
}
