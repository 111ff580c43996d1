/**
 * Grids: writes, batches, history (server/db/grids.ts, server/db/grid-batch.ts,
 * server/routes/grids.ts, server/routes/grid-batch.ts).
 */
export const gridMessages = {
  'class.basic': { zh: '基础', en: 'basic' },
  'class.special': { zh: '专属', en: 'special' },
  batch_rejected: { zh: '{count} 个要素被拒绝，未写入任何内容', en: '{count} feature(s) refused; nothing was written' },
  codes_exhausted: {
    zh: '村（社区）{regionCode} 的{numberClass}网格编号已用完（{first}–{last}；注销的编号不再使用）',
    en: 'Village {regionCode} has no {numberClass} grid numbers left ({first}–{last}; retired numbers are never reused)',
  },
  unknown_grid: { zh: '没有编码为 {code} 的网格', en: 'No grid with code {code}' },
  'unknown_grid.batch': { zh: '没有编码为 {codes} 的网格；未写入任何内容', en: 'No grid with code {codes}; nothing was written' },
  grid_retired: { zh: '网格 {code} 已于 {at} 注销', en: 'Grid {code} was retired at {at}' },
  grid_not_yet_created: { zh: '网格 {code} 创建于 {createdAt}，晚于 {at}', en: 'Grid {code} was created at {createdAt}, after {at}' },
  stale_version: {
    zh: '网格 {code} 当前是第 {version} 版，不是 {expected}：请重新加载后再试',
    en: 'Grid {code} is at version {version}, not {expected}: reload it and retry',
  },
  'stale_version.none_given': { zh: '（未给出）', en: '(none given)' },
  'stale_version.batch': {
    zh: '{codes} 在您读取后已被修改：请重新加载后再试；未写入任何内容',
    en: '{codes} changed since you read them: reload and retry; nothing was written',
  },
  region_change: {
    zh: '网格 {code} 属于 {from}，不能移到 {to}——请注销它，在那里新建一个',
    en: 'Grid {code} belongs to {from}; a grid cannot move to {to} — retire it and create one there',
  },
  kind_class_change: {
    zh: '网格 {code} 是{current}网格，其编号不能用于{kind}——请注销它，另建一个',
    en: 'Grid {code} is a {current} grid; its number cannot hold a {kind} grid — retire it and create a new one',
  },
  'change.at': { zh: '第 {index} 项修改：{message}', en: 'Change {index}: {message}' },
  'invalid_change.code': { zh: 'code 须为 15 位网格编码，收到 {got}', en: 'code must be a grid code of 15 digits, got {got}' },
  'invalid_change.version': {
    zh: 'version 须为您所编辑网格的版本号（不小于 1 的整数），收到 {got}',
    en: "version must be the grid's version you edited (a whole number ≥ 1), got {got}",
  },
  'invalid_change.object': { zh: '每项修改须为含 "op" 的对象', en: 'Each change must be an object with "op"' },
  'invalid_change.update_empty': { zh: '更新须包含 "geometry"、"properties" 或两者', en: 'An update needs "geometry", "properties" or both' },
  'invalid_change.properties': { zh: 'properties 须为对象', en: 'properties must be an object' },
  'code_mismatch.change': { zh: 'properties.code {got} 与本项修改的编码 {code} 不一致', en: "properties.code {got} does not match the change's code {code}" },
  'invalid_change.op': { zh: 'op 须为 "update"、"create" 或 "retire"，收到 {got}', en: 'op must be "update", "create" or "retire", got {got}' },
  invalid_batch: { zh: '应为 { "reason"?, "changes": [ … ] }', en: 'Expected { "reason"?, "changes": [ … ] }' },
  'empty_batch.changes': { zh: '这批修改是空的', en: 'The batch has no changes' },
  'batch_too_large.changes': { zh: '修改 {count} 项，每批最多 {limit} 项', en: '{count} changes; one batch takes at most {limit}' },
  'batch_too_large.batch_vertices': { zh: '顶点 {count} 个，每批最多 {limit} 个', en: '{count} vertices; one batch takes at most {limit}' },
  duplicate_code: { zh: '网格 {code} 被修改了两次（第 {first} 项和第 {second} 项）；每个网格只能有一项修改', en: 'Grid {code} is changed twice (changes {first} and {second}); send one change per grid' },
  'invalid_geojson.features': { zh: '应为带 "features" 数组的 GeoJSON FeatureCollection', en: 'Expected a GeoJSON FeatureCollection with a "features" array' },
  'empty_batch.features': { zh: 'FeatureCollection 中没有要素', en: 'The FeatureCollection has no features' },
  'batch_too_large.import_features': { zh: '要素 {count} 个，每次导入最多 {limit} 个', en: '{count} features; one import takes at most {limit}' },
  'batch_too_large.import_vertices': { zh: '顶点 {count} 个，每次导入最多 {limit} 个', en: '{count} vertices; one import takes at most {limit}' },
  code_mismatch: { zh: 'properties.code {got} 与 URL 中的 {code} 不一致', en: "properties.code {got} does not match the URL's {code}" },
} as const;
