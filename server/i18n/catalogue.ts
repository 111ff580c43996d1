/**
 * The one message catalogue: every text a person may read (errors, refusals, import reports,
 * problem lists, division flags), in Chinese and English, keyed by a stable identifier — the
 * error or flag `code` the API answers with, or `code.variant` where one code has several
 * messages. Texts take `{name}` parameters. Nothing else in the server writes a message.
 *
 * A test walks the catalogue: every key has both languages and the same parameters in each.
 */
import type { Lang } from './lang.js';

export interface Message {
  zh: string;
  en: string;
}

export const messages = {
  internal: { zh: '服务内部错误', en: 'Internal server error' },

  // The web client's day of work (issue 17): households per village, photos with incident steps.
  'not_a_village.households': { zh: '户数按村/社区统计；{code} 是{level}级区划', en: 'Households are counted per village/community; {code} is a {level}' },
  'invalid_property.photo': { zh: '照片不可用（{reason}）：请发送 JPEG 或 PNG 图片的 base64 文本', en: 'The photo cannot be used ({reason}): send a JPEG or PNG image as base64 text' },
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
