/**
 * Errors of the domain, thrown by the data layer and the services without knowing HTTP: what
 * went wrong (an unknown thing, a conflict, a stale version, invalid input), a stable code, and
 * a catalogue message. The HTTP layer maps each kind to a status once (server/errors.ts).
 */
import type { Text } from './i18n/catalogue.js';

export type DomainErrorKind = 'not_found' | 'gone' | 'conflict' | 'stale' | 'invalid' | 'forbidden' | 'too_many';

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
