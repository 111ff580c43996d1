/**
 * What a piece of land is used for, read from a feature's properties, as one of the special
 * grid types (专属网格: school, hospital, market, park, scenic, industrial). The division uses
 * it to suggest the type of a special grid it proposes where large land holds no homes
 * (divide/stages/specials.ts): a campus, a hospital's grounds, a park, an industrial yard.
 *
 * The same vocabularies as the barriers (barrier-kinds.ts) speak: Tilezen/Nextzen buildings
 * (`kind_detail`, `landuse_kind`: the land-use polygon a building stands in) and landuse
 * layers (`kind`), OpenStreetMap tags as a GDAL export writes them (`amenity`, `landuse`,
 * `leisure`, `tourism`, `shop`, `building`, or inside `other_tags`), and the words of Chinese
 * names and survey files (学校, 医院, 公园, 工业园 …). One table of values, read key by key in
 * the order of USE_KEYS; the first value the table knows wins. Nothing known: undefined (the
 * caller says `other`).
 */
import type { SpecialType } from './codes.js';
import { otherTags } from './barrier-kinds.js';

const words = (type: SpecialType, ...values: string[]): Record<string, SpecialType> => Object.fromEntries(values.map((v) => [v, type]));

/** English values (OSM tags, Tilezen kinds), exact. */
const VALUES: Record<string, SpecialType> = {
  ...words('school', 'school', 'university', 'college', 'kindergarten', 'education', 'childcare', 'music_school', 'language_school', 'driving_school', 'research_institute'),
  ...words('hospital', 'hospital', 'clinic', 'doctors', 'healthcare', 'health_centre'),
  ...words('market', 'marketplace', 'market', 'retail', 'commercial', 'mall', 'supermarket', 'department_store', 'wholesale'),
  ...words('park', 'park', 'garden', 'recreation_ground', 'playground', 'pitch', 'sports_centre', 'stadium', 'golf_course', 'common', 'dog_park', 'village_green'),
  ...words('scenic', 'attraction', 'theme_park', 'zoo', 'viewpoint', 'nature_reserve', 'national_park', 'protected_area', 'heritage', 'place_of_worship', 'temple', 'monastery'),
  ...words('industrial', 'industrial', 'works', 'factory', 'warehouse', 'depot', 'port', 'quarry', 'logistics', 'manufacture'),
};

/** Chinese words, found anywhere in the value (a name: 武汉大学, 光谷软件园, 东湖风景区). Longer words first. */
const CHINESE: [string, SpecialType][] = [
  ...(['工业园', '产业园', '科技园', '软件园', '物流园', '工业区', '开发区', '厂区', '工厂', '仓库', '物流'] as const).map((w): [string, SpecialType] => [w, 'industrial']),
  ...(['风景区', '景区', '名胜', '寺', '庙', '古镇', '遗址', '动物园', '植物园'] as const).map((w): [string, SpecialType] => [w, 'scenic']),
  ...(['幼儿园', '小学', '中学', '大学', '学院', '学校', '校区'] as const).map((w): [string, SpecialType] => [w, 'school']),
  ...(['医院', '卫生院', '卫生服务中心', '诊所', '疗养院'] as const).map((w): [string, SpecialType] => [w, 'hospital']),
  ...(['农贸市场', '市场', '商场', '购物中心', '商城'] as const).map((w): [string, SpecialType] => [w, 'market']),
  ...(['公园', '广场', '绿地', '体育场', '体育馆', '运动场', '游园'] as const).map((w): [string, SpecialType] => [w, 'park']),
];

/**
 * The properties read, in order: the most specific first (what a building is, then the land it
 * stands in), the name last (a name is only a hint: 学府花园 is homes).
 */
export const USE_KEYS = ['kind_detail', 'amenity', 'healthcare', 'shop', 'tourism', 'leisure', 'landuse_kind', 'landuse', 'building', 'kind', 'type', 'name'] as const;

function readValue(value: unknown): SpecialType | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const english = VALUES[trimmed.toLowerCase()];
  if (english) return english;
  return CHINESE.find(([word]) => trimmed.includes(word))?.[1];
}

/** A feature's properties → the special grid type its land suggests, or undefined. */
export function readLandUse(properties: Record<string, unknown> | null | undefined): SpecialType | undefined {
  if (!properties) return undefined;
  const props: Record<string, unknown> = { ...otherTags(properties.other_tags), ...properties };
  for (const key of USE_KEYS) {
    const found = readValue(props[key]);
    if (found) return found;
  }
  return undefined;
}
