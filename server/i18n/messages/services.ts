/**
 * The standard interfaces other systems call, in their own error shapes: OGC API – Features
 * (`{ code, description }`, server/routes/ogc.ts) and Open311 GeoReport v2
 * (`[{ code, description }]`, server/routes/open311.ts).
 */
export const serviceMessages = {
  // OGC API – Features.
  'ogc.parameter': { zh: '{name}：{message}', en: '{name}: {message}' },
  'ogc.once': { zh: '只能给一次，且为普通值', en: 'give it once, as a plain value' },
  'ogc.unknown_parameter': { zh: '未知查询参数“{name}”；此资源接受 {allowed}', en: 'Unknown query parameter "{name}"; this resource takes {allowed}' },
  'ogc.no_parameters': { zh: '无参数', en: 'no parameters' },
  'ogc.json_only': { zh: 'f：本服务只以 JSON 应答（f=json）；不提供“{f}”', en: 'f: this service answers in JSON only (f=json); "{f}" is not available' },
  'ogc.crs84_only': { zh: '只支持 {crs}（WGS 84 经度、纬度），收到“{got}”', en: 'only {crs} (longitude, latitude in WGS 84) is supported, got "{got}"' },
  'ogc.integer': { zh: '须为 {min} 到 {max} 的整数，收到“{got}”', en: 'an integer from {min} to {max}, got "{got}"' },
  'ogc.bbox_numbers': { zh: '须为四个数 最小经度,最小纬度,最大经度,最大纬度（或带高程的六个数），收到“{got}”', en: 'four numbers minLon,minLat,maxLon,maxLat (or six with heights), got "{got}"' },
  'ogc.bbox_range': {
    zh: '“{got}”超出经度 −180…180、纬度 −90…90（顺序为 最小经度,最小纬度,最大经度,最大纬度）',
    en: '"{got}" is outside longitude −180…180, latitude −90…90 (the order is minLon,minLat,maxLon,maxLat)',
  },
  'ogc.bbox_lat_order': { zh: '最小纬度 {minLat} 大于最大纬度 {maxLat}', en: 'minLat {minLat} is above maxLat {maxLat}' },
  'ogc.bbox_lon_order': {
    zh: '最小经度 {minLon} 在最大经度 {maxLon} 以东（不支持跨越 180° 经线的范围）',
    en: 'minLon {minLon} is east of maxLon {maxLon} (boxes across the antimeridian are not supported)',
  },
  'ogc.datetime': {
    zh: '“{raw}”不是 RFC 3339 日期时间（如 2024-05-01T08:00:00Z 或 2024-05-01T16:00:00+08:00），也不是日期（如 2024-05-01）',
    en: '"{raw}" is not an RFC 3339 date-time such as 2024-05-01T08:00:00Z or 2024-05-01T16:00:00+08:00, nor a date such as 2024-05-01',
  },
  'ogc.datetime_zone': { zh: '“{raw}”没有时区；请加 Z（UTC）或偏移量，如 +08:00', en: '"{raw}" has no time zone; add Z (UTC) or an offset such as +08:00' },
  'ogc.instant_open': { zh: '时刻不能是开放的（".."）', en: 'an instant cannot be open ("..")' },
  'ogc.interval': { zh: '须为一个时刻或区间 起/止，收到“{raw}”', en: 'an instant or an interval start/end, got "{raw}"' },
  'ogc.interval_order': { zh: '区间“{raw}”的结束早于开始', en: 'the interval "{raw}" ends before it starts' },
  'ogc.one_of': { zh: '“{got}”不是 {allowed} 之一', en: '"{got}" is not one of {allowed}' },
  'ogc.region_code': { zh: '区划代码为 12 位数字，收到“{got}”', en: 'a region code has 12 digits, got "{got}"' },
  'ogc.grid_code': { zh: '网格编码为 15 位数字，收到“{got}”', en: 'a grid code has 15 digits, got "{got}"' },
  'ogc.light': { zh: '须为 {allowed} 之一，收到“{got}”', en: 'one of {allowed}, got "{got}"' },
  'ogc.not_region': { zh: '“{code}”不是区划代码（其本级以上有全为零的段）', en: '"{code}" is not a region code (a level above its own is all zeros)' },
  'ogc.no_time': {
    zh: 'datetime：{collection} 没有时间维度（不保存历史），不能按 datetime 过滤；请去掉它',
    en: 'datetime: {collection} have no time dimension (no history is kept), so datetime cannot filter them; leave it out',
  },
  'ogc.no_collection': { zh: '没有集合“{id}”；集合有 {collections}', en: 'No collection "{id}"; the collections are {collections}' },
  'ogc.no_feature': { zh: '{collection} 中没有要素“{id}”', en: 'No feature "{id}" in {collection}' },
  'ogc.read_only': { zh: '不支持 {method}：此 OGC API 只读（GET）', en: '{method} is not supported: this OGC API is read-only (GET)' },
  'ogc.no_resource': { zh: '没有资源 {path}；请从 {start} 开始', en: 'No resource {path}; start at {start}' },

  // Open311 GeoReport v2.
  'open311.locale': { zh: 'locale 须为 zh 或 en，收到“{got}”', en: 'locale must be zh or en, got "{got}"' },
  'open311.json_only': { zh: '只提供 JSON（不提供 GeoReport v2 的 XML）：请用 .json 代替 .{format}', en: "Only JSON is served (GeoReport v2's XML is not): use .json instead of .{format}" },
  'open311.service_description': { zh: '{name}：上报后 {hours} 小时内处置', en: '{name}: to be handled within {hours} hours of the report' },
  'open311.group': { zh: '网格事件', en: 'Grid incidents' },
  'open311.unknown_service': { zh: '找不到 service_code“{code}”；见 services.json', en: 'service_code "{code}" was not found; see services.json' },
  'open311.media_type': {
    zh: '请以 application/x-www-form-urlencoded（或 JSON 对象）发送请求',
    en: 'Send the request as application/x-www-form-urlencoded (or as a JSON object)',
  },
  'open311.fields_object': { zh: '请求字段应为对象', en: 'Expected the request fields as an object' },
  'open311.text_once': { zh: '{name} 只能给一次，且须为文字', en: '{name} must be given once, as text' },
  'open311.text_length': { zh: '{name} 有 {length} 个字符，最多 {max} 个', en: '{name} has {length} characters; at most {max}' },
  'open311.coordinate': { zh: '{name} 须为 WGS84 度数的十进制数，收到 {got}', en: '{name} must be a decimal number of WGS84 degrees, got {got}' },
  'open311.address_id': { zh: '此处不支持 address_id；请给出 lat 和 long，或 address_string', en: 'address_id is not supported here; give lat and long, or address_string' },
  'open311.location_required': { zh: '需要位置：lat 和 long（WGS84），或 address_string', en: 'A location is required: lat and long (WGS84), or address_string' },
  'open311.lat_long_together': { zh: 'lat 和 long 须同时给出', en: 'lat and long must be given together' },
  'open311.swapped': {
    zh: 'lat {lat}、long {long} 不在中国境内；两者像是写反了——lat 是纬度（南北向，中国境内 3.5…54），long 是经度（东西向，73…135.5）',
    en: 'lat {lat}, long {long} is outside China; the two look swapped — lat is the latitude (north–south, 3.5…54 in China), long the longitude (east–west, 73…135.5)',
  },
  'open311.at_point': { zh: 'lat {lat}、long {long}：{message}', en: 'lat {lat}, long {long}: {message}' },
  'open311.id': { zh: 'service_request_id 须为正整数，收到“{got}”', en: 'A service_request_id is a positive integer, got "{got}"' },
  'open311.status': { zh: 'status 须为 open 或 closed（可用逗号分隔），收到“{got}”', en: 'status must be open or closed (comma-separated), got "{got}"' },
  'open311.dates_order': { zh: 'start_date 不能晚于 end_date', en: 'start_date must not be after end_date' },
  'open311.dates_span': { zh: 'start_date 与 end_date 相隔不能超过 90 天', en: 'start_date and end_date may not span more than 90 days' },
  'open311.nearest': { zh: '{message}（最近的网格 {code}，相距 {distance} 米）', en: '{message} (nearest grid {code}, {distance} m away)' },
  'open311.service_code': { zh: '缺少 service_code；见 services.json', en: 'service_code is required; see services.json' },
  'open311.too_many_ids': { zh: '一次最多 {max} 个 service_request_id', en: 'At most {max} service_request_id at once' },
  'open311.unknown_request': { zh: '找不到 service_request_id {id}', en: 'service_request_id {id} was not found' },
  'open311.no_endpoint': { zh: '没有 Open311 接口 {method} {url}；见 {discovery}', en: 'No Open311 endpoint {method} {url}; see {discovery}' },
} as const;
