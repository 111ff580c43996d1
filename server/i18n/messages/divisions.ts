/**
 * Auto-division: its request checks (server/geo/divide/input.ts, prepare.ts), the flags and
 * crossings of a proposal (server/geo/divide/index.ts), and the division routes. The division
 * issue (14) adds its own flag keys in a block of its own.
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
  'invalid_property.barrier_kind': { zh: 'properties.kind 须为 {allowed} 之一', en: 'properties.kind must be one of {allowed}' },
  'invalid_property.special_type_division': { zh: 'properties.specialType 须为 {allowed} 之一', en: 'properties.specialType must be one of {allowed}' },
  'invalid_property.special_code': { zh: '给出 properties.code 时须为 15 位网格编码', en: 'properties.code must be a 15-digit grid code when given' },
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

  // Flags of proposed grids, and why a grid contains a barrier (server/geo/divide/index.ts).
  'flag.above_max': {
    zh: '{households} 户，超过 {max} 户：所在街区、建筑或小区内没有可沿其划分而不拆开建筑的线',
    en: '{households} households: more than {max}, in a block, building or compound that has no line to divide it along without splitting a building',
  },
  'flag.below_min_area': { zh: '{households} 户：整个区域不足 {min} 户', en: '{households} households: the whole area has fewer than {min}' },
  'flag.below_min': {
    zh: '{households} 户，不足 {min} 户：相邻网格都无法并入它而不跨越主要分隔线或超过 {max} 户',
    en: '{households} households: fewer than {min}, and no neighbour could take it without crossing a major barrier or exceeding {max}',
  },
  'flag.crosses_barrier': { zh: '网格内有 {length} 米{kind}', en: 'contains {length} m of {kind}' },
  'flag.not_contiguous': { zh: '由 {parts} 块不相连的部分组成（由小区或建筑连在一起）', en: '{parts} separate parts (a compound or building joins them)' },
  'crossing.dead_end': { zh: '分隔线在网格内中断（断头路）', en: 'the barrier ends inside the grid (a dead end)' },
  'crossing.same_unit': { zh: '一栋建筑或一个住宅小区跨越了这条分隔线', en: 'a building or residential compound spans the barrier' },
  'crossing.joined': { zh: '跨越分隔线合并', en: 'joined across the barrier' },
  'crossing.several': { zh: '多个原因：{reasons}', en: '{reasons}' },
  'crossing.both_below_min': { zh: '两侧都不足最低户数，且没有其他相邻单元可并', en: 'both sides were below the minimum and had no other neighbour to join' },
  'crossing.empty': { zh: '无住户的区域', en: 'an area without households' },
  'crossing.empty_alone': {
    zh: '无住户的区域（如两幅车道之间的道路用地），这一侧没有相邻单元',
    en: 'an area without households (e.g. road space between carriageways), with no neighbour on this side',
  },
  'edge.major_road': { zh: '主干道路', en: 'major road' },
  'edge.minor_road': { zh: '次要道路', en: 'minor road' },
  'edge.path': { zh: '小路', en: 'path' },
  'edge.rail': { zh: '铁路', en: 'rail' },
  'edge.river': { zh: '河流', en: 'river' },
  'edge.water': { zh: '水域边界', en: 'water' },
  'edge.ridge': { zh: '山脊', en: 'ridge' },
  'edge.wall': { zh: '围墙', en: 'wall' },
  'edge.boundary': { zh: '区域边界', en: 'area boundary' },
  'edge.cut': { zh: '切分线', en: 'cut' },
} as const;
