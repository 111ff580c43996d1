/**
 * The 定员 check of a region: its live basic grids (urban and rural; special grids are staffed
 * by their institutions) and, for each, whether a full-time worker holds it and whether it has
 * a leader — one who holds the grid, or the 网格长 of its village.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';

export type { GridStaffing, RegionStaffing } from '../api-types/staff.js';
import type { GridStaffing, RegionStaffing } from '../api-types/staff.js';

export async function regionStaffing(db: Kysely<Database>, code: string): Promise<RegionStaffing> {
  const region = await db.selectFrom('regions').select(['code', 'name', 'level']).where('code', '=', code).executeTakeFirst();
  if (!region) throw notFoundError('unknown_region', text('staff_unknown_region', { code }));
  const prefix = regionPrefix(code, levelOfRegionCode(code) ?? 'village');
  const { rows } = await sql<{ code: string; name: string; region_code: string; kind: string; has_fulltime: boolean; has_leader: boolean; staff: string | null }>`
    SELECT v.code, v.name, v.region_code, v.kind,
      EXISTS (SELECT 1 FROM staff_grids g JOIN staff s ON s.id = g.staff_id
              WHERE g.grid_code = v.code AND s.deleted_at IS NULL AND s.duty = 'fulltime') AS has_fulltime,
      EXISTS (SELECT 1 FROM staff s WHERE s.deleted_at IS NULL AND s.duty = 'leader'
              AND (s.region_code = v.region_code OR EXISTS (SELECT 1 FROM staff_grids g WHERE g.staff_id = s.id AND g.grid_code = v.code))) AS has_leader,
      (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'duty', s.duty) ORDER BY s.id)::text
       FROM staff_grids g JOIN staff s ON s.id = g.staff_id WHERE g.grid_code = v.code AND s.deleted_at IS NULL) AS staff
    FROM grid_versions v
    WHERE v.valid_to IS NULL AND v.op <> 'retire' AND v.kind IN ('urban', 'rural') AND v.code LIKE ${`${prefix}%`}
    ORDER BY v.code`.execute(db);
  const understaffed: GridStaffing[] = [];
  for (const row of rows) {
    const missing: GridStaffing['missing'] = [];
    if (!row.has_fulltime) missing.push('fulltime');
    if (!row.has_leader) missing.push('leader');
    if (missing.length === 0) continue;
    const staff = row.staff ? (JSON.parse(row.staff) as { id: number; name: string; duty: string }[]).map((s) => ({ ...s, id: Number(s.id) })) : [];
    understaffed.push({ code: row.code, name: row.name, regionCode: row.region_code, kind: row.kind, missing, staff });
  }
  return { code: region.code, name: region.name, level: region.level, basicGrids: rows.length, staffed: rows.length - understaffed.length, understaffed };
}
