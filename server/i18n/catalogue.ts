/**
 * The one message catalogue: every text a person may read (errors, refusals, import reports,
 * problem lists, division flags), in Chinese and English, keyed by a stable identifier — the
 * error or flag `code` the API answers with, or `code.variant` where one code has several
 * messages. Texts take `{name}` parameters. Nothing else in the server writes a message.
 *
 * A test walks the catalogue: every key has both languages and the same parameters in each.
 */
import type { Lang } from './lang.js';
import { staffMessages } from './staff-messages.js';

export interface Message {
  zh: string;
  en: string;
}

export const messages = {
  internal: { zh: '服务内部错误', en: 'Internal server error' },
  ...staffMessages,
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof messages;

export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A message not yet put into words: its key and parameters, rendered in the reader's language. */
export interface Text {
  readonly key: MessageKey;
  readonly params?: Params;
}

/** A message in one language, its `{name}` parameters filled in (a missing one stays visible). */
export function translate(text: Text, lang: Lang): string {
  const template = messages[text.key][lang];
  const params = text.params ?? {};
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** Shorthand where a message is made: `text('grid_not_found', { code })`. */
export function text(key: MessageKey, params?: Params): Text {
  return params ? { key, params } : { key };
}

/** The `{name}` parameters a template uses (for the catalogue's test). */
export function parametersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}
