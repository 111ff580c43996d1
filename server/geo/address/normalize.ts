/**
 * Canonical text for Chinese standard addresses (标准地址), the common ground on which the
 * parser and the geocoding index compare what people type with what the registry holds:
 *   - normalizeText: width, case, spacing and punctuation;
 *   - chineseNumeralsToDigits: 十二号 → 12号, but 中山东一路 stays (numerals inside names are
 *     part of the name, numerals in front of a 号/栋/单元/室 … marker are numbers);
 *   - roadKey: the core of a road name, so that 中山东1路, 中山东一路 and 中山东一街 meet.
 * Everything here is pure and allocation-light: it runs once per record at import and once per
 * query.
 */

const DASHES = new Set(['-', '‐', '‑', '‒', '–', '—', '―', '−', '~', '〜', '～']);
/** Forms of zero people type between ASCII digits (1〇3号, 1○3号, 1零3号). */
const ZEROS = new Set(['〇', '○', '零']);

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string) => c >= 'A' && c <= 'Z';

/** CJK ideographs (basic block, extension A, 〇) and surrogate halves (extensions B+ are rare place-name characters). */
function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || code === 0x3007 || (code >= 0xd800 && code <= 0xdfff);
}

/**
 * Whether the text is already normal: only ASCII digits, capitals and basic-block ideographs
 * other than 零 (which may need the zero rule). Registry text mostly is, and then costs no copy.
 */
function isClean(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const clean = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x4e00 && code <= 0x9fff && code !== 0x96f6);
    if (!clean) return false;
  }
  return true;
}

/** The next character after position i that is not whitespace. */
function nextVisible(t: string, i: number): string | undefined {
  for (let j = i + 1; j < t.length; j++) if (t[j].trim() !== '') return t[j];
  return undefined;
}

/**
 * NFKC (full-width digits, letters and spaces become ASCII), ASCII letters upper-cased, then
 * only ideographs, ASCII letters and digits are kept — whitespace and punctuation go. Three
 * exceptions keep meaning that lives in punctuation: a dash or tilde between digits becomes
 * '-' (12-3号, 12~14号), '#' after a letter or digit stays (3#楼), and a zero written 〇/○/零
 * next to an ASCII digit becomes '0' (1〇3室 → 103室); ○ elsewhere becomes 〇 for the numeral
 * converter (一○三室).
 */
export function normalizeText(s: string): string {
  if (isClean(s)) return s;
  const t = s.normalize('NFKC').toUpperCase();
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    const last = out[out.length - 1];
    if (ZEROS.has(c)) {
      if (isDigit(last) || isDigit(nextVisible(t, i))) out += '0';
      else out += c === '○' ? '〇' : c;
    } else if (isDigit(c) || isLetter(c) || isHan(c.charCodeAt(0))) {
      out += c;
    } else if (c === '#') {
      if (last !== undefined && (isDigit(last) || isLetter(last))) out += '#';
    } else if (DASHES.has(c)) {
      if (isDigit(last) && isDigit(nextVisible(t, i))) out += '-';
    }
  }
  return out;
}

const NUMERAL_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const NUMERAL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const NUMERAL_RUN = /[零〇一二两三四五六七八九十百千]+/g;
/** What makes a numeral run a number: the marker right after it (号楼 is covered by 号; 房 as 室 and 户). */
const NUMBER_MARKER = /号|弄|栋|幢|座|单元|室|房|楼|层|户|组/y;
/**
 * Characters after which a numeral run that ends the text is a number too: a road suffix
 * (中山路八十八) or a building / unit marker (3栋2单元五零一).
 */
const NUMBER_POSITION = new Set(['路', '街', '道', '巷', '弄', '里', '同', '栋', '幢', '座', '元', '#']);

/**
 * The value of a numeral run, or undefined when it is not a well-formed number.
 * Without 十/百/千 it is read digit by digit (五零一 → 501, 一〇三 → 103), as room numbers are
 * spoken; otherwise positionally (一百零三 → 103, 二十 → 20, 十二 → 12, 一百一 → 110).
 */
