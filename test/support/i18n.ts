/** Messages as an English reader gets them: tests of pure modules read their Texts this way. */
import { localize, translate, type Text } from '../../server/i18n/catalogue.js';

export function en(message: Text | string | undefined): string {
  if (message === undefined) return '';
  return typeof message === 'string' ? message : translate(message, 'en');
}

export function zh(message: Text | string | undefined): string {
  if (message === undefined) return '';
  return typeof message === 'string' ? message : translate(message, 'zh');
}

/** A value with every Text in it in English. */
export function inEnglish<T>(value: T) {
  return localize(value, 'en');
}
