/**
 * The domain's own words (region levels, grid kinds, special types) as Texts, for messages
 * that name them: "350102004000 是乡镇（街道）级区划" / "… is a township".
 */
import { messages, text, type MessageKey, type Text } from './catalogue.js';

/** The word for a value, or the value itself when the catalogue has no word for it. */
function word(prefix: 'level' | 'kind' | 'special' | 'status', value: string): Text | string {
  const key = `${prefix}.${value}`;
  return Object.hasOwn(messages, key) ? text(key as MessageKey) : value;
}

/** 'township' → 乡镇（街道） / township. */
export const levelWord = (level: string) => word('level', level);
/** 'urban' → 城镇网格 / urban. */
export const kindWord = (kind: string) => word('kind', kind);
/** 'school' → 学校 / school. */
export const specialTypeWord = (type: string) => word('special', type);
/** 'dispatched' → 已派遣 / dispatched. */
export const statusWord = (status: string) => word('status', status);
