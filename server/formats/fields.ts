/**
 * Attribute names and values of import files, as planners and survey bureaus write them →
 * the properties gridgov's create paths read. Pure: a row in, properties out, and a tally of
 * what each column was read as (the import report shows it, per column, in a dry run).
 *
 * Column names are compared after NFKC, lower case, and removing spaces, _ - . and a trailing
 * unit in brackets: "户数(户)" = "户数", "Region_Code" = "regioncode". Shapefile field names are
 * cut to 10 bytes, so the cut forms ("regioncod", "specialtyp") are listed too. The first column
 * that maps to a property is read, or — in a row where it is empty — the next one (GeoJSON
 * features of one file can name their properties differently). Unmapped columns are ignored
 * (kept as building properties).
 *
 * Values are converted as the tables below say (the words are compared after NFKC, trimmed,
 * lower case):
 *
 * | property | file values | becomes |
 * |---|---|---|
 * | grid kind (类型) | 城镇网格 城市网格 社区网格 城镇 城市 城区 社区 urban | `urban` |
 * | | 农村网格 乡村网格 村网格 农村 乡村 村 rural | `rural` |
 * | | 专属网格 专项网格 专业网格 特殊网格 专属 special | `special` |
 * | | 基础网格 综合网格 一般网格 普通网格 基础 basic, or no value at all | urban or rural by the village: 社区/居委会 → `urban`, 村/村委会 → `rural` (server/geo/codes.ts: villageGridKind) |
 * | | a special type below (学校, 医院网格, 工业园区专属网格…) | `special` of that type |
 * | special type (专属类型) | 学校 校园 中学 小学 幼儿园 大学 学院 | `school` |
 * | | 医院 卫生院 社区卫生服务中心 医疗机构 | `hospital` |
 * | | 市场 商场 集贸市场 农贸市场 商圈 商贸区 | `market` |
 * | | 公园 广场 | `park` |
 * | | 景区 风景区 旅游景区 景点 | `scenic` |
 * | | 园区 工业园区 工业园 产业园 产业园区 工业区 开发区 企业 | `industrial` |
 * | | 其他 其它 机关 单位 | `other` |
 * | | (no value, a special grid) | from the grid's name when it names one (…小学专属网格 → `school`), else `other` |
 * | region level (级别) | 省 省级 一级 自治区 直辖市 1 | `province` |
 * | | 市 地级 地级市 地市 州 盟 地区 二级 2 | `city` |
 * | | 区县 县 区 县级 县级市 市辖区 旗 自治县 三级 3 | `county` |
 * | | 乡镇 乡 镇 街道 街道办事处 苏木 乡级 四级 4 | `township` |
 * | | 村 社区 村委会 居委会 村民委员会 居民委员会 嘎查 村级 五级 5 | `village` |
 * | | (no value, or a word not above) | the level the 12-digit code's padding gives |
 * | numbers (户数, 人口, 版本) | 320, "320", "３２０", "1,200", "320户", "960人", "320.0" | 320 … |
 * | codes (区划代码, 网格编码) | a number column (350102001001), "350102001001 ", "350102001001.0" | "350102001001" |
 */
import { SPECIAL_TYPES, levelOfRegionCode, type GridKind, type RegionLevel, type SpecialType } from '../geo/codes.js';
import { text as msg, type Text } from '../i18n/catalogue.js';

export type ImportKind = 'grids' | 'regions' | 'buildings' | 'addresses';
export const IMPORT_KINDS: readonly ImportKind[] = ['grids', 'regions', 'buildings', 'addresses'];

const HOUSEHOLDS = ['households', 'household', 'hh', 'hs', '户数', '住户数', '总户数', '实有户数', '常住户数', '户籍户数', '居民户数'];
const POPULATION = ['population', 'pop', 'rk', 'rks', '人口', '人口数', '总人口', '人数', '实有人口', '常住人口', '户籍人口'];

