/**
 * The duties of grid staff (定责) and the words people write for them. A grid has a 网格长
 * (leader), full-time (专职) and part-time (兼职) grid workers, and assistants (协管员, 网格助理
 * and the like); the API's values are the English codes, and the Chinese names are accepted as
 * they come in rosters and spreadsheets.
 */
import type { StaffDuty } from '../db/schema.js';

export const DUTIES = ['leader', 'fulltime', 'parttime', 'assistant'] as const satisfies readonly StaffDuty[];
export type Duty = (typeof DUTIES)[number];

export const DUTY_NAMES: Record<Duty, { zh: string; en: string }> = {
  leader: { zh: '网格长', en: 'grid leader' },
  fulltime: { zh: '专职网格员', en: 'full-time grid worker' },
  parttime: { zh: '兼职网格员', en: 'part-time grid worker' },
  assistant: { zh: '协管员', en: 'assistant' },
};

/** Written forms, compared without spaces, hyphens, underscores and case. */
const SYNONYMS: Record<string, Duty> = {
  leader: 'leader',
  gridleader: 'leader',
  网格长: 'leader',
  网格组长: 'leader',
  总网格长: 'leader',
  网格负责人: 'leader',
  fulltime: 'fulltime',
  专职: 'fulltime',
  专职网格员: 'fulltime',
  专职网格管理员: 'fulltime',
  // Plain 网格员 is how rosters name the full-time worker of a grid.
  网格员: 'fulltime',
  parttime: 'parttime',
  兼职: 'parttime',
  兼职网格员: 'parttime',
  兼职网格管理员: 'parttime',
  assistant: 'assistant',
  协管员: 'assistant',
  网格协管员: 'assistant',
  网格助理员: 'assistant',
  网格助理: 'assistant',
  网格辅助员: 'assistant',
  网格信息员: 'assistant',
};

export function isDuty(value: unknown): value is Duty {
  return typeof value === 'string' && (DUTIES as readonly string[]).includes(value);
}

/** A duty as written (leader, 网格长, Full-Time, 专职网格员…) → its code, or undefined. */
export function dutyOf(value: unknown): Duty | undefined {
  if (typeof value !== 'string') return undefined;
  return SYNONYMS[value.normalize('NFKC').trim().toLowerCase().replace(/[\s\-_（）()]+/g, '')];
}

/**
 * Who takes a grid's new incident: its full-time worker, then its leader (parttime workers and
 * assistants report and help; they are not assigned cases by default).
 */
export const GRID_ASSIGNEE_ORDER: readonly Duty[] = ['fulltime', 'leader'];

/** Who takes an incident escalated to a region (village, township, county): its leader first. */
export const REGION_ASSIGNEE_ORDER: readonly Duty[] = ['leader', 'fulltime'];
