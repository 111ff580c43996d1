/**
 * The heatmap and statistics from counts kept on write (migration 015, db/incident-counts.ts)
 * must equal the same questions answered from the incidents one by one — after inserts, state
 * changes (lights that settle), escalations (the handling region of an incident outside grids
 * moves), category and place changes, deletions, and a compaction halfway — for random views,
 * zooms, time windows, categories and key scopes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { compactIncidentCounts, heatmapCellsFromCounts, statsGroupsFromCounts, type StatsGroup } from '../../server/db/incident-counts.js';
import { incidentWhere, lightSql, type IncidentFilter } from '../../server/db/incidents.js';
import { cellDegrees } from '../../server/db/incident-stats.js';
import { seededRandom } from '../../server/geo/random.js';

const context = useTestService();
const NOW = new Date('2026-07-15T12:00:00Z');
const A = tree.villageA.code;
const CATEGORIES = ['fire', 'sanitation', 'traffic'];

/** The heatmap cells from the incidents themselves (what the route did before counts). */
async function rawCells(filter: IncidentFilter, zoom: number) {
  const c = cellDegrees(zoom);
  const { rows } = await sql<{ gx: number; gy: number; n: number; sx: number; sy: number }>`
    SELECT floor(ST_X(i.geom) / ${c}::float8)::int AS gx, floor(ST_Y(i.geom) / ${c}::float8)::int AS gy, count(*)::int AS n, sum(ST_X(i.geom)) AS sx, sum(ST_Y(i.geom)) AS sy
    FROM incidents i WHERE ${incidentWhere(filter, NOW)} GROUP BY 1, 2`.execute(context.store.db);
  return rows;
}

const sortCells = <T extends { gx: number; gy: number }>(cells: T[]) => [...cells].sort((a, b) => a.gx - b.gx || a.gy - b.gy);

function rawGroupsOf(prefix: string, filter: IncidentFilter) {
  const where = incidentWhere({ ...filter, regionPrefix: undefined }, NOW);
  return (extra: RawBuilder<SqlBool>) => sql<StatsGroup>`
    SELECT left(i.grid_code, 12) AS key, i.status, i.category, count(*)::int AS n,
           (count(*) FILTER (WHERE ${lightSql(NOW)} = 'yellow'))::int AS yellow,
           (count(*) FILTER (WHERE ${lightSql(NOW)} = 'red'))::int AS red,
           (count(*) FILTER (WHERE i.resolved_at <= i.deadline_at))::int AS on_time
    FROM incidents i WHERE i.grid_code LIKE ${`${prefix}%`} AND ${where} AND ${extra} GROUP BY 1, 2, 3`;
}

const sortGroups = (groups: StatsGroup[]) => [...groups].map((g) => ({ ...g })).sort((a, b) => `${a.key}${a.status}${a.category}`.localeCompare(`${b.key}${b.status}${b.category}`));

async function compareAll(seed: number) {
  const random = seededRandom(seed);
  const db = context.store.db;
  for (let k = 0; k < 40; k++) {
    const zoom = 8 + Math.floor(random() * 8);
    const span = 0.004 + random() * 0.03;
    const x = 114.295 + random() * 0.02;
    const y = 30.495 + random() * 0.015;
    const filter: IncidentFilter = { bbox: [x, y, x + span, y + span * 0.7] };
    if (random() < 0.5) {
      const from = new Date(NOW.getTime() - random() * 200 * 86_400_000);
      Object.assign(filter, { from, to: new Date(from.getTime() + random() * 150 * 86_400_000) });
    }
    if (random() < 0.3) filter.categories = [CATEGORIES[Math.floor(random() * 3)]];
    if (random() < 0.3) filter.regionPrefix = random() < 0.5 ? A : tree.street.code.slice(0, 9);
    const counted = await heatmapCellsFromCounts(db, filter, zoom, NOW);
    if (!counted) continue;
    const raw = await rawCells(filter, zoom);
    const want = sortCells(raw);
    const got = sortCells(counted);
    expect(got.map((c) => [c.gx, c.gy, c.n]), JSON.stringify(filter)).toEqual(want.map((c) => [c.gx, c.gy, c.n]));
    got.forEach((cell, i) => {
      expect(cell.sx).toBeCloseTo(want[i].sx, 6);
      expect(cell.sy).toBeCloseTo(want[i].sy, 6);
    });
  }
  for (const prefix of [tree.county.code.slice(0, 6), tree.street.code.slice(0, 9), A]) {
    for (const window of [{}, { from: new Date('2026-03-10T05:00:00Z'), to: new Date('2026-06-20T00:00:00Z') }, { categories: ['fire'] }]) {
      const filter: IncidentFilter = { ...window };
      const rawGroups = rawGroupsOf(prefix, filter);
      const counted = await statsGroupsFromCounts(db, prefix, filter, NOW, (column) => sql<string | null>`left(${column}, 12)`, rawGroups);
      const raw = (await rawGroups(sql<SqlBool>`true`).execute(db)).rows;
      expect(sortGroups(counted!), `${prefix} ${JSON.stringify(window)}`).toEqual(sortGroups(raw));
    }
  }
}