function numeralValue(run: string): string | undefined {
  let positional = false;
  for (const ch of run) if (ch in NUMERAL_UNIT) positional = true;
  if (!positional) {
    let digits = '';
    for (const ch of run) digits += NUMERAL_DIGIT[ch];
    return digits;
  }
  let total = 0;
  let pending = -1; // a digit waiting for its unit
  let lastUnit = Infinity;
  let zeroSeen = false; // 一百零三: the 零 says the 三 is units, not tens
  for (const ch of run) {
    const unit = NUMERAL_UNIT[ch];
    if (unit === undefined) {
      const d = NUMERAL_DIGIT[ch];
      if (d === 0) zeroSeen = true;
      else if (pending !== -1) return undefined; // 三四十: two digits in a row
      else pending = d;
    } else {
      if (unit >= lastUnit) return undefined; // 十百: units must fall
      total += (pending === -1 ? 1 : pending) * unit;
      pending = -1;
      lastUnit = unit;
      zeroSeen = false;
    }
  }
  // A trailing digit without a unit is units after 十 or 零, else the next lower unit (一百一 = 110).
  if (pending !== -1) total += zeroSeen || lastUnit === 10 ? pending : pending * (lastUnit / 10);
  return String(total);
}

function isNumberPosition(s: string, start: number, end: number): boolean {
  NUMBER_MARKER.lastIndex = end;
  if (NUMBER_MARKER.test(s)) return true;
  if (start >= 2 && s[start - 1] === '之' && s[start - 2] === '号') return true; // 88号之一
  return end === s.length && start > 0 && NUMBER_POSITION.has(s[start - 1]);
}

/**
 * Chinese numerals → ASCII digits, only where they stand as a house, building, unit, room,
 * floor or group number: followed by 号|弄|栋|幢|座|单元|室|房|楼|层|户|组 (十二号 → 12号,
 * 三单元 → 3单元, 两栋 → 2栋), after 号之 (88号之一), or ending the text after a road suffix
 * or building/unit marker (中山路八十八, 3栋2单元五零一). Numerals inside names (中山东一路,
 * 五四路, 三坊七巷, 八一七北路, 十字街, 二环路) are left alone. Expects normalized text.
 */
export function chineseNumeralsToDigits(s: string): string {
  NUMERAL_RUN.lastIndex = 0;
  if (!NUMERAL_RUN.test(s)) return s;
  return s.replace(NUMERAL_RUN, (run: string, start: number) => {
    if (!isNumberPosition(s, start, start + run.length)) return run;
    return numeralValue(run) ?? run;
  });
}

/** Normalized text with number numerals as digits: the form parseAddress and the index work on. */
export function canonicalText(s: string): string {
  return chineseNumeralsToDigits(normalizeText(s));
}

/** Road suffixes, longest first so that 深南大道 loses 大道 and not just 道. */
const ROAD_SUFFIXES = ['大街', '大道', '胡同', '横街', '支路', '路', '街', '道', '巷', '弄', '里'];
const CHINESE_DIGITS = '〇一二三四五六七八九';

/**
 * ASCII digits as they are read in road names: one or two digits positionally (1 → 一,
 * 10 → 十, 12 → 十二, 20 → 二十: 经10路 = 经十路), longer or zero-led runs digit by digit
 * (817 → 八一七: 817北路 = 八一七北路).
 */
function digitsToChinese(digits: string): string {
  if (digits.length > 2 || digits[0] === '0') {
    let out = '';
    for (const d of digits) out += CHINESE_DIGITS[Number(d)];
    return out;
  }
  const n = Number(digits);
  if (n < 10) return CHINESE_DIGITS[n];
  const tens = Math.floor(n / 10);
  const units = n % 10;
  return (tens === 1 ? '' : CHINESE_DIGITS[tens]) + '十' + (units === 0 ? '' : CHINESE_DIGITS[units]);
}

/** The road suffix roadKey strips from a normalized road name ('' when none, or when it is the whole name). */
export function roadSuffix(road: string): string {
  for (const suffix of ROAD_SUFFIXES) {
    if (road.length > suffix.length && road.endsWith(suffix)) return suffix;
  }
  return '';
}

/**
 * The core of a road name, the key under which the index files it: the road suffix stripped
 * (never the whole name: 大道 alone keeps 大) and ASCII digits written as Chinese numerals, so
 * 中山东1路, 中山东一路 and 中山东一街 all give 中山东一. Expects a normalized road name.
 */
export function roadKey(road: string): string {
  const core = road.slice(0, road.length - roadSuffix(road).length);
  return core.replace(/\d+/g, digitsToChinese);
}
