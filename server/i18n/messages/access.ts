/**
 * Keys, roles, scope and the audit log (server/http/authorize.ts, server/http/authenticate.ts,
 * server/routes/keys.ts, server/access/new-key.ts, server/routes/audit.ts, server/app.ts).
 * The access and hardening block of issue 13 sits in catalogue.ts itself.
 */
export const accessMessages = {
  key_required: {
    zh: '此接口需要 API 密钥（Authorization: Bearer …），且角色须有“{permission}”权限：{roles}',
    en: 'This endpoint needs an API key (Authorization: Bearer …) with a role that may {permission}: {roles}',
  },
  method_not_allowed: { zh: '此处不支持 {method}；可用：{allowed}', en: '{method} is not supported here; allowed: {allowed}' },
  'method_not_allowed.ogc': { zh: '此处不支持 {method}：此 OGC API 只读（GET）', en: '{method} is not supported here: this OGC API is read-only (GET)' },
  no_such_endpoint: { zh: '没有接口 {method} {path}', en: 'No endpoint {method} {path}' },
  forbidden_role: { zh: '{role} 角色的密钥不能执行“{needs}”；可以的角色：{roles}', en: 'A {role} key may not {needs}; roles that may: {roles}' },
  'forbidden_role.addresses': { zh: '{role} 角色的密钥不能导入地址；可以的角色：{roles}', en: 'A {role} key may not import addresses; roles that may: {roles}' },
  out_of_scope: { zh: '{what}（{code}）不在本密钥的范围（{scope}）内', en: '{what} ({code}) lies outside the area of this key ({scope})' },
  'out_of_scope.prefix': { zh: '所查询的区划不在本密钥的范围（{scope}）内', en: 'The region asked for lies outside the area of this key ({scope})' },
  'out_of_scope.addresses': { zh: '地址库只能由管辖全部区划的密钥导入', en: 'Addresses are imported by keys of the whole tree' },
  'out_of_scope.audit': { zh: '审计日志只对管辖全部区划的管理员开放', en: 'The audit log is for admins of the whole tree' },
  'out_of_scope.revoke_root': { zh: '管辖全部区划的密钥只能由管辖全部区划的管理员吊销', en: 'A key for the whole tree can only be revoked by an admin of the whole tree' },
  'invalid_header.authorization': { zh: 'Authorization 须为“Bearer <密钥>”', en: 'Authorization must be "Bearer <key>"' },
  'invalid_parameter.api_key': { zh: 'api_key 只能给一次，且须为字符串', en: 'api_key must be given once, as a string' },
  'invalid_parameter.access_token': { zh: 'access_token 只能给一次，且须为字符串', en: 'access_token must be given once, as a string' },
  'invalid_json.key': { zh: '应为 JSON 对象 { name, role, regionCode?, deviceIds? }', en: 'Expected a JSON object { name, role, regionCode?, deviceIds? }' },
  'unknown_device.key': {
    zh: '没有设备 {id}：管辖一个区域的管理员只能为本区域已登记的设备生成密钥',
    en: 'No device {id}: an admin of one area makes keys for registered devices of its area only',
  },
  'invalid_id.key': { zh: '密钥编号形如 k_0123456789ab，收到“{got}”', en: 'A key id looks like k_0123456789ab, got "{got}"' },
  'unknown_region.key': { zh: '没有代码为 {code} 的区划', en: 'No region with code {code}' },
  unknown_key: { zh: '没有编号为 {id} 的有效密钥', en: 'No active key with id {id}' },
  'invalid_parameter.audit_entity': {
    zh: 'entity 为表名，可带编号：grids 或 grids:420111002003001',
    en: 'entity is a table name, optionally with an id: grids or grids:420111002003001',
  },
  // A new key's fields (the API names them name, role…; the keys CLI --name, --role…).
  'new_key.name': { zh: '须给出 {label}：不超过 {max} 个字符的非空文字', en: '{label} must be given: a non-empty text of at most {max} characters' },
  'new_key.role': { zh: '{label} 须为 {allowed} 之一{got}', en: '{label} must be one of {allowed}{got}' },
  'new_key.got': { zh: '，收到“{value}”', en: ', got "{value}"' },
  'new_key.region': { zh: '{label} 须为 12 位区划代码，收到“{got}”', en: '{label} must be a 12-digit region code, got "{got}"' },
  'new_key.devices_only': { zh: '{label} 只用于设备密钥（role 为 device）', en: '{label} belongs to device keys only (role device)' },
  'new_key.devices_needed': {
    zh: '设备密钥需要 {label}：允许它发送事件的设备（1–{max} 个编号）',
    en: 'a device key needs {label}: the devices whose events it may send (1–{max} ids)',
  },
  'new_key.devices_many': { zh: '设备密钥最多 {max} 个设备，收到 {count} 个', en: 'a device key has at most {max} devices, got {count}' },
  'new_key.device_id': { zh: '设备编号须为 1–{max} 个字符的文字，收到“{got}”', en: 'a device id is a text of 1–{max} characters, got "{got}"' },
  // What a scope refusal names (assertCovers).
  'subject.this': { zh: '该对象', en: 'This' },
  'subject.region': { zh: '区划', en: 'The region' },
  'subject.village': { zh: '村（社区）', en: 'The village' },
  'subject.grid': { zh: '网格', en: 'The grid' },
  'subject.grid_village': { zh: '网格所属的村（社区）', en: 'The grid’s village' },
  'subject.device': { zh: '设备', en: 'The device' },
  'subject.device_id': { zh: '设备 {id}', en: 'Device {id}' },
  'subject.incident': { zh: '事件', en: 'The incident' },
  'subject.incident_grid': { zh: '事件所在的网格', en: 'The incident’s grid' },
  'subject.request_grid': { zh: '诉求所在的网格', en: 'The request’s grid' },
  'subject.division_village': { zh: '该划分所属的村（社区）', en: 'The division’s village' },
  'subject.new_key_region': { zh: '新密钥的区划', en: 'The new key’s region' },
  'subject.key_region': { zh: '该密钥的区划', en: 'The key’s region' },
} as const;
