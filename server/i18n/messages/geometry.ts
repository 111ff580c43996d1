/**
 * Geometry and coordinates: GeoJSON structure, China's extent, validity, topology checks of
 * grid writes (server/geo/validate.ts, server/geo/features.ts, server/db/grid-checks.ts).
 */
export const geometryMessages = {
  'invalid_coordinates.not_numbers': { zh: '经度和纬度须为有限数值，收到 {got}', en: 'lon and lat must be finite numbers, got {got}' },
  'swapped_coordinates.point': {
    zh: '[{lon}, {lat}] 不在中国境内，看起来是 [纬度, 经度]——请经度在前',
    en: '[{lon}, {lat}] is outside China; it looks like [lat, lon] — give lon first',
  },
  'outside_china.point': {
    zh: '[{lon}, {lat}] 超出中国范围（经度 {minLon}–{maxLon}，纬度 {minLat}–{maxLat}）',
    en: "[{lon}, {lat}] is outside China's extent (lon {minLon}–{maxLon}, lat {minLat}–{maxLat})",
  },
  'swapped_coordinates.position': {
    zh: '坐标点 [{lon}, {lat}] 不在中国境内，看起来是 [纬度, 经度]——GeoJSON 的坐标是 [经度, 纬度]',
    en: 'Position [{lon}, {lat}] is outside China; it looks like [lat, lon] — GeoJSON positions are [lon, lat]',
  },
  'outside_china.position': {
    zh: '坐标点 [{lon}, {lat}] 超出中国范围（经度 {minLon}–{maxLon}，纬度 {minLat}–{maxLat}）',
    en: "Position [{lon}, {lat}] is outside China's extent (lon {minLon}–{maxLon}, lat {minLat}–{maxLat})",
  },
  'invalid_geojson.geometry_object': { zh: 'geometry 须为 GeoJSON 的 Polygon 或 MultiPolygon 对象', en: 'geometry must be a GeoJSON Polygon or MultiPolygon object' },
  'wrong_geometry_type.polygonal': { zh: '几何须为面（Polygon 或 MultiPolygon），收到 {got}', en: 'geometry must be a Polygon or MultiPolygon, got {got}' },
  'invalid_geojson.trace': { zh: '{type} 无效：{trace}', en: 'Invalid {type}: {trace}' },
  'invalid_geojson.empty': { zh: '{type} 为空：每个多边形都需要一个外环', en: 'Empty {type}: every polygon needs an outer ring' },
  'invalid_geojson.position_length': {
    zh: '坐标点 {position} 有 {count} 个数值；坐标点应为 [经度, 纬度] 或 [经度, 纬度, 高程]',
    en: 'Position {position} has {count} numbers; a position is [lon, lat] or [lon, lat, height]',
  },
  'invalid_geojson.position_not_finite': { zh: '坐标点 {position} 含有非有限数值', en: 'Position {position} has a non-finite number' },
  'invalid_geojson.not_finite': { zh: '坐标含有非有限数值', en: 'non-finite coordinates' },
  too_many_vertices: { zh: '几何有 {vertices} 个顶点，上限为 {limit} 个', en: 'Geometry has {vertices} vertices; the limit is {limit}' },
  'invalid_geojson.not_feature': { zh: '应为 GeoJSON Feature 对象', en: 'Expected a GeoJSON Feature object' },
  'invalid_geojson.feature_type': { zh: '"type" 应为 "Feature"，收到 {got}', en: 'Expected "type": "Feature", got {got}' },
  'invalid_geojson.properties': { zh: 'Feature 的 "properties" 须为对象', en: 'Feature "properties" must be an object' },

  // What geojson-validation traces, in words (server/geo/validate.ts: geojsonTrace).
  'geojson_trace.ring_not_closed': { zh: '首尾坐标点须相同（环须闭合）', en: 'The first and last positions must be equivalent' },
  'geojson_trace.ring_too_short': { zh: '环至少要有四个坐标点', en: 'coordinates must have at least four positions' },
  'geojson_trace.line_too_short': { zh: '线至少要有两个坐标点', en: 'coordinates must have at least two elements' },
  'geojson_trace.position_too_short': { zh: '坐标点至少要有两个数值', en: 'Position must be at least two elements' },
  'geojson_trace.position_not_numbers': { zh: '坐标点只能由数值组成', en: 'Position must only contain numbers' },
  'geojson_trace.not_array': { zh: '坐标须为数组', en: 'coordinates must be an array' },
  'geojson_trace.no_coordinates': { zh: '缺少 "coordinates" 成员', en: 'must have a member with the name "coordinates"' },
  'geojson_trace.malformed': { zh: '坐标格式错误', en: 'malformed coordinates' },
  'geojson_trace.other': { zh: 'GeoJSON 结构有误（{trace}）', en: '{trace}' },

  // Properties of grid and region Features (server/geo/features.ts). {field} is the property as
  // the reader knows it: properties.name in a request, or the file's column in an import.
  'field.property': { zh: '属性 properties.{property}', en: 'properties.{property}' },
  'field.column': { zh: '{property}（文件列“{column}”）', en: '{property} (column "{column}")' },
  'field.no_column': { zh: '{property}（文件中没有对应的列）', en: '{property} (no column of the file maps to it)' },
  'invalid_property.empty_string': { zh: '{field} 不能为空', en: '{field} must be a non-empty string' },
  'invalid_property.too_long': { zh: '{field} 最多 {max} 个字符', en: '{field} must be at most {max} characters' },
  'invalid_property.count': { zh: '{field} 须为 0 到 {max} 的整数，收到 {got}', en: '{field} must be a whole number from 0 to {max}, got {got}' },
  'invalid_property.code_digits': { zh: '{field} 须为 {digits} 位数字，收到 {got}', en: '{field} must be a string of {digits} digits, got {got}' },
  'invalid_property.one_of': { zh: '{field} 须为 {allowed} 之一，收到 {got}', en: '{field} must be one of {allowed}, got {got}' },
  'invalid_property.special_type': {
    zh: '专属网格的 {field} 须为 {allowed} 之一，收到 {got}',
    en: '{field} must be one of {allowed} for a special grid, got {got}',
  },
  'invalid_property.special_type_only_special': {
    zh: '{field} 只适用于专属网格（kind 为 "special"），本网格为“{kind}”',
    en: '{field} is only for kind "special" (this grid is "{kind}")',
  },

  // Topology checks of grid writes (server/db/grid-checks.ts).
  'unknown_region.code': { zh: '没有代码为 {regionCode} 的区划', en: 'No region with code {regionCode}' },
  'not_a_village.grid': {
    zh: '网格须挂在村（社区）下；{regionCode} 是{level}级区划',
    en: 'Grids belong to a village/community; {regionCode} is a {level}',
  },
  'invalid_geometry.polygon': { zh: '多边形无效：{reason}', en: 'Invalid polygon: {reason}' },
  'outside_region.grid': {
    zh: '网格有 {area} 平方米超出所属村（社区）{regionCode} 的边界（容差 {tolerance} 米）',
    en: 'The grid reaches {area} m² outside its village/community {regionCode} (tolerance {tolerance} m)',
  },
  'overlap.grid': {
    zh: '网格与网格 {other} 重叠 {area} 平方米（容差 {tolerance} 平方米）',
    en: 'The grid overlaps grid {other} by {area} m² (tolerance {tolerance} m²)',
  },
  'overlap.feature': {
    zh: '网格与本次请求的第 {other} 个要素重叠 {area} 平方米（容差 {tolerance} 平方米）',
    en: 'The grid overlaps feature {other} of this request by {area} m² (tolerance {tolerance} m²)',
  },

  // GEOS' validity reasons (ST_IsValidReason), in words; the point stays as GEOS gives it.
  // A reason GEOS gives that the table above does not know: its own words, marked as such.
  'geos.other': { zh: 'GEOS 判定无效：{reason}', en: '{reason}' },
  'geos.self_intersection': { zh: '自相交{at}', en: 'Self-intersection{at}' },
  'geos.ring_self_intersection': { zh: '环自相交{at}', en: 'Ring Self-intersection{at}' },
  'geos.too_few_points': { zh: '点数太少{at}', en: 'Too few points in geometry component{at}' },
  'geos.hole_outside_shell': { zh: '内环（洞）在外环之外{at}', en: 'Hole lies outside shell{at}' },
  'geos.nested_holes': { zh: '内环（洞）互相嵌套{at}', en: 'Holes are nested{at}' },
  'geos.nested_shells': { zh: '外环互相嵌套{at}', en: 'Nested shells{at}' },
  'geos.disconnected_interior': { zh: '内部不连通{at}', en: 'Interior is disconnected{at}' },
  'geos.duplicate_rings': { zh: '环重复{at}', en: 'Duplicate Rings{at}' },
  'geos.invalid_coordinate': { zh: '坐标无效{at}', en: 'Invalid Coordinate{at}' },
  'geos.ring_not_closed': { zh: '环未闭合{at}', en: 'Ring is not closed{at}' },
} as const;