describe('incident counts kept on write', () => {
  beforeAll(async () => {
    await seedHalves(context);
    const random = seededRandom(7);
    // 3,000 incidents over the last 8 months, in the two grids of village A and outside any grid.
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const reported = new Date(NOW.getTime() - random() * 240 * 86_400_000);
      const inGrid = random() < 0.85;
      const x = inGrid ? 114.3001 + random() * 0.0098 : 114.33 + random() * 0.01;
      const y = inGrid ? 30.5001 + random() * 0.0098 : 30.5 + random() * 0.01;
      return {
        i,
        c: CATEGORIES[Math.floor(random() * 3)],
        g: inGrid ? (x < 114.305 ? `${A}001` : `${A}002`) : null,
        h: inGrid ? A : tree.street.code,
        x,
        y,
        r: reported.toISOString(),
        d: new Date(reported.getTime() + (1 + random() * 96) * 3_600_000).toISOString(),
      };
    });
    await sql`
      INSERT INTO incidents (category, source, status, handling_level, handling_region, grid_code, geom, reported_at, deadline_at, updated_at)
      SELECT r.c, 'worker', 'reported', CASE WHEN r.g IS NULL THEN 'township' ELSE 'grid' END, r.h, r.g, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), r.r, r.d, r.r
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(i int, c text, g text, h text, x float8, y float8, r timestamptz, d timestamptz)`.execute(context.store.db);
  });

  it('equal the incidents counted one by one after inserts', async () => {
    await compareAll(1);
  });

  it('stay equal through state changes, escalations, moves, deletions and a compaction', async () => {
    const db = context.store.db;
    // Finished, some late, some in time; some reopened (the light unsettles again).
    await sql`UPDATE incidents SET status = 'resolved', resolved_at = reported_at + (deadline_at - reported_at) * (id % 7) / 5.0 WHERE id % 3 = 0`.execute(db);
    await sql`UPDATE incidents SET status = 'closed', closed_at = resolved_at + interval '1 hour' WHERE id % 6 = 0`.execute(db);
    await sql`UPDATE incidents SET status = 'reopened', resolved_at = NULL, closed_at = NULL WHERE id % 12 = 0`.execute(db);
    await compactIncidentCounts(db);
    // Escalation: incidents outside grids move up to the county (out of the township's scope).
    await sql`UPDATE incidents SET handling_level = 'county', handling_region = ${tree.county.code} WHERE grid_code IS NULL AND id % 2 = 0`.execute(db);
    await sql`UPDATE incidents SET category = 'traffic', deadline_at = deadline_at - interval '1 hour' WHERE id % 11 = 0`.execute(db);
    await sql`UPDATE incidents SET geom = ST_SetSRID(ST_MakePoint(ST_X(geom) + 0.0001, ST_Y(geom)), 4326) WHERE id % 13 = 0`.execute(db);
    // An event joining an incident changes no count (and must not disturb them).
    await sql`UPDATE incidents SET event_count = event_count + 1, version = version + 1 WHERE id % 5 = 0`.execute(db);
    await sql`DELETE FROM incident_transitions WHERE incident_id % 17 = 0`.execute(db);
    await sql`DELETE FROM incidents WHERE id % 17 = 0`.execute(db);
    await compareAll(2);
    await compactIncidentCounts(db);
    const deltas = await sql<{ n: number }>`SELECT (SELECT count(*) FROM incident_cells WHERE delta) + (SELECT count(*) FROM incident_tally WHERE delta) AS n`.execute(db);
    expect(Number(deltas.rows[0].n)).toBe(0);
    await compareAll(3);
  });
});
