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

  // Access and hardening (issue 13)
  invalid_path: { zh: '请求路径无效（百分号转义有误或含有控制字符）', en: 'The request path is malformed (a broken percent-escape or a control character)' },
  invalid_key: { zh: 'API 密钥不存在或已被吊销', en: 'The API key is unknown or has been revoked' },
  rate_limited: { zh: '请求过于频繁：每秒最多 {rate} 次（突发 {burst} 次），请 {seconds} 秒后重试', en: 'Too many requests: at most {rate} a second (bursts of {burst}); retry in {seconds} s' },
  too_many_failed_keys: { zh: '来自此地址的无效密钥过多，请 {seconds} 秒后重试', en: 'Too many unknown keys from this address; retry in {seconds} s' },
  invalid_query_text: { zh: '查询参数“{name}”含有无法存储的字符（NUL 或孤立的 UTF-16 代理项）', en: 'Query parameter "{name}" contains text that cannot be stored (a NUL or a lone UTF-16 surrogate)' },
  outside_parent: { zh: '该区划有 {area} 平方米超出上级区划 {parent}（容差 {tolerance} 米）', en: 'The region reaches {area} m² outside its parent region {parent} (tolerance {tolerance} m)' },
  too_many_buildings: { zh: '一次划分最多 {limit} 栋建筑，本次有 {buildings} 栋：请按村/社区分别划分', en: 'One division takes at most {limit} buildings, this one has {buildings}: divide one village/community at a time' },
  invalid_number: { zh: '请求体中有一个数值超出范围（如 1e309，读出来是无穷大）', en: 'A number in the body is out of range (such as 1e309, which reads as infinity)' },
  unexpected_body: { zh: '此接口不接受请求体', en: 'This endpoint takes no request body' },
  'invalid_header.actor_control': { zh: 'X-Actor 不能含有换行、控制字符或双向文本控制符', en: 'X-Actor must not contain line breaks, control characters or bidirectional text controls' },
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
