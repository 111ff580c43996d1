/**
 * Errors of the domain, thrown by the data layer and the services without knowing HTTP: what
 * went wrong (an unknown thing, a conflict, a stale version, invalid input), a stable code, and
 * a catalogue message. The HTTP layer maps each kind to a status once (server/errors.ts).
 */
import type { Text } from './i18n/catalogue.js';

/**
 * not_found: no such thing; gone: it was retired or deleted; conflict: it clashes with what is
 * stored; stale: a write based on an old version; invalid: the input breaks a rule of the domain;
 * bad_input: the input is malformed; too_large: more than one operation may take; forbidden:
 * outside what the caller may touch; too_many: a quota is used up.
 */
export type DomainErrorKind = 'not_found' | 'gone' | 'conflict' | 'stale' | 'invalid' | 'bad_input' | 'too_large' | 'forbidden' | 'too_many';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly text: Text,
    readonly details?: unknown,
  ) {
    super(`${code}: ${text.key}`);
    this.name = 'DomainError';
  }
}

export const notFoundError = (code: string, text: Text, details?: unknown) => new DomainError('not_found', code, text, details);
export const goneError = (code: string, text: Text, details?: unknown) => new DomainError('gone', code, text, details);
export const conflictError = (code: string, text: Text, details?: unknown) => new DomainError('conflict', code, text, details);
export const staleError = (code: string, text: Text, details?: unknown) => new DomainError('stale', code, text, details);
export const invalidError = (code: string, text: Text, details?: unknown) => new DomainError('invalid', code, text, details);
export const badInputError = (code: string, text: Text, details?: unknown) => new DomainError('bad_input', code, text, details);
export const tooLargeError = (code: string, text: Text, details?: unknown) => new DomainError('too_large', code, text, details);
export const forbiddenError = (code: string, text: Text, details?: unknown) => new DomainError('forbidden', code, text, details);
