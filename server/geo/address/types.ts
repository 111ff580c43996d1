/**
 * Standard addresses (标准地址) split into the element types of GA/T 2000.32, from the
 * province down to the room. Every value is in canonical form (see normalize.ts): ASCII digits
 * and letters, numbers without their 号/栋/单元/室 suffix, road names with their suffix.
 */
export const ADDRESS_LEVELS = [
  'province', // 省 / 自治区 / 直辖市          福建省
  'city', // 市 / 州 / 盟 / 地区               福州市
  'district', // 区 / 县 / 县级市 / 旗         鼓楼区
  'township', // 街道 / 镇 / 乡                东街街道
  'community', // 社区 / 村 / 居委会           三坊七巷社区
  'road', // 路 / 街 / 大道 / 巷 / 胡同 …      中山东一路
  'number', // 门牌号: 88号 → "88"; 100弄5号 → "100-5"
  'compound', // 小区 / 院 / 大厦 / 花园 …     金域华府
  'building', // 栋 / 幢 / 座 / 号楼 → "3", "A"
  'unit', // 单元 → "2"
  'room', // 室 / 户 / 房 → "501"
] as const;

export type AddressLevel = (typeof ADDRESS_LEVELS)[number];

/** The levels found in one address; a level that was not written is absent. */
export type ParsedAddress = Partial<Record<AddressLevel, string>>;

/** One registry entry as the index holds it. */
export interface AddressRecord {
  id: number;
  /** The full text as imported, e.g. 上海市黄浦区中山东一路3号. */
  address: string;
  /** WGS84. */
  lon: number;
  lat: number;
  /** The deepest region (12-digit code) containing the point, when known; used by region filters. */
  regionCode?: string | null;
}

export interface GeocodeCandidate {
  /** The registry entry, or null for a road-level answer that stands for a whole road. */
  id: number | null;
  address: string;
  /** 0–1, higher is better; candidates come sorted by it. */
  score: number;
  lon: number;
  lat: number;
  /** The deepest level of the query that this candidate matches. */
  matchedLevel: AddressLevel;
  /** Levels of the query that could not be matched (e.g. ['number'] on a road-level answer). */
  unmatched: AddressLevel[];
  levels: ParsedAddress;
}

export interface GeocodeOptions {
  /** Most candidates returned (default 5). */
  limit?: number;
  /** Only addresses whose regionCode starts with this prefix (a region code without its zero padding). */
  regionPrefix?: string;
}
