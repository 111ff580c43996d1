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

  // Auto-division (issue 14): a proposal's flags and crossings, named after the grid and the
  // road or river; the adjustment's refusals. Keys: division.flag.<code>[.<variant>],
  // division.crossing.<reason>, division.kind.<barrier kind>.
  'division.flag.above_max': {
    zh: '第{number}网格{households}户，超过{max}户：所在楼栋或小区内没有可沿之划分而不拆开楼栋的线',
    en: 'Grid {number}: {households} households, more than {max}, in a block, building or compound that has no line to divide it along without splitting a building',
  },
  'division.flag.below_min.isolated': {
    zh: '第{number}网格仅{households}户，少于{min}户：相邻网格并入后会跨越河流、水域或铁路，或超过{max}户',
    en: 'Grid {number}: {households} households, fewer than {min}, and no neighbour could take it without crossing a river, water or rail or exceeding {max}',
  },
  'division.flag.below_min.whole_area': {
    zh: '第{number}网格仅{households}户：整个区域不足{min}户',
    en: 'Grid {number}: {households} households: the whole area has fewer than {min}',
  },
  'division.flag.crosses_barrier': { zh: '第{number}网格内有{place} {lengthM} m', en: 'Grid {number} contains {lengthM} m of {place}' },
  'division.flag.not_contiguous': {
    zh: '第{number}网格分为{parts}块（由楼栋或小区相连）',
    en: 'Grid {number} is in {parts} separate parts (a building or compound joins them)',
  },
  'division.crossing.joined': {
    zh: '第{number}网格内有{place} {lengthM} m：为使户数在范围内而跨越',
    en: 'Grid {number} contains {lengthM} m of {place}: joined across it to bring households within range',
  },
  'division.crossing.spanned': {
    zh: '第{number}网格内有{place} {lengthM} m：楼栋或小区跨越该线',
    en: 'Grid {number} contains {lengthM} m of {place}: a building or compound spans it',
  },
  'division.crossing.dead_end': {
    zh: '第{number}网格内有{place} {lengthM} m：该线在网格内中断',
    en: 'Grid {number} contains {lengthM} m of {place}: the line ends inside the grid',
  },
  'division.kind.major_road': { zh: '主干道', en: 'a major road' },
  'division.kind.river': { zh: '河流', en: 'a river' },
  'division.kind.water': { zh: '水域', en: 'water' },
  'division.kind.rail': { zh: '铁路', en: 'a railway' },
  no_grids: {
    zh: '{region}没有现行的基础网格可调整：请先划分（不带 adjust）',
    en: '{region} has no live basic grids to adjust: divide it first (without adjust)',
  },
  grids_overlap: {
    zh: '{region}的现行网格{a}与{b}重叠{m2} m²：请先修正重叠再调整',
    en: 'The live grids {a} and {b} of {region} overlap by {m2} m²: fix the overlap before adjusting',
  },
  no_addresses: {
    zh: '{region}内没有登记的标准地址：请先导入地址，或按楼栋划分',
    en: '{region} has no registered standard addresses: import them first, or divide by buildings',
  },

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