/** The aliases of every property, per kind (normalised as described above). */
export const FIELD_ALIASES: Record<ImportKind, Record<string, string[]>> = {
  grids: {
    code: ['code', 'gridcode', 'wgbm', 'wgdm', '网格编码', '网格代码', '网格编号', '网格号'],
    name: ['name', 'gridname', 'wgmc', 'mc', '名称', '网格名称', '网格名'],
    kind: ['kind', 'type', 'gridkind', 'gridtype', 'lx', 'wglx', '类型', '网格类型', '网格类别', '类别', '网格性质'],
    specialType: ['specialtype', 'specialtyp', 'special', 'zslx', '专属类型', '专属网格类型', '特殊类型', '专属网格类别'],
    households: HOUSEHOLDS,
    population: POPULATION,
    regionCode: [
      'regioncode', 'regioncod', 'region', 'village', 'villagecode', 'communitycode', 'qhdm', 'sqdm', '区划代码', '所属区划代码', '社区代码',
      '村社区代码', '所属社区代码', '村代码', '社区编码', '村(社区)代码', '社区(村)代码', '村(居)代码', '村居代码', '所属村居代码',
    ],
    version: ['version', 'ver', 'bbh', '版本', '版本号'],
  },
  regions: {
    code: ['code', 'regioncode', 'regioncod', 'qhdm', 'xzqdm', '区划代码', '行政区划代码', '统计用区划代码', '代码', '编码'],
    name: ['name', 'regionname', 'mc', 'qhmc', 'xzqmc', '名称', '区划名称', '行政区名称', '行政区划名称'],
    level: ['level', 'jb', 'cj', '级别', '层级', '行政级别', '区划级别', '区划层级'],
    parentCode: ['parentcode', 'parentcod', 'parent', 'sjdm', 'sjqhdm', '上级代码', '上级区划代码', '上级编码'],
  },
  buildings: {
    households: HOUSEHOLDS,
    compound: ['compound', 'xq', 'xqmc', '小区', '小区名称', '所属小区', '院落', '院落名称'],
  },
  addresses: {
    address: ['address', 'addr', 'fulladdress', 'dz', 'bzdz', 'dzmc', '地址', '标准地址', '详细地址', '门牌地址', '地址名称', '完整地址', '门楼牌地址', '标准地址名称'],
  },
};

export function normalizeFieldName(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[(（][^)）]*[)）]$/, '')
    .replace(/[\s_\-.]+/g, '');
}

export interface FieldMapping {
  kind: ImportKind;
  /** Source field → property, or null when the field is not used. */
  fields: Record<string, string | null>;
  /** Property → the first source field read as it. */
  byProperty: Record<string, string>;
  /** Property → every source field read as it, in order: a row takes the first with a value. */
  candidates: Record<string, string[]>;
  notes: Text[];
}

export function mapFields(kind: ImportKind, sourceFields: string[]): FieldMapping {
  const aliases = FIELD_ALIASES[kind];
  const fields: Record<string, string | null> = {};
  const candidates: Record<string, string[]> = {};
  for (const field of sourceFields) {
    const key = normalizeFieldName(field);
    const property = Object.keys(aliases).find((name) => aliases[name].includes(key));
    fields[field] = property ?? null;
    if (property) (candidates[property] ??= []).push(field);
  }
  const notes = Object.entries(candidates)
    .filter(([, list]) => list.length > 1)
    .map(([property, list]) => msg('note.columns_same_property', { columns: list.map((f) => `"${f}"`), property }));
  const byProperty = Object.fromEntries(Object.entries(candidates).map(([property, list]) => [property, list[0]]));
  return { kind, fields, byProperty, candidates, notes };
}

// ---------------------------------------------------------------------------------------------
// Value words

/** `basic`: a basic grid (not special) whose urban/rural the village decides. */
export type GridKindWord = GridKind | 'basic';

export const GRID_KIND_WORDS: Record<GridKindWord, string[]> = {
  urban: ['urban', '城镇', '城市', '城区', '城镇网格', '城市网格', '城区网格', '社区网格', '城市社区', '城镇社区', '社区', '城市社区网格'],
  rural: ['rural', '农村', '乡村', '农村网格', '乡村网格', '村网格', '村', '村庄', '农村社区'],
  special: ['special', '专属', '专属网格', '专项网格', '专业网格', '特殊', '特殊网格'],
  basic: ['basic', '基础', '基础网格', '综合网格', '一般网格', '普通网格', '常规网格', '网格'],
};

export const SPECIAL_TYPE_WORDS: Record<SpecialType, string[]> = {
  school: ['school', '学校', '校园', '中学', '小学', '幼儿园', '大学', '学院', '中小学'],
  hospital: ['hospital', '医院', '卫生院', '社区卫生服务中心', '医疗机构'],
  market: ['market', '市场', '商场', '集贸市场', '农贸市场', '商圈', '商贸区', '商业区'],
  park: ['park', '公园', '广场'],
  scenic: ['scenic', '景区', '风景区', '旅游景区', '景点', '风景名胜区'],
  industrial: ['industrial', '园区', '工业园区', '工业园', '产业园', '产业园区', '工业区', '开发区', '企业'],
  other: ['other', '其他', '其它', '机关', '单位'],
};

