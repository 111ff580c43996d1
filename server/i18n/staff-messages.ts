/**
 * Messages of issue 18 — people in the grid (staff, dispatch to a person, worker keys, patrols,
 * visits, assessment, residents' reports) — spread into the one catalogue (catalogue.ts).
 */
import type { Message } from './catalogue.js';

export const staffMessages = {
  // Staff (定员)
  unknown_staff: { zh: '没有编号为 {id} 的网格人员', en: 'No staff member with id {id}' },
  staff_removed: { zh: '网格人员 {id} 已被移除', en: 'Staff member {id} has been removed' },
  staff_no_place: { zh: '网格人员须至少负责一个网格（gridCodes），或服务一个区域（regionCode）', en: 'A staff member holds at least one grid (gridCodes) or serves a region (regionCode)' },
  staff_unknown_grid: { zh: '没有编码为 {code} 的网格', en: 'No grid with code {code}' },
  staff_grid_retired: { zh: '网格 {code} 已撤销，不能再分配人员', en: 'Grid {code} is retired: nobody can hold it' },
  staff_unknown_region: { zh: '没有代码为 {code} 的区域', en: 'No region with code {code}' },
  staff_grid_outside_region: { zh: '网格 {code} 不在该人员服务的区域 {region} 内', en: 'Grid {code} lies outside the region {region} this person serves' },
  staff_grids_apart: { zh: '网格 {code} 与其他网格不在同一街道/乡镇（{township}）：一名网格人员由一个街道管理', en: 'Grid {code} is not in the same township ({township}) as the other grids: a staff member is managed by one township' },
  staff_stale_version: { zh: '网格人员 {id} 已是第 {version} 版：请重新读取后再修改', en: 'Staff member {id} is at version {version}: reload and retry' },
  staff_exists: { zh: '已有同名同电话的网格人员（编号 {id}）', en: 'A staff member with this name and phone exists already (id {id})' },
  staff_invalid_body: { zh: '请求体应为对象 { name, phone, duty, gridCodes, regionCode? }', en: 'Expected an object { name, phone, duty, gridCodes, regionCode? }' },
  staff_invalid_name: { zh: 'name（姓名）必填：1–{max} 个字符', en: 'name is required: 1–{max} characters' },
  staff_invalid_phone: { zh: 'phone（电话）“{value}”不是中国大陆手机号或带区号的固定电话（如 13800138000、0591-87654321）', en: 'phone "{value}" is not a Chinese mobile number or a landline with its area code (13800138000, 0591-87654321)' },
  staff_invalid_duty: { zh: 'duty（职务）应为 leader/fulltime/parttime/assistant 或 网格长/专职网格员/兼职网格员/协管员，收到“{value}”', en: 'duty must be leader, fulltime, parttime or assistant (or 网格长, 专职网格员, 兼职网格员, 协管员), got "{value}"' },
  staff_invalid_grids: { zh: 'gridCodes（网格编码）应为 15 位网格编码的数组（至多 {max} 个）', en: 'gridCodes must be an array of 15-digit grid codes (at most {max})' },
  staff_invalid_region: { zh: 'regionCode 应为 12 位区划代码，收到“{value}”', en: 'regionCode must be a 12-digit region code, got "{value}"' },
  staff_invalid_id: { zh: '网格人员编号应为正整数，收到“{value}”', en: 'A staff id is a positive integer, got "{value}"' },
  staff_unknown_field: { zh: '未知字段：{fields}；可用字段：{known}', en: 'Unknown field(s) {fields}; known: {known}' },
  staff_import_header: { zh: 'CSV 表头缺少列：{missing}（应有 姓名、电话、职务、网格编码）', en: 'The CSV header lacks the column(s) {missing} (expected 姓名, 电话, 职务, 网格编码)' },
  staff_import_empty: { zh: 'CSV 没有数据行', en: 'The CSV has no rows' },
  staff_import_too_many: { zh: 'CSV 有 {rows} 行；一次最多导入 {max} 行', en: 'The CSV has {rows} rows; one import takes at most {max}' },
  staff_import_unreadable: { zh: 'CSV 无法读取：{reason}', en: 'The CSV cannot be read: {reason}' },
  staff_import_rejected: { zh: '{count} 行有误（第一处：第 {row} 行，见 details.problems）；未写入任何数据', en: '{count} row(s) refused (first: line {row}, see details.problems); nothing was written' },
  staff_import_row_twice: { zh: '与第 {row} 行是同一人（同名同电话）', en: 'the same person as line {row} (same name and phone)' },
  // Dispatch to a person
  assignee_invalid: { zh: 'assignee 应为网格人员编号（正整数）', en: 'assignee must be a staff id (a positive integer)' },
  assignee_not_here: { zh: '网格人员 {id} 不负责该事件所在网格或区域：只能派给本网格或其上级区域的人员', en: 'Staff member {id} does not serve this incident’s grid or region: assign it to staff of its grid or of a region above it' },
  assignee_only_on_dispatch: { zh: '只有派遣（to: dispatched）时才能指定 assignee', en: 'assignee can be given only when dispatching (to: dispatched)' },
  worker_not_own_staff: { zh: '网格员密钥只能以本人身份（staffId {own}）记录', en: 'A worker key records for its own staff member only (staffId {own})' },
  key_worker_staff: { zh: '网格员密钥需要 staffId：它代表的网格人员', en: 'A worker key needs staffId: the staff member it stands for' },
  // Photos from phones
  photo_too_large: { zh: '照片太大：最多 {mib} MB', en: 'The photo is too large: at most {mib} MB' },
  photo_too_many_pixels: { zh: '照片像素太多：最多 {megapixels} 百万像素', en: 'The photo has too many pixels: at most {megapixels} megapixels' },
  photo_unsupported_type: { zh: '照片须为 JPEG 或 PNG 图片', en: 'The photo must be a JPEG or PNG image' },
  photo_unreadable: { zh: '照片无法读取（文件损坏或不完整）', en: 'The photo cannot be read (a damaged or incomplete file)' },
} satisfies Record<string, Message>;
