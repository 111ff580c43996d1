/**
 * Importing a roster (花名册): a CSV as rosters are kept in spreadsheets — 姓名, 电话, 职务,
 * 网格编码 (several codes in one cell), GBK or UTF-8 — checked row by row and written all at
 * once, or not at all: every bad row is listed with its line and why.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createStaffBatch, placeProblems, type StaffMember, type StaffMeta } from '../db/staff.js';
import { readCsvRecords } from '../formats/csv.js';
import { FileError } from '../formats/source.js';
import { text, type Text } from '../i18n/catalogue.js';
import { invalidError } from '../domain-errors.js';
import { checkStaffFields, rosterColumns, STAFF_FIELDS, type StaffFields } from '../staff/input.js';

export const MAX_ROSTER_ROWS = 5000;

export interface RosterProblem {
  line: number;
  code: string;
  message: Text;
}

export interface RosterResult {
  rows: number;
  staff: StaffMember[];
}

/** The roster's rows as staff fields, or the problems of its bad rows. */
export function readRoster(bytes: Uint8Array): { rows: { line: number; fields: StaffFields }[]; problems: RosterProblem[] } {
  let records;
  try {
    records = readCsvRecords(bytes);
  } catch (error) {
    if (error instanceof FileError) throw invalidError('invalid_csv', text('staff_import_unreadable', { reason: error.message }));
    throw error;
  }
  if (records.header.length === 0 || records.lines.length === 0) throw invalidError('empty_file', text('staff_import_empty'));
  if (records.lines.length > MAX_ROSTER_ROWS) throw invalidError('too_many_rows', text('staff_import_too_many', { rows: records.lines.length, max: MAX_ROSTER_ROWS }));
  const { columns, missing } = rosterColumns(records.header);
  if (missing.length > 0) throw invalidError('missing_columns', text('staff_import_header', { missing: missing.join(', ') }), { header: records.header });
  const rows: { line: number; fields: StaffFields }[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.lines) {
    const given: Record<string, unknown> = {};
    for (const field of STAFF_FIELDS) {
      const index = columns[field];
      if (index !== undefined && record[index] !== undefined && record[index] !== '') given[field] = record[index];
    }
    const checked = checkStaffFields(given);
    if (!checked.ok) {
      for (const problem of checked.problems) problems.push({ line: info.lines, code: problem.code, message: problem.message });
      continue;
    }
    const person = `${checked.value.name}|${checked.value.phone ?? ''}`;
    const twin = seen.get(person);
    if (twin !== undefined && checked.value.phone) {
      problems.push({ line: info.lines, code: 'duplicate_row', message: text('staff_import_row_twice', { row: twin }) });
      continue;
    }
    seen.set(person, info.lines);
    rows.push({ line: info.lines, fields: checked.value });
  }
  return { rows, problems };
}

/**
 * Checks every row against the store (grids that exist and live, one township per person) and
 * the caller's area (`mayHold`, which throws for a place outside it), then writes them all.
 * `dryRun` checks and writes nothing.
 */
export async function importRoster(
  db: Kysely<Database>,
  bytes: Uint8Array,
  meta: StaffMeta,
  options: { dryRun: boolean; mayHold: (place: string) => void },
): Promise<{ rows: number; created: number; staff: StaffMember[]; dryRun: boolean }> {
  const { rows, problems } = readRoster(bytes);
  for (const row of rows) {
    for (const place of [...row.fields.gridCodes, ...(row.fields.regionCode ? [row.fields.regionCode] : [])]) options.mayHold(place);
    for (const problem of await placeProblems(db, row.fields)) problems.push({ line: row.line, code: problem.code, message: problem.message });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const [first] = problems;
    throw invalidError('import_rejected', text('staff_import_rejected', { count: new Set(problems.map((p) => p.line)).size, row: first!.line }), { problems });
  }
  if (options.dryRun) return { rows: rows.length, created: 0, staff: [], dryRun: true };
  const staff = await createStaffBatch(db, rows.map((row) => row.fields), meta);
  return { rows: rows.length, created: staff.length, staff, dryRun: false };
}
