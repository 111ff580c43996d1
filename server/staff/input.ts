/**
 * A staff member as sent (JSON, or a roster row) → the fields to store, or the problems with
 * it, each a catalogue message. Pure: whether the grids and region exist is the data layer's.
 */
import type { Text } from '../i18n/catalogue.js';
import { text } from '../i18n/catalogue.js';
import { unstorableText } from '../formats/encoding.js';
import { dutyOf, type Duty } from './duties.js';
import { normalizePhone } from './phone.js';

export const MAX_STAFF_NAME = 50;
export const MAX_STAFF_GRIDS = 200;
export const STAFF_FIELDS = ['name', 'phone', 'duty', 'gridCodes', 'regionCode'] as const;

export interface StaffFields {
  name: string;
  phone: string | null;
  duty: Duty;
  regionCode: string | null;
  gridCodes: string[];
}

export interface FieldProblem {
  field: string;
  code: string;
  message: Text;
}

export type StaffCheck = { ok: true; value: StaffFields } | { ok: false; problems: FieldProblem[] };

/** Grid codes as a roster cell writes them: separated by commas, 、, ; or spaces. */
export function splitCodes(cell: string): string[] {
  return cell
    .normalize('NFKC')
    .split(/[\s,;、，；|/]+/)
    .map((code) => code.trim())
    .filter(Boolean);
}

/**
 * Checks the fields of `given`; fields left out keep their value in `current` (a PUT may send
 * only what changes). Unknown fields are refused, so that a typo never passes silently.
 */
export function checkStaffFields(given: Record<string, unknown>, current?: StaffFields): StaffCheck {
  const problems: FieldProblem[] = [];
  const unknown = Object.keys(given).filter((key) => !(STAFF_FIELDS as readonly string[]).includes(key) && key !== 'reason');
  if (unknown.length > 0) problems.push({ field: unknown[0]!, code: 'unknown_field', message: text('staff_unknown_field', { fields: unknown.join(', '), known: STAFF_FIELDS.join(', ') }) });
  const has = (field: string) => given[field] !== undefined;
  if (current && problems.length === 0 && !STAFF_FIELDS.some(has)) problems.push({ field: '', code: 'nothing_to_change', message: text('staff_nothing_to_change', { known: STAFF_FIELDS.join(', ') }) });

  let name = current?.name;
  if (has('name') || !current) {
    const raw = given.name;
    const trimmed = typeof raw === 'string' ? raw.normalize('NFKC').trim() : '';
    if (trimmed === '' || trimmed.length > MAX_STAFF_NAME || unstorableText(trimmed)) problems.push({ field: 'name', code: 'invalid_name', message: text('staff_invalid_name', { max: MAX_STAFF_NAME }) });
    else name = trimmed;
  }

  let phone = current?.phone ?? null;
  if (has('phone')) {
    const raw = given.phone;
    // null clears it; an empty string is more likely a form left blank by mistake.
    if (raw === null) phone = null;
    else {
      const normalized = typeof raw === 'string' ? normalizePhone(raw) : undefined;
      if (!normalized) problems.push({ field: 'phone', code: 'invalid_phone', message: text('staff_invalid_phone', { value: String(raw).slice(0, 40) }) });
      else phone = normalized;
    }
  }

  let duty = current?.duty;
  if (has('duty') || !current) {
    duty = dutyOf(given.duty);
    if (!duty) problems.push({ field: 'duty', code: 'invalid_duty', message: text('staff_invalid_duty', { value: String(given.duty ?? '').slice(0, 40) }) });
  }

  let regionCode = current?.regionCode ?? null;
  if (has('regionCode')) {
    const raw = given.regionCode;
    if (raw === null || raw === '') regionCode = null;
    else if (typeof raw !== 'string' || !/^\d{12}$/.test(raw)) problems.push({ field: 'regionCode', code: 'invalid_code', message: text('staff_invalid_region', { value: String(raw).slice(0, 40) }) });
    else regionCode = raw;
  }

  let gridCodes = current?.gridCodes ?? [];
  if (has('gridCodes')) {
    const raw = given.gridCodes;
    const list = typeof raw === 'string' ? splitCodes(raw) : raw;
    if (!Array.isArray(list) || list.length > MAX_STAFF_GRIDS || !list.every((code) => typeof code === 'string' && /^\d{15}$/.test(code))) {
      problems.push({ field: 'gridCodes', code: 'invalid_code', message: text('staff_invalid_grids', { max: MAX_STAFF_GRIDS }) });
    } else gridCodes = [...new Set(list as string[])].sort();
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { name: name!, phone, duty: duty!, regionCode, gridCodes } };
}

/** Roster columns (姓名, 电话, 职务, 网格编码, and 区划代码 for staff of a higher level), by any of their names. */
export const ROSTER_COLUMNS: Record<Exclude<(typeof STAFF_FIELDS)[number], never>, string[]> = {
  name: ['姓名', '名字', 'name', '人员姓名', '网格员姓名'],
  phone: ['电话', '手机', '手机号', '手机号码', '联系电话', '电话号码', 'phone', 'mobile', 'tel'],
  duty: ['职务', '职责', '岗位', '角色', '类别', 'duty', 'role'],
  gridCodes: ['网格编码', '网格代码', '网格编号', '所属网格', '网格', 'gridcodes', 'gridcode', 'grids', 'grid'],
  regionCode: ['区划代码', '服务区域', '所属区域', '区域代码', 'regioncode', 'region'],
};

const normalizeHeader = (name: string) => name.normalize('NFKC').replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-.（）()]+/g, '');

/** Which column holds which field; the required ones that are missing. */
export function rosterColumns(header: string[]): { columns: Partial<Record<keyof StaffFields, number>>; missing: string[] } {
  const keys = header.map(normalizeHeader);
  const columns: Partial<Record<keyof StaffFields, number>> = {};
  for (const [field, names] of Object.entries(ROSTER_COLUMNS) as [keyof StaffFields, string[]][]) {
    const index = keys.findIndex((key) => names.map(normalizeHeader).includes(key));
    if (index >= 0) columns[field] = index;
  }
  const missing = (['name', 'duty'] as const).filter((field) => columns[field] === undefined).map((field) => ROSTER_COLUMNS[field][0]!);
  if (columns.gridCodes === undefined && columns.regionCode === undefined) missing.push(ROSTER_COLUMNS.gridCodes[0]!);
  return { columns, missing };
}
