/**
 * The one message catalogue: every text a person may read (errors, refusals, import reports,
 * problem lists, division flags), in Chinese and English, keyed by a stable identifier — the
 * error or flag `code` the API answers with, or `code.variant` where one code has several
 * messages. Texts take `{name}` parameters. Nothing else in the server writes a message.
 *
 * The messages live in blocks by feature (server/i18n/messages/*.ts, and blocks written here),
 * so that work on one feature adds keys without touching another's. A test walks the
 * catalogue: every key has both languages and the same parameters in each, and no key is
 * defined twice.
 *
 * A `Text` is plain data (`{ key, params }`): it can be stored (a division's flags are) and
 * sent between threads, and is put into words only when answered, in the reader's language
 * (`translate`, `localize`). This module is a leaf — it imports nothing of the app — so every
 * floor, pure geometry included, may name its messages here.
 */
import type { Lang } from './lang.js';
import { staffMessages } from './messages/staff.js';
import { commonMessages } from './messages/common.js';
import { geometryMessages } from './messages/geometry.js';
import { divisionMessages } from './messages/divisions.js';
import { regionMessages } from './messages/regions.js';
import { importMessages } from './messages/imports.js';
import { gridMessages } from './messages/grids.js';
import { addressMessages } from './messages/addresses.js';
import { incidentMessages } from './messages/incidents.js';
import { serviceMessages } from './messages/services.js';
import { accessMessages } from './messages/access.js';

export interface Message {
  zh: string;
  en: string;
}

/** Every block of the catalogue; `messages` is their union (the test checks no key repeats). */
export const blocks = {
  common: commonMessages,
  geometry: geometryMessages,
  divisions: divisionMessages,
  regions: regionMessages,
  imports: importMessages,
  grids: gridMessages,
  addresses: addressMessages,
  incidents: incidentMessages,
  services: serviceMessages,
  access: accessMessages,
  staff: staffMessages,
} satisfies Record<string, Record<string, Message>>;

