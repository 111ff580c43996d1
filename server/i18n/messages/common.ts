/**
 * Requests in general (query parameters, headers, bodies, conditional requests) and the words
 * other messages use: region levels, grid kinds, special types (server/i18n/words.ts).
 */
export const commonMessages = {
  /** A problem of one member of a request or one row of a file: `buildings[3]: …`. */
  'problem.at': { zh: '{where}：{message}', en: '{where}: {message}' },
  // A value quoted back to its sender (shown() in server/i18n/catalogue.ts).
  'value.quoted': { zh: '“{value}”', en: '"{value}"' },
  'value.shown_null': { zh: '空值', en: 'null' },
  'value.shown_nothing': { zh: '空值', en: 'nothing' },
  // Query parameters, headers and bodies (server/routes/params.ts).
  'invalid_parameter.once': { zh: '查询参数“{name}”只能给一次，且须为字符串', en: 'Query parameter "{name}" must be given once, as a string' },
  'invalid_parameter.time': {
    zh: '{name} 须为 ISO 8601 时间，如 2024-05-01T08:00:00+08:00，收到“{raw}”',
    en: '{name} must be an ISO 8601 time such as 2024-05-01T08:00:00+08:00, got "{raw}"',
  },
  'invalid_parameter.bbox_numbers': {
    zh: 'bbox 须为四个数：最小经度,最小纬度,最大经度,最大纬度，收到“{raw}”',
    en: 'bbox must be four numbers minLon,minLat,maxLon,maxLat, got "{raw}"',
  },
  'invalid_parameter.bbox_order': {
    zh: 'bbox 须为 最小经度,最小纬度,最大经度,最大纬度，且最小值不大于最大值，收到“{raw}”',
    en: 'bbox must be minLon,minLat,maxLon,maxLat with min ≤ max, got "{raw}"',
  },
  'swapped_coordinates.bbox': {
    zh: 'bbox“{raw}”看起来是 最小纬度,最小经度,…；请按 最小经度,最小纬度,最大经度,最大纬度 给出',
    en: 'bbox "{raw}" looks like minLat,minLon,…; give minLon,minLat,maxLon,maxLat',
  },
  'invalid_parameter.bbox_range': { zh: 'bbox“{raw}”超出经度 −180…180、纬度 −90…90 的范围', en: 'bbox "{raw}" is outside lon −180…180, lat −90…90' },
  invalid_crs: { zh: 'crs 须为 {allowed} 之一，收到 {got}', en: 'crs must be one of {allowed}, got {got}' },
  'invalid_parameter.boolean': { zh: '{name} 须为 true 或 false，收到“{raw}”', en: '{name} must be true or false, got "{raw}"' },
  'invalid_parameter.integer': { zh: '{name} 须为 {min} 到 {max} 的整数，收到“{raw}”', en: '{name} must be an integer from {min} to {max}, got "{raw}"' },
  'invalid_code.region': { zh: '区划代码为 12 位数字，收到“{got}”', en: 'A region code has 12 digits, got "{got}"' },
  'invalid_code.grid': { zh: '网格编码为 15 位数字，收到“{got}”', en: 'A grid code has 15 digits, got "{got}"' },
  precondition_required: {
    zh: '请在 If-Match 中给出所编辑版本的 ETag（先 GET 该网格读取）',
    en: 'Send If-Match with the ETag of the version you edited (GET the grid to read it)',
  },
  'invalid_header.actor_encoding': { zh: 'X-Actor 须为百分号编码的 UTF-8', en: 'X-Actor must be percent-encoded UTF-8' },
  'invalid_header.actor_text': { zh: 'X-Actor 的值{problem}', en: 'X-Actor {problem}' },
  'invalid_header.actor_length': { zh: 'X-Actor 最多 {max} 个字符', en: 'X-Actor must be at most {max} characters' },
  'invalid_parameter.reason_type': { zh: 'reason 须为字符串', en: 'reason must be a string' },
  'invalid_parameter.reason_length': { zh: 'reason 最多 {max} 个字符', en: 'reason must be at most {max} characters' },
  'invalid_parameter.reason_text': { zh: 'reason 的值{problem}', en: 'reason {problem}' },
  'unsupported_media_type.json': {
    zh: '请以 JSON 发送请求体（Content-Type: application/json 或 application/geo+json）',
    en: 'Send the body as JSON (Content-Type: application/json or application/geo+json)',
  },
  'invalid_json.required': { zh: '需要 JSON 请求体', en: 'A JSON body is required' },
  'invalid_json.object': { zh: '应为 JSON 对象', en: 'Expected a JSON object' },
  invalid_text: { zh: '请求体中有字符串{problem}', en: 'A string in the body {problem}' },
  too_deep: { zh: '请求体嵌套超过 {max} 层', en: 'The body is nested more than {max} levels deep' },

  // Bodies, and failures that are not the caller's request as such (server/errors.ts).
  payload_too_large: { zh: '请求体超过 {limit} 字节的上限', en: 'Request body exceeds the limit of {limit} bytes' },
  'invalid_json.body': { zh: '请求体不是有效的 JSON：{detail}', en: 'Request body is not valid JSON: {detail}' },
  unsupported_encoding: { zh: '不支持请求体的编码：{detail}', en: 'Unsupported body encoding: {detail}' },
  request_aborted: { zh: '客户端中止了请求', en: 'The request was aborted by the client' },
  bad_request: { zh: '请求有误：{detail}', en: 'Bad request: {detail}' },
  geometry_error: { zh: '几何引擎无法处理此几何：{detail}', en: 'The geometry engine could not process this geometry: {detail}' },
  query_timeout: {
    zh: '数据库未能及时完成本次请求，已将其取消；请缩小请求（范围、批量）或稍后再试',
    en: 'The database did not finish this request in time and cancelled it; try a smaller request (area, batch) or try again later',
  },

  // Text that PostgreSQL cannot store (server/formats/encoding.ts: unstorableText).
  'text.nul': { zh: '含有 NUL 字符（U+0000）', en: 'contains a NUL character (U+0000)' },
  'text.surrogate': { zh: '含有孤立的 UTF-16 代理字符（不是有效的 Unicode 文字）', en: 'contains a lone UTF-16 surrogate (not valid Unicode text)' },

  // The words of the domain, used inside other messages.
  'level.province': { zh: '省', en: 'province' },
  'level.city': { zh: '地市', en: 'city' },
  'level.county': { zh: '区县', en: 'county' },
  'level.township': { zh: '乡镇（街道）', en: 'township' },
  'level.village': { zh: '村（社区）', en: 'village' },
  'kind.urban': { zh: '城镇网格', en: 'urban' },
  'kind.rural': { zh: '农村网格', en: 'rural' },
  'kind.special': { zh: '专属网格', en: 'special' },
  'special.school': { zh: '学校', en: 'school' },
  'special.hospital': { zh: '医院', en: 'hospital' },
  'special.market': { zh: '市场', en: 'market' },
  'special.park': { zh: '公园', en: 'park' },
  'special.scenic': { zh: '景区', en: 'scenic' },
  'special.industrial': { zh: '工业园区', en: 'industrial' },
  'special.other': { zh: '其他', en: 'other' },
} as const;
