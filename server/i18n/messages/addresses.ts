/**
 * Locating points and addresses (server/routes/locate.ts, server/routes/addresses.ts,
 * server/routes/geocode.ts).
 */
export const addressMessages = {
  'invalid_coordinates.required': { zh: '缺少 {name}', en: '{name} is required' },
  'invalid_coordinates.number': { zh: '{name} 须为数值，收到“{raw}”', en: '{name} must be a number, got "{raw}"' },
  not_in_any_grid: { zh: '没有网格包含 [{lon}, {lat}]（{crs}）', en: 'No grid contains [{lon}, {lat}] ({crs})' },
  'invalid_json.locate': { zh: '应为 { "crs"?, "points": [[经度, 纬度], …], "fields"? }', en: 'Expected { "crs"?, "points": [[lon, lat], …], "fields"? }' },
  'invalid_parameter.fields': { zh: 'fields 给出时须为 "code"', en: 'fields must be "code" when given' },
  'batch_too_large.points': { zh: '点 {count} 个，每次请求最多 {limit} 个', en: '{count} points; one request takes at most {limit}' },
  'invalid_coordinates.pair': { zh: '应为 [经度, 纬度]，收到 {got}', en: 'expected [lon, lat], got {got}' },
  'unsupported_media_type.addresses': {
    zh: '请发送 GeoJSON FeatureCollection（application/geo+json）或 CSV（text/csv）',
    en: 'Send a GeoJSON FeatureCollection (application/geo+json) or CSV (text/csv)',
  },
  'empty_file.addresses': { zh: '请求体中没有地址', en: 'There are no addresses in the body' },
  invalid_rows: {
    zh: '{count} 行无法导入（第一处：第 {row} 行，{message}）；未导入任何地址。请修正，或加上 skipInvalid=true 导入其余 {good} 行',
    en: '{count} row(s) cannot be imported (first: row {row}, {message}); nothing was imported. Fix them, or send skipInvalid=true to import the {good} good row(s)',
  },
  'unknown_region.geocode': { zh: '没有区划 {code}', en: 'No region {code}' },
  'invalid_json.geocode': { zh: '应为 { "addresses": ["…", …], "region"?, "limit"? }', en: 'Expected { "addresses": ["…", …], "region"?, "limit"? }' },
  'batch_too_large.addresses': { zh: '地址 {count} 条，每次请求最多 {limit} 条', en: '{count} addresses; one request takes at most {limit}' },
  'invalid_parameter.limit': { zh: 'limit 须为 1 到 {max} 的整数', en: 'limit must be an integer from 1 to {max}' },
} as const;
