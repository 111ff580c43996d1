/**
 * Division codes (统计用区划代码) and grid codes.
 *
 * A region code has 12 digits: 2 province + 2 city + 2 county (together the GB/T 2260 code)
 * + 3 township/street + 3 village/community. A level's code is its own digits followed by
 * zeros, so the padding tells the level: `420000000000` is a province, `420111000000` a county,
 * `420111002000` a street, `420111002003` a community.
 *
 * A grid code has 15 digits: the 12 of its village/community + a 3-digit number,
 * 001–899 for basic grids and 900–999 for special grids.
 */
import { text, type Text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';

export const REGION_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** How many leading digits carry meaning at each level; the rest are zeros. */
const SIGNIFICANT_DIGITS: Record<RegionLevel, number> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
};

/** The digits that a level adds below its parent level: they must not be all zeros. */
const OWN_DIGITS: Record<RegionLevel, [number, number]> = {
  province: [0, 2],
  city: [2, 4],
  county: [4, 6],
  township: [6, 9],
  village: [9, 12],
};

export function isRegionLevel(value: unknown): value is RegionLevel {
  return typeof value === 'string' && (REGION_LEVELS as readonly string[]).includes(value);
}

export function levelRank(level: RegionLevel): number {
  return REGION_LEVELS.indexOf(level);
}

/** The level a 12-digit code's zero padding implies, or undefined for a malformed code. */
export function levelOfRegionCode(code: string): RegionLevel | undefined {
  if (!/^\d{12}$/.test(code)) return undefined;
  for (const level of [...REGION_LEVELS].reverse()) {
    const [from, to] = OWN_DIGITS[level];
    // The deepest level with non-zero own digits is the code's level; every level above
    // it must be non-zero too (municipalities and 省直辖县 use city parts 01 and 90, never 00).
    if (!/^0+$/.test(code.slice(from, to))) return checkUpperLevels(code, level) ? level : undefined;
  }
  return undefined;
}

function checkUpperLevels(code: string, level: RegionLevel): boolean {
  for (const upper of REGION_LEVELS.slice(0, levelRank(level))) {
    const [from, to] = OWN_DIGITS[upper];
    if (/^0+$/.test(code.slice(from, to))) return false;
  }
  return true;
}

/** The meaningful prefix of a region code: `420111002000` → `420111002`. */
export function regionPrefix(code: string, level: RegionLevel): string {
  return code.slice(0, SIGNIFICANT_DIGITS[level]);
}

/**
 * Why a region code does not fit its level and parent, or undefined when it does.
 * The parent may be any higher level whose prefix the code extends (provincial
 * directly-administered counties skip the city level).
 */
export function regionCodeProblem(
  code: string,
  level: RegionLevel,
  parent?: { code: string; level: RegionLevel },
): Text | undefined {
  if (!/^\d{12}$/.test(code)) return text('invalid_code.digits', { code });
  const implied = levelOfRegionCode(code);
  if (implied === undefined) return text('invalid_code.zero_above', { code });
  if (implied !== level) return text('invalid_code.level', { code, implied: levelWord(implied), level: levelWord(level) });
  if (parent) {
    if (levelRank(parent.level) >= levelRank(level)) {
      return text('invalid_code.parent_level', { parent: parent.code, parentLevel: levelWord(parent.level), level: levelWord(level) });
    }
    const prefix = regionPrefix(parent.code, parent.level);
    if (!code.startsWith(prefix)) return text('invalid_code.parent_prefix', { code, prefix, parent: parent.code });
  }
  return undefined;
}

export const GRID_KINDS = ['urban', 'rural', 'special'] as const;
export type GridKind = (typeof GRID_KINDS)[number];
export const SPECIAL_TYPES = ['school', 'hospital', 'market', 'park', 'scenic', 'industrial', 'other'] as const;
export type SpecialType = (typeof SPECIAL_TYPES)[number];

/** Basic grids take 001–899, special grids 900–999. */
export const GRID_NUMBER_RANGES = {
  basic: { first: 1, last: 899 },
  special: { first: 900, last: 999 },
} as const;
export type GridNumberClass = keyof typeof GRID_NUMBER_RANGES;

export function numberClassOfKind(kind: GridKind): GridNumberClass {
  return kind === 'special' ? 'special' : 'basic';
}

export function formatGridCode(villageCode: string, number: number): string {
  return villageCode + String(number).padStart(3, '0');
}

export function isGridCode(code: string): boolean {
  if (!/^\d{15}$/.test(code)) return false;
  return levelOfRegionCode(code.slice(0, 12)) === 'village' && Number(code.slice(12)) >= 1;
}

/**
 * Whether a village's basic grids are urban (城镇) or rural (农村), from what the village is:
 * a community or residents' committee (社区, 居委会, 居民委员会) is urban, a village (村, 村委会,
 * 村民委员会, 嘎查) rural — by its name first; else by the statistical code's own digits, which
 * the NBS assigns by the same distinction (《统计上使用的县以下行政区划代码编制规则》: the last
 * three digits 001–199 are 居委会, 200–399 村委会, 400–499 类似居委会, 500–599 类似村委会).
 * Undefined when neither says.
 */
export function villageGridKind(name: string | null | undefined, code: string): 'urban' | 'rural' | undefined {
  const plain = (name ?? '').normalize('NFKC').replace(/\s+/g, '');
  if (/(社区|居委会|居民委员会|居委)$/.test(plain) || /社区(居委会|居民委员会)?$/.test(plain)) return 'urban';
  if (/(村|村委会|村民委员会|嘎查|嘎查村)$/.test(plain)) return 'rural';
  if (!/^\d{12}$/.test(code)) return undefined;
  const own = Number(code.slice(9));
  if ((own >= 1 && own <= 199) || (own >= 400 && own <= 499)) return 'urban';
  if ((own >= 200 && own <= 399) || (own >= 500 && own <= 599)) return 'rural';
  return undefined;
}