export const LEVEL_WORDS: Record<RegionLevel, string[]> = {
  province: ['province', '省', '省级', '省份', '自治区', '直辖市', '一级', '1'],
  city: ['city', 'prefecture', '市', '地级', '地级市', '地市', '市级', '州', '盟', '地区', '自治州', '二级', '2'],
  county: ['county', 'district', '县', '区', '县区', '区县', '县级', '县级市', '市辖区', '旗', '自治县', '自治旗', '三级', '3'],
  township: ['township', 'town', 'street', 'subdistrict', '乡', '镇', '街道', '乡镇', '乡镇街道', '街道办事处', '街道办', '苏木', '乡级', '乡镇级', '四级', '4'],
  village: ['village', 'community', '村', '社区', '村社区', '居委会', '村委会', '村民委员会', '居民委员会', '社区居委会', '嘎查', '村级', '五级', '5'],
};

function wordKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
}

function lookup<T extends string>(table: Record<T, string[]>, value: string): T | undefined {
  const key = wordKey(value);
  return (Object.keys(table) as T[]).find((name) => table[name].includes(key));
}

/**
 * A special type named in a value or a grid's name: the whole word, or a word with 网格 /
 * 专属网格 after it ("学校网格", "工业园区专属网格"), or a name that ends in one ("…第一中学",
 * "…农贸市场专属网格").
 */
export function specialTypeOf(value: string): SpecialType | undefined {
  const exact = lookup(SPECIAL_TYPE_WORDS, value);
  if (exact) return exact;
  const stem = wordKey(value).replace(/(专属|专项)?网格$/, '');
  if (stem === '') return undefined;
  const whole = lookup(SPECIAL_TYPE_WORDS, stem);
  if (whole) return whole;
  // The longest word the stem ends in, so that 工业园区 wins over 园区 and 社区卫生服务中心 over nothing.
  let best: { type: SpecialType; length: number } | undefined;
  for (const type of SPECIAL_TYPES) {
    for (const word of SPECIAL_TYPE_WORDS[type]) {
      if (!/\p{Script=Han}/u.test(word) || type === 'other' || !stem.endsWith(word)) continue;
      if (!best || word.length > best.length) best = { type, length: word.length };
    }
  }
  return best?.type;
}