export const messages = {
  internal: { zh: '服务内部错误', en: 'Internal server error' },
  ...staffMessages,
  ...commonMessages,
  ...geometryMessages,
  ...divisionMessages,
  ...regionMessages,
  ...importMessages,
  ...gridMessages,
  ...addressMessages,
  ...incidentMessages,
  ...serviceMessages,
  ...accessMessages,

  // Auto-division (issue 14): a proposal's flags and crossings, named after the grid and the
  // road or river; the adjustment's refusals. Keys: division.flag.<code>[.<variant>],
  // division.crossing.<reason>, division.kind.<barrier kind>.
  'division.flag.above_max': {
    zh: '第{number}网格{households}户，超过{max}户：所在楼栋或小区内没有可沿之划分而不拆开楼栋的线',
    en: 'Grid {number}: {households} households, more than {max}, in a block, building or compound that has no line to divide it along without splitting a building',
  },
  // Notes (issue 14): what a planner should know about a grid but cannot mend by redrawing it.
  'division.note.above_max.one_building': {
    zh: '第{number}网格为一栋楼，{households}户，超过{max}户：网格边界不拆分楼栋，无需重新划分',
    en: 'Grid {number} is one building of {households} households, more than {max}: a grid border never splits a building, so there is nothing to redraw',
  },
  'division.note.above_max.one_compound': {
    zh: '第{number}网格为一个小区，{households}户，超过{max}户：网格边界不拆分小区，无需重新划分',
    en: 'Grid {number} is one compound of {households} households, more than {max}: a grid border never splits a compound, so there is nothing to redraw',
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
    zh: '第{number}网格内有{place} {lengthM} m：该线在网格内中断，未将网格分开',
    en: 'Grid {number} contains {lengthM} m of {place}: the line ends inside the grid and does not divide it',
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

  // Special grid candidates (issue 14g): large land without homes proposed as a special grid
  // (server/geo/divide/stages/specials.ts); {typeWord} is division.special_type.<specialType>.
  'division.note.special_candidate': {
    zh: '第{number}网格无住户（{areaHa} 公顷，{typeWord}），建议设为专属网格；如不设，可并入相邻基础网格',
    en: 'Grid {number} has no households ({areaHa} ha, {typeWord}): proposed as a special grid; if it is not one, merge it into a neighbouring basic grid',
  },
  'division.special_type.school': { zh: '学校', en: 'school' },
  'division.special_type.hospital': { zh: '医院', en: 'hospital' },
  'division.special_type.market': { zh: '市场', en: 'market' },
  'division.special_type.park': { zh: '公园', en: 'park' },
  'division.special_type.scenic': { zh: '景区', en: 'scenic area' },
  'division.special_type.industrial': { zh: '工业园区', en: 'industrial area' },
  'division.special_type.other': { zh: '用途不明', en: 'use unknown' },
  'invalid_parameter.special_candidates': {
    zh: 'specialCandidates 须为 false 或 {minAreaHa, minShare}（minAreaHa 为大于 0 的公顷数，默认 {minAreaHa}；minShare 为 0 到 1 的比例，默认 {minShare}），收到 {got}',
    en: 'specialCandidates must be false or {minAreaHa, minShare} (minAreaHa: hectares above 0, default {minAreaHa}; minShare: a share from 0 to 1, default {minShare}), got {got}',
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

  // Scale out (issue 19)
  no_thumbnail: { zh: '快照 {id} 没有缩略图：其像素无法解码（{reason}）；原图仍保存', en: 'Snapshot {id} has no thumbnail: its pixels cannot be decoded ({reason}); the original is kept' },
  event_expired: { zh: '事件发生于 {at}，早于保留期（{days} 天）：不再接收', en: 'The event occurred at {at}, before the events kept ({days} days): not accepted' },

  // The web client's day of work (issue 17): households per village, photos with incident steps.
  'not_a_village.households': { zh: '户数按村/社区统计；{code} 是{level}级区划', en: 'Households are counted per village/community; {code} is a {level}' },
  'invalid_property.photo': { zh: '照片不可用（{reason}）：请发送 JPEG 或 PNG 图片的 base64 文本', en: 'The photo cannot be used ({reason}): send a JPEG or PNG image as base64 text' },
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof messages;

/**
 * A parameter: a value written as it is, another Text (put into words in the same language),
 * or a list (joined with 、 in Chinese, ", " in English).
 */
export type ParamValue = string | number | boolean | null | undefined | Text | readonly (string | number | Text)[];
export type Params = Readonly<Record<string, ParamValue>>;

/** A message not yet put into words: its key and parameters, rendered in the reader's language. */
export interface Text {
  readonly key: MessageKey;
  readonly params?: Params;
}

const LIST_SEPARATOR: Record<Lang, string> = { zh: '、', en: ', ' };

function renderParam(value: ParamValue, lang: Lang): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((item) => renderParam(item as ParamValue, lang)).join(LIST_SEPARATOR[lang]);
  if (isText(value)) return translate(value, lang);
  return String(value);
}

/** Chinese punctuation that takes no space beside it (a template's space before “…” or after （…）). */
const OPENS = /^[（“「《【〔，。；：、！？]/;
const CLOSES = /[）”」》】〕，。；：、！？]$/;

/**
 * A message in one language, its `{name}` parameters filled in (a missing one stays visible).
 * In Chinese, a template's space beside a parameter goes where the parameter begins or ends
 * with full-width punctuation: `收到 {got}` reads 收到 5 but 收到“森林”.
 */
export function translate(text: Text, lang: Lang): string {
  const template = messages[text.key][lang];
  const params = text.params ?? {};
  return template.replace(/( ?)\{(\w+)\}( ?)/g, (whole, before: string, name: string, after: string) => {
    const value = renderParam(params[name], lang);
    if (value === undefined) return whole;
    if (lang !== 'zh') return before + value + after;
    return (OPENS.test(value) ? '' : before) + value + (CLOSES.test(value) ? '' : after);
  });
}

/**
 * A value a message quotes (what was received): text in quotes — “…” in Chinese, "…" in English —
 * cut at `max` characters with control characters escaped; numbers and booleans as they are;
 * null or nothing in words; anything else as JSON.
 */
export function shown(value: unknown, max = 80): ParamValue {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}…` : s);
  if (typeof value === 'string') return text('value.quoted', { value: cut(value).replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1)) });
  if (value === null) return text('value.shown_null');
  if (value === undefined) return text('value.shown_nothing');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return cut(JSON.stringify(value) ?? String(value));
}

/** Shorthand where a message is made: `text('grid_not_found', { code })`. */
export function text(key: MessageKey, params?: Params): Text {
  return params ? { key, params } : { key };
}

/**
 * An Error whose message is a Text: what pure modules (formats, geo) throw, so that whoever
 * catches it answers with `.text` in the reader's language. Its `message` is the English, for logs.
 */
export class TextError extends Error {
  constructor(readonly text: Text) {
    super(translate(text, 'en'));
    this.name = 'TextError';
  }
}

/** True for a Text: an object of a catalogue `key` and optional `params`, nothing else. */
export function isText(value: unknown): value is Text {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || !Object.hasOwn(messages, key)) return false;
  if (params !== undefined && (params === null || typeof params !== 'object')) return false;
  for (const name in value) if (name !== 'key' && name !== 'params') return false;
  return true;
}

/** A value with every Text in it put into words. */
export type Localized<T> = T extends Text
  ? string
  : T extends readonly (infer U)[]
    ? Localized<U>[]
    : T extends object
      ? { [K in keyof T]: Localized<T[K]> }
      : T;

/**
 * `value` with every Text in it (at any depth: problem lists, reports, flags) put into words
 * in `lang`. Other values are copied as they are; arrays of numbers (coordinates) are not walked.
 */
export function localize<T>(value: T, lang: Lang): Localized<T> {
  return walk(value, lang) as Localized<T>;
}

function walk(value: unknown, lang: Lang): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Dates, ProblemLists…: what JSON.stringify would write, then walked.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return walk((value as { toJSON: () => unknown }).toJSON(), lang);
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'number') return value;
    return value.map((item) => walk(item, lang));
  }
  if (isText(value)) return translate(value, lang);
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) out[name] = walk(member, lang);
  return out;
}

/** The `{name}` parameters a template uses (for the catalogue's test). */
export function parametersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}
