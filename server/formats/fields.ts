/**
 * Attribute names of import files (Chinese or English, as planners and survey bureaus name
 * them) → the properties gridgov's create paths read. Names are compared after NFKC, lower
 * case, and removing spaces, _ - . and a trailing unit in brackets: "户数(户)" = "户数",
 * "Region_Code" = "regioncode". Shapefile field names are cut to 10 bytes, so the cut forms
 * ("regioncod", "specialtyp", "population" fits) are listed too. The first column that maps
 * to a property is read, or — in a row where it is empty — the next one (GeoJSON features of
 * one file can name their properties differently). Unmapped columns are ignored (kept as
 * building properties). Values are converted: numbers from text, 类型/级别 words to codes.
 */
import { SPECIAL_TYPES, levelOfRegionCode } from '../geo/codes.js';

export type ImportKind = 'grids' | 'regions' | 'buildings' | 'addresses';
export const IMPORT_KINDS: readonly ImportKind[] = ['grids', 'regions', 'buildings', 'addresses'];

/** The aliases of every property, per kind (normalised as described above). */
export const FIELD_ALIASES: Record<ImportKind, Record<string, string[]>> = {
  grids: {
    code: ['code', 'gridcode', 'wgbm', 'wgdm', '网格编码', '网格代码', '网格编号'],
    name: ['name', 'gridname', 'wgmc', 'mc', '名称', '网格名称', '网格名'],
    kind: ['kind', 'type', 'gridkind', 'gridtype', 'lx', 'wglx', '类型', '网格类型', '网格类别', '类别'],
    specialType: ['specialtype', 'specialtyp', 'special', 'zslx', '专属类型', '专属网格类型', '特殊类型'],
    households: ['households', 'household', 'hh', 'hs', '户数', '住户数', '总户数'],
    population: ['population', 'pop', 'rk', 'rks', '人口', '人口数', '总人口', '人数'],
    regionCode: ['regioncode', 'regioncod', 'region', 'village', 'villagecode', 'communitycode', 'qhdm', 'sqdm', '区划代码', '所属区划代码', '社区代码', '村社区代码', '所属社区代码', '村代码', '社区编码'],
    version: ['version', 'ver', 'bbh', '版本', '版本号'],
  },
  regions: {
    code: ['code', 'regioncode', 'regioncod', 'qhdm', 'xzqdm', '区划代码', '行政区划代码', '统计用区划代码', '代码', '编码'],
    name: ['name', 'regionname', 'mc', 'qhmc', 'xzqmc', '名称', '区划名称', '行政区名称', '行政区划名称'],
    level: ['level', 'jb', 'cj', '级别', '层级', '行政级别', '区划级别'],
    parentCode: ['parentcode', 'parentcod', 'parent', 'sjdm', 'sjqhdm', '上级代码', '上级区划代码', '上级编码'],
  },
  buildings: {
    households: ['households', 'household', 'hh', 'hs', '户数', '住户数', '总户数'],
    compound: ['compound', 'xq', 'xqmc', '小区', '小区名称', '所属小区'],
  },
  addresses: {
    address: ['address', 'addr', 'fulladdress', 'dz', 'bzdz', '地址', '标准地址', '详细地址', '门牌地址'],
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
  /** Source field → property, or null when the field is not used. */
  fields: Record<string, string | null>;
  /** Property → the first source field read as it. */
  byProperty: Record<string, string>;
  /** Property → every source field read as it, in order: a row takes the first with a value. */
  candidates: Record<string, string[]>;
  notes: string[];
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
    .map(([property, list]) => `Columns ${list.map((f) => `"${f}"`).join(', ')} are all ${property}: each row takes the first of them that has a value`);
  const byProperty = Object.fromEntries(Object.entries(candidates).map(([property, list]) => [property, list[0]]));
  return { fields, byProperty, candidates, notes };
}

const GRID_KIND_WORDS: Record<string, string[]> = {
  urban: ['urban', '城市', '城镇', '城区', '城市网格', '城镇网格', '社区网格', '城市社区'],
  rural: ['rural', '农村', '乡村', '农村网格', '乡村网格', '村网格'],
  special: ['special', '专属', '专属网格', '特殊', '特殊网格', '专业网格'],
};
const SPECIAL_TYPE_WORDS: Record<(typeof SPECIAL_TYPES)[number], string[]> = {
  school: ['school', '学校', '校园'],
  hospital: ['hospital', '医院'],
  market: ['market', '市场', '商场', '集贸市场', '农贸市场', '商圈'],
  park: ['park', '公园'],
  scenic: ['scenic', '景区', '风景区', '旅游景区'],
  industrial: ['industrial', '园区', '工业园区', '产业园', '产业园区', '企业', '工业区'],
  other: ['other', '其他', '其它'],
};
const LEVEL_WORDS: Record<string, string[]> = {
  province: ['province', '省', '省级', '省份', '自治区', '直辖市'],
  city: ['city', '市', '地级', '地市', '地级市', '市级', '州', '盟'],
  county: ['county', 'district', '县', '区', '县区', '县级', '区县', '旗', '县级市'],
  township: ['township', 'town', 'street', 'subdistrict', '乡', '镇', '街道', '乡镇', '乡镇街道', '苏木'],
  village: ['village', 'community', '村', '社区', '村社区', '居委会', '村委会', '嘎查'],
};

function word(value: unknown, table: Record<string, string[]>): unknown {
  if (typeof value !== 'string') return value;
  const key = value.normalize('NFKC').trim().toLowerCase();
  return Object.keys(table).find((name) => table[name].includes(key)) ?? value.trim();
}

/** A number written as text ("320", "320.0") becomes a number; other text stays for the checks to name. */
function count(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  return value;
}

/** A code held in a numeric column (350102001002) or with stray spaces becomes its digits. */
function code(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : value;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return value;
}

function text(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? String(value) : value;
}

/**
 * The properties of a source row under their gridgov names, converted. For buildings the
 * unmapped columns are kept (as the building's own properties).
 */
export function mapProperties(kind: ImportKind, mapping: FieldMapping, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (kind === 'buildings') {
    for (const [field, value] of Object.entries(source)) if (mapping.fields[field] === null && value !== null && value !== undefined) out[field] = value;
  }
  for (const [property, fields] of Object.entries(mapping.candidates)) {
    const field = fields.find((name) => source[name] !== null && source[name] !== undefined && source[name] !== '') ?? fields[0];
    const value = source[field];
    switch (property) {
      case 'households':
      case 'population':
      case 'version':
        out[property] = count(value);
        break;
      case 'code':
      case 'regionCode':
      case 'parentCode':
        out[property] = code(value);
        break;
      case 'kind':
        out[property] = word(text(value), GRID_KIND_WORDS);
        break;
      case 'specialType':
        out[property] = value === null || value === undefined || value === '' ? undefined : word(text(value), SPECIAL_TYPE_WORDS);
        break;
      case 'level':
        out[property] = word(text(value), LEVEL_WORDS);
        break;
      default:
        out[property] = text(value);
    }
    if (out[property] === undefined) delete out[property];
  }
  if (kind === 'regions' && out.level === undefined && typeof out.code === 'string') {
    const implied = levelOfRegionCode(out.code);
    if (implied) out.level = implied;
  }
  return out;
}
