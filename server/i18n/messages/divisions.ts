/**
 * Auto-division: its request checks (server/geo/divide/input.ts, prepare.ts) and
 * the division routes. The flags and crossings of a proposal are issue 14's block in catalogue.ts.
 */
export const divisionMessages = {
  'invalid_geojson.collection': { zh: '{name} 须为 GeoJSON FeatureCollection', en: '{name} must be a GeoJSON FeatureCollection' },
  'invalid_geometry.self_intersection': { zh: '在 {at} 处自相交', en: 'self-intersection at {at}' },
  'invalid_parameter.households_option': {
    zh: '{name} 须为 1 到 100000 的整数，收到 {got}',
    en: '{name} must be a whole number from 1 to 100000, got {got}',
  },
  'invalid_parameter.min_above_max': {
    zh: 'minHouseholds（{min}）大于 maxHouseholds（{max}）',
    en: 'minHouseholds ({min}) is greater than maxHouseholds ({max})',
  },
  'batch_too_large.buildings': { zh: '建筑 {count} 栋，最多 {limit} 栋', en: '{count} buildings; at most {limit}' },
  'batch_too_large.barriers': { zh: '分隔线 {count} 条，最多 {limit} 条', en: '{count} barriers; at most {limit}' },
  'wrong_geometry_type.building': { zh: '建筑须为面（Polygon、MultiPolygon）或点（Point）', en: 'a building is a Polygon, MultiPolygon or Point' },
  'wrong_geometry_type.barrier': { zh: '分隔要素须为线或面', en: 'a barrier is a line or a polygon' },
  'invalid_property.households': { zh: '{field} 须为不小于 0 的整数，收到 {got}', en: '{field} must be a whole number ≥ 0, got {got}' },
  'invalid_property.compound': { zh: 'properties.compound 须为不超过 {max} 个字符的文字', en: 'properties.compound must be a string of at most {max} characters' },
  // Barrier values read from OSM, Tilezen and Chinese survey files (server/geo/barrier-kinds.ts).
  'invalid_property.barrier_value': {
    zh: '不认识的分隔线类型 {got}：properties.kind 须为 {allowed} 之一（或 Tilezen 类型、已存储参考线的类型、主干道/次干道/支路/小路/铁路/河流/水系/水域/山脊/围墙），或给出 OpenStreetMap 标签 {keys}',
    en: 'unknown barrier value {got}: properties.kind must be one of {allowed} (or a Tilezen kind, a stored reference line kind, or 主干道/次干道/支路/小路/铁路/河流/水系/水域/山脊/围墙), or give an OpenStreetMap tag {keys}',
  },
  'invalid_property.special_type_division': { zh: 'properties.specialType 须为 {allowed} 之一', en: 'properties.specialType must be one of {allowed}' },
  'invalid_property.special_code': { zh: '给出 properties.code 时须为 15 位网格编码', en: 'properties.code must be a 15-digit grid code when given' },
  // Adjusting a division and households from addresses (issue 14).
  'invalid_property.grid_code': { zh: 'properties.code 须为 15 位网格编码', en: 'properties.code must be a 15-digit grid code' },
  'invalid_parameter.adjust': { zh: 'adjust 须为 true 或 false，收到 {got}', en: 'adjust must be true or false, got {got}' },
  'invalid_parameter.households_from': { zh: 'households 须为 "buildings"（按楼栋）或 "addresses"（按标准地址），收到 {got}', en: 'households must be "buildings" or "addresses", got {got}' },
  'invalid_parameter.adjust_needs_region': { zh: 'adjust 须针对已存储的村（社区）：请给出 regionCode', en: 'adjust needs a stored village: give regionCode' },
  'invalid_parameter.addresses_need_region': { zh: 'households: "addresses" 须针对已存储的村（社区）：请给出 regionCode', en: 'households: "addresses" needs a stored village: give regionCode' },
  'invalid_parameter.buildings_or_addresses': { zh: 'buildings 与 households: "addresses" 只能给一个', en: 'Give buildings or households: "addresses", not both' },
  specials_overlap: {
    zh: '{a} 与 {b} 重叠 {area} 平方米；专属网格可以相邻，不能重叠',
    en: '{a} and {b} overlap by {area} m²; special grids may touch but not overlap',
  },
  building_outside_area: {
    zh: '有 {count} 栋建筑在划分范围之外：{list}',
    en: '{count} building(s) outside the area: {list}',
  },

  // The division routes (server/routes/divisions.ts, server/db/divisions.ts).
  unknown_division: { zh: '没有编号为 {id} 的划分', en: 'No division with id {id}' },
  already_applied: { zh: '划分 {id} 已于 {at} 应用', en: 'Division {id} was applied at {at}' },
  stale_proposal: {
    zh: '方案生成后 {regionCode} 的网格已有变动；请重新划分',
    en: 'The grids of {regionCode} changed after this proposal was made; run the division again',
  },
  'invalid_parameter.region_code': { zh: 'regionCode 须为 12 位区划代码', en: 'regionCode must be a 12-digit region code' },
  'invalid_parameter.region_or_boundary': { zh: 'regionCode 和 boundary 只能给一个', en: 'Give either regionCode or boundary, not both' },
  'invalid_parameter.area_missing': {
    zh: '请给出划分范围：regionCode（已存储的村或社区）或 boundary（Polygon/MultiPolygon）',
    en: 'Give the area: regionCode (a stored village/community) or boundary (a Polygon/MultiPolygon)',
  },
  'not_a_village.division': { zh: '网格划分以村（社区）为单位；{code} 是{level}级区划', en: 'Grids divide a village/community; {code} is a {level}' },
  'no_buildings.stored': {
    zh: '请发送 buildings，或先存储 {code} 的建筑（PUT /api/regions/{code}/buildings）',
    en: 'Send buildings, or store the buildings of {code} first (PUT /api/regions/{code}/buildings)',
  },
  no_buildings: {
    zh: '没有可划分的建筑：请发送 buildings（FeatureCollection，含 properties.households）',
    en: 'There are no buildings to divide: send buildings (a FeatureCollection with properties.households)',
  },
  'invalid_parameter.grid_kind': { zh: 'gridKind 须为 urban 或 rural，收到“{got}”', en: 'gridKind must be urban or rural, got "{got}"' },
  not_done: { zh: '划分 {id} 的状态是 {status}；只有已完成的方案可以应用', en: 'Division {id} is {status}; only a finished proposal can be applied' },
  no_region: {
    zh: '该划分是对请求中给出的边界做的；只有已存储的村（社区）的划分可以应用',
    en: 'This division was made for an inline boundary; only a stored village can be applied',
  },
  // The flags and crossings of a proposal are in the issue-14 block of server/i18n/catalogue.ts
  // (division.flag.*, division.crossing.*), put into words by server/i18n/division.ts.
} as const;