/** A kind cell → the kind, or the special type it names; undefined when the cell says nothing we know. */
export function gridKindOf(value: string): { kind: GridKindWord; specialType?: SpecialType } | undefined {
  const kind = lookup(GRID_KIND_WORDS, value);
  if (kind) return { kind };
  // 其他, 单位… say nothing of a grid's kind: only a named special type makes a special grid.
  const specialType = specialTypeOf(value);
  return specialType && specialType !== 'other' ? { kind: 'special', specialType } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Conversions

function present(value: unknown): boolean {
  return value !== null && value !== undefined && !(typeof value === 'string' && value.trim() === '');
}

/**
 * A number written as text ("320", "３２０", "1,200", "320户", "960人", "320.0") becomes a
 * number; other text stays for the checks to name.
 */
function count(value: unknown): unknown {
  if (!present(value)) return undefined;
  if (typeof value !== 'string') return value;
  const plain = value.normalize('NFKC').trim().replace(/(?<=\d),(?=\d{3}\b)/g, '').replace(/\s*(户|人|个|套)$/, '');
  return /^[+-]?\d+(\.\d+)?$/.test(plain) ? Number(plain) : value.trim();
}

/** A code held in a numeric column (350102001002), as "350102001002.0", or with stray spaces becomes its digits. */
function code(value: unknown): unknown {
  if (!present(value)) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : value;
  if (typeof value !== 'string') return value;
  const plain = value.normalize('NFKC').trim();
  return /^\d+\.0+$/.test(plain) ? plain.replace(/\.0+$/, '') : plain;
}

function plainText(value: unknown): unknown {
  if (!present(value)) return undefined;
  return typeof value === 'number' ? String(value) : value;
}

/** How a property's values are read: the conversion, and the words it knows. */
const CONVERSIONS: Record<string, 'number' | 'code' | 'kind' | 'specialType' | 'level' | 'text'> = {
  households: 'number',
  population: 'number',
  version: 'number',
  code: 'code',
  regionCode: 'code',
  parentCode: 'code',
  kind: 'kind',
  specialType: 'specialType',
  level: 'level',
};

// ---------------------------------------------------------------------------------------------
// What each column was read as (the report's `file.columns`)

export interface ColumnValue {
  /** The value in the file (as text). */
  value: string;
  /** What it became; null when it could not be read (the row's problems say why). */
  as: string | number | null;
  rows: number;
}

export interface ColumnReport {
  /** The file's column; null for a property that no column gave and was worked out instead. */
  column: string | null;
  /** The property it was read as; null when gridgov does not use it. */
  property: string | null;
  /** How its values were read, in words. */
  how: Text;
  /** The distinct values of a column read through a table, and what each became (most rows first). */
  values?: ColumnValue[];
}

const LISTED_VALUES = 20;

/**
 * The tally of an import: per column (or per worked-out property) the values seen and what
 * each became. Only word-table columns and worked-out properties list their values (names and
 * numbers would be a copy of the file).
 */
export class ColumnTally {
  private readonly seen = new Map<string, Map<string, ColumnValue>>();
  private readonly inferred = new Map<string, { how: Text; values: Map<string, ColumnValue> }>();

  constructor(private readonly mapping: FieldMapping) {}

  /** A column's value read as `as`. */
  read(column: string, value: unknown, as: string | number | null): void {
    add(this.seen, column, String(value), as);
  }

  /** A property worked out (not read from a column): `how`, the `basis` it came from and the result. */
  infer(property: string, how: Text, basis: string, as: string | number | null): void {
    let entry = this.inferred.get(property);
    if (!entry) this.inferred.set(property, (entry = { how, values: new Map() }));
    const values = entry.values;
    const current = values.get(basis);
    if (current) current.rows++;
    else values.set(basis, { value: basis, as, rows: 1 });
  }

  report(): ColumnReport[] {
    const columns: ColumnReport[] = Object.entries(this.mapping.fields).map(([column, property]) => {
      if (property === null) return { column, property, how: msg(this.mapping.kind === 'buildings' ? 'column.kept' : 'column.ignored') };
      const candidates = this.mapping.candidates[property];
      const first = candidates[0];
      const conversion = CONVERSIONS[property] ?? 'text';
      const how =
        first !== column
          ? msg('column.fallback', { first, how: msg(`column.${conversion}`) })
          : msg(`column.${conversion}`);
      const values = this.seen.get(column);
      const listed = conversion === 'kind' || conversion === 'specialType' || conversion === 'level';
      return { column, property, how, ...(listed && values ? { values: ranked(values) } : {}) };
    });
    for (const [property, { how, values }] of this.inferred) columns.push({ column: null, property, how, values: ranked(values) });
    return columns;
  }
}

function add(map: Map<string, Map<string, ColumnValue>>, column: string, value: string, as: string | number | null): void {
  let values = map.get(column);
  if (!values) map.set(column, (values = new Map()));
  const current = values.get(value);
  if (current) current.rows++;
  else values.set(value, { value, as, rows: 1 });
}

function ranked(values: Map<string, ColumnValue>): ColumnValue[] {
  // Code point order among equals: the same on every machine, whatever its locale.
  return [...values.values()].sort((a, b) => b.rows - a.rows || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).slice(0, LISTED_VALUES);
}

/**
 * The properties of a source row under their gridgov names, converted. For buildings the
 * unmapped columns are kept (as the building's own properties). A grid's kind may come back as
 * `basic` or be absent: the importer decides it by the village (server/services/file-import.ts). A
 * region's level comes from the code when no level word says it.
 */
export function mapProperties(kind: ImportKind, mapping: FieldMapping, source: Record<string, unknown>, tally?: ColumnTally): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (kind === 'buildings') {
    for (const [field, value] of Object.entries(source)) if (mapping.fields[field] === null && value !== null && value !== undefined) out[field] = value;
  }
  for (const [property, fields] of Object.entries(mapping.candidates)) {
    const field = fields.find((name) => present(source[name])) ?? fields[0];
    const value = source[field];
    switch (CONVERSIONS[property] ?? 'text') {
      case 'number':
        out[property] = count(value);
        break;
      case 'code':
        out[property] = code(value);
        break;
      case 'kind': {
        if (!present(value)) break;
        const read = gridKindOf(String(plainText(value)));
        out[property] = read?.kind ?? String(plainText(value)).trim();
        // A kind cell naming a special type gives the type, unless a special-type column gives one.
        if (read?.specialType) out.specialType ??= read.specialType;
        tally?.read(field, value, read ? read.kind + (read.specialType ? `/${read.specialType}` : '') : null);
        break;
      }
      case 'specialType': {
        if (!present(value)) break;
        const type = specialTypeOf(String(plainText(value)));
        out[property] = type ?? String(plainText(value)).trim();
        tally?.read(field, value, type ?? null);
        break;
      }
      case 'level': {
        if (!present(value)) break;
        const level = lookup(LEVEL_WORDS, String(plainText(value)));
        if (level) out[property] = level;
        tally?.read(field, value, level ?? null);
        break;
      }
      default:
        out[property] = plainText(value);
    }
    if (out[property] === undefined) delete out[property];
  }
  if (kind === 'regions' && out.level === undefined && typeof out.code === 'string') {
    const implied = levelOfRegionCode(out.code);
    if (implied) {
      out.level = implied;
      tally?.infer('level', msg('column.level_from_code'), implied, implied);
    }
  }
  return out;
}
