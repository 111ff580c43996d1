/**
 * The administrative tree, its stored roads and rivers, and buildings (server/routes/regions.ts,
 * server/db/regions.ts, server/geo/reference-lines.ts, server/db/buildings.ts, server/geo/codes.ts).
 */
export const regionMessages = {
  'unknown_region.parent': { zh: '没有代码为 {parentCode} 的上级区划', en: 'No parent region with code {parentCode}' },
  unknown_region: { zh: '没有代码为 {code} 的区划', en: 'No region with code {code}' },
  region_exists: { zh: '区划 {code} 已存在', en: 'Region {code} already exists' },
  'invalid_geometry.boundary': { zh: '边界无效：{reason}', en: 'Invalid boundary: {reason}' },
  'invalid_code.digits': { zh: '区划代码“{code}”须为 12 位数字', en: 'Region code "{code}" must be exactly 12 digits' },
  'invalid_code.zero_above': {
    zh: '区划代码“{code}”在其本级以上有全为零的段：直到本级，每一级的代码段都不能为零',
    en: 'Region code "{code}" has zero digits at a level above its own: each level\'s digits must be non-zero down to the code\'s level',
  },
  'invalid_code.level': {
    zh: '区划代码“{code}”按补零位数是{implied}级代码，但区划的级别是“{level}”',
    en: 'Region code "{code}" is padded as a {implied} code, but the region says level "{level}"',
  },
  'invalid_code.parent_level': {
    zh: '上级 {parent} 是{parentLevel}级；{level}级区划的上级须比它高一级以上',
    en: 'Parent {parent} is a {parentLevel}; a {level} needs a parent of a higher level',
  },
  'invalid_code.parent_prefix': {
    zh: '区划代码“{code}”不以上级（{parent}）的前缀“{prefix}”开头',
    en: 'Region code "{code}" does not start with its parent\'s prefix "{prefix}" ({parent})',
  },
  'out_of_scope.own_region': { zh: '密钥不能创建其本身所辖的区划', en: 'A key cannot create the region it is scoped to' },
  'not_a_village.buildings': {
    zh: '建筑图层属于村（社区）；{code} 是{level}级区划',
    en: 'A buildings layer belongs to a village/community; {code} is a {level}',
  },
  'invalid_parameter.households_rule': { zh: 'households 给出时须为 "footprint"', en: 'households must be "footprint" when given' },
  'invalid_geojson.buildings': { zh: '应为 GeoJSON FeatureCollection：建筑', en: 'Expected a GeoJSON FeatureCollection of buildings' },
  'invalid_geometry.buildings': {
    zh: '{count} 栋建筑的几何无效（第一栋：第 {index} 栋，{reason}）',
    en: '{count} building(s) have an invalid geometry (first: building {index}, {reason})',
  },
  'building_outside_area.region': { zh: '{count} 栋建筑在 {regionCode} 之外', en: '{count} building(s) lie outside {regionCode}' },
  line_outside_area: { zh: '{count} 条线距 {regionCode} 超过 {margin} 米', en: '{count} line(s) lie further than {margin} m from {regionCode}' },

  // Reference lines (roads, rivers, railways, ridges, water).
  'invalid_geojson.lines_collection': {
    zh: '应为 GeoJSON FeatureCollection：线要素（及水域面）',
    en: 'Expected a GeoJSON FeatureCollection of lines (and water polygons)',
  },
  'batch_too_large.features': { zh: '要素 {count} 个，最多 {limit} 个', en: '{count} features; at most {limit}' },
  'invalid_geojson.line_too_short': { zh: '每条线至少要有两个坐标点', en: 'every line needs at least two positions' },
  'invalid_geometry.zero_length': { zh: '线长度为零（所有坐标点都相同）', en: 'a line of zero length (all its positions are the same)' },
  'too_many_vertices.line': { zh: '{vertices} 个顶点，上限为 {limit} 个', en: '{vertices} vertices; the limit is {limit}' },
  'too_many_vertices.total': { zh: '共 {vertices} 个顶点，上限为 {limit} 个', en: '{vertices} vertices in all; the limit is {limit}' },
  'invalid_property.line_kind': { zh: 'properties.kind 须为 {allowed} 之一，收到 {got}', en: 'properties.kind must be one of {allowed}, got {got}' },
  'invalid_property.road_class': { zh: 'properties.class 只用于道路，须为 {allowed} 之一', en: 'properties.class is for roads only, one of {allowed}' },
  'invalid_property.line_name': { zh: 'properties.name 须为不超过 200 个字符的文字', en: 'properties.name must be a string of at most 200 characters' },
  // Stored lines in any vocabulary the division reads (server/geo/barrier-kinds.ts).
  'invalid_property.line_value': {
    zh: '不认识的参考线类型 {got}：properties.kind 须为 {allowed} 之一（或 Tilezen 类型、主干道/支路/小路/铁路/河流/水域/山脊/围墙等），或给出 OpenStreetMap 标签 {keys}',
    en: 'unknown line value {got}: properties.kind must be one of {allowed} (or a Tilezen kind, or 主干道/支路/小路/铁路/河流/水域/山脊/围墙…), or give an OpenStreetMap tag {keys}',
  },
} as const;
