/**
 * The heatmap and statistics from counts kept on write (migration 017, db/incident-counts.ts)
 * must equal the same questions answered from the incidents one by one — after inserts, state
 * changes (lights that settle), escalations (the handling region of an incident outside grids
 * moves), category, place, grid and time changes, deletions, a compaction halfway, writes
 * through the API and 017's rebuild — for random views, zooms, time windows (cutting days and
 * months, or open at one end), categories and scopes; and every key of both tables must equal a
 * recount of the incidents.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { compactIncidentCounts, heatmapCellsFromCounts, statsColumnsSql, statsGroupsFromCounts, timeParts, type StatsGroup } from '../../server/db/incident-counts.js';
import { CELL_KEY, cellRows, TALLY_COLUMNS, TALLY_KEY, tallyRows, up as countBuckets } from '../../server/db/migrations/017_count_buckets.js';
import type { Kysely } from 'kysely';
import { incidentWhere, lightSql, type IncidentFilter } from '../../server/db/incidents.js';
import { cellDegrees } from '../../server/db/incident-stats.js';
import { seededRandom } from '../../server/geo/random.js';

const context = useTestService();
const NOW = new Date('2026-07-15T12:00:00Z');
const A = tree.villageA.code;
const CATEGORIES = ['fire', 'sanitation', 'traffic'];
/** A county elsewhere: incidents outside the grids handled there must stay out of this county's views. */
const OTHER_COUNTY = '420102001000';

/**
 * The heatmap cells from the incidents themselves: every cell the bbox touches, whole (all the
 * cells' incidents, also beyond the bbox's edge).
 */
async function rawCells(filter: IncidentFilter, zoom: number) {
  const c = cellDegrees(zoom);
  const [minX, minY, maxX, maxY] = filter.bbox!;
  const { rows } = await sql<{ gx: number; gy: number; n: number; sx: number; sy: number }>`
    SELECT * FROM (
      SELECT floor(ST_X(i.geom) / ${c}::float8)::int AS gx, floor(ST_Y(i.geom) / ${c}::float8)::int AS gy, count(*)::int AS n, sum(ST_X(i.geom)) AS sx, sum(ST_Y(i.geom)) AS sy
      FROM incidents i WHERE ${incidentWhere({ ...filter, bbox: undefined }, NOW)} GROUP BY 1, 2
    ) cells
    WHERE gx BETWEEN ${Math.floor(minX / c)} AND ${Math.floor(maxX / c)} AND gy BETWEEN ${Math.floor(minY / c)} AND ${Math.floor(maxY / c)}`.execute(context.store.db);
  return rows;
}

const sortCells = <T extends { gx: number; gy: number }>(cells: T[]) => [...cells].sort((a, b) => a.gx - b.gx || a.gy - b.gy);

function rawGroupsOf(prefix: string, filter: IncidentFilter) {
  const where = incidentWhere({ ...filter, regionPrefix: undefined }, NOW);
  return (extra: RawBuilder<SqlBool>) => sql<StatsGroup>`
    SELECT left(i.grid_code, 12) AS key, i.category, ${statsColumnsSql(lightSql(NOW))}
    FROM incidents i WHERE i.grid_code LIKE ${`${prefix}%`} AND ${where} AND ${extra} GROUP BY 1, 2`;
}

const sortGroups = (groups: StatsGroup[]) => [...groups].map((g) => ({ ...g })).sort((a, b) => `${a.key}${a.category}`.localeCompare(`${b.key}${b.category}`));

/** Scopes: a village, a township, the county (the coarse cells' area) and another county. */
const SCOPES = [A, tree.street.code.slice(0, 9), tree.county.code.slice(0, 6), OTHER_COUNTY.slice(0, 6)];

/** A random window: cut days, midnight-aligned ends, whole months, or one end open. */
function randomWindow(random: () => number): { from?: Date; to?: Date } {
  const day = 86_400_000;
  const kind = Math.floor(random() * 5);
  const from = new Date(NOW.getTime() - random() * 220 * day);
  const to = new Date(from.getTime() + random() * 150 * day);
  const midnight = (d: Date) => new Date(Math.floor(d.getTime() / day) * day);
  const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  if (kind === 0) return { from, to };
  if (kind === 1) return { from: midnight(from), to: midnight(to) };
  if (kind === 2) return { from: monthStart(from), to: monthStart(to) };
  if (kind === 3) return { from };
  return { to };
}

async function compareAll(seed: number) {
  const random = seededRandom(seed);
  const db = context.store.db;
  let fromCounts = 0;
  for (let k = 0; k < 60; k++) {
    const zoom = 6 + Math.floor(random() * 10);
    // 3–25 cells across, placed so that the incidents (114.30–114.34, 30.50–30.51) fall inside or across its edge.
    const span = cellDegrees(zoom) * (3 + random() * 22);
    const x = 114.3 + 0.02 * random() - span * random();
    const y = 30.5 + 0.005 * random() - span * 0.7 * random();
    const filter: IncidentFilter = { bbox: [x, y, x + span, y + span * 0.7] };
    if (random() < 0.6) Object.assign(filter, randomWindow(random));
    if (random() < 0.3) filter.categories = random() < 0.5 ? [CATEGORIES[Math.floor(random() * 3)]] : CATEGORIES.slice(0, 2);
    if (random() < 0.4) filter.regionPrefix = SCOPES[Math.floor(random() * SCOPES.length)];
    const counted = await heatmapCellsFromCounts(db, filter, zoom, NOW);
    if (!counted) continue;
    fromCounts += 1;
    const raw = await rawCells(filter, zoom);
    const want = sortCells(raw);
    const got = sortCells(counted);
    expect(got.map((c) => [c.gx, c.gy, c.n]), `zoom ${zoom} ${JSON.stringify(filter)}`).toEqual(want.map((c) => [c.gx, c.gy, c.n]));
    got.forEach((cell, i) => {
      expect(cell.sx).toBeCloseTo(want[i].sx, 6);
      expect(cell.sy).toBeCloseTo(want[i].sy, 6);
    });
  }
  // Most of the views are answered from the counts (the rest: windows within a day, windowed zooms above 12).
  expect(fromCounts).toBeGreaterThan(30);
  const windows = [
    {},
    { from: new Date('2026-03-10T05:00:00Z'), to: new Date('2026-06-20T00:00:00Z') },
    { from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') },
    { from: new Date('2026-07-08T12:00:00Z') },
    { to: new Date('2026-05-17T16:30:00Z') },
    { categories: ['fire'] },
    { ...randomWindow(random), categories: ['fire', 'traffic'] },
  ];
  for (const prefix of [tree.county.code.slice(0, 6), tree.street.code.slice(0, 9), A]) {
    for (const window of windows) {
      const filter: IncidentFilter = { ...window };
      const rawGroups = rawGroupsOf(prefix, filter);
      const counted = await statsGroupsFromCounts(db, prefix, filter, NOW, (column) => sql<string | null>`left(${column}, 12)`, rawGroups);
      const raw = (await rawGroups(sql<SqlBool>`true`).execute(db)).rows;
      expect(sortGroups(counted!), `${prefix} ${JSON.stringify(window)}`).toEqual(sortGroups(raw));
    }
  }
  await expectCountsEqualRecount();
}

/** Every key of both tables sums to what a recount of the incidents gives (the migration's own contributions). */
async function expectCountsEqualRecount() {
  const db = context.store.db;
  const cells = (source: string) => `SELECT ${CELL_KEY}, sum(n)::int AS n, round(sum(sx)::numeric, 6) AS sx, round(sum(sy)::numeric, 6) AS sy FROM ${source} GROUP BY ${CELL_KEY} HAVING sum(n) <> 0`;
  const tally = (source: string) => `SELECT ${TALLY_KEY}, ${TALLY_COLUMNS.map((c) => `sum(${c})::int AS ${c}`).join(', ')} FROM ${source} GROUP BY ${TALLY_KEY} HAVING ${TALLY_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ')}`;
  for (const [kept, recount] of [
    [cells('incident_cells'), cells(`(${cellRows('incidents', '1')}) c`)],
    [tally('incident_tally'), tally(`(${tallyRows('incidents', '1')}) t`)],
  ]) {
    const { rows } = await sql.raw<{ n: number }>(`SELECT count(*)::int AS n FROM ((${kept} EXCEPT ${recount}) UNION ALL (${recount} EXCEPT ${kept})) d`).execute(db);
    expect(rows[0].n).toBe(0);
    const { rows: keys } = await sql.raw<{ n: number }>(`SELECT count(*)::int AS n FROM (${recount}) r`).execute(db);
    expect(keys[0].n).toBeGreaterThan(0);
  }
}

describe('time parts of a window', () => {
  it('cuts a window into cut days, whole days and whole months', () => {
    const parts = timeParts(new Date('2026-03-10T05:00:00Z'), new Date('2026-06-20T13:00:00Z'))!;
    expect(parts.buckets).toEqual([
      { span: 2, first: '2026-03-11', end: '2026-04-01' },
      { span: 1, first: '2026-04-01', end: '2026-06-01' },
      { span: 2, first: '2026-06-01', end: '2026-06-20' },
    ]);
    expect([parts.dayStart.toISOString(), parts.dayEnd.toISOString()]).toEqual(['2026-03-11T00:00:00.000Z', '2026-06-20T00:00:00.000Z']);
    expect(timeParts(new Date('2026-03-01T00:00:00Z'), new Date('2026-05-01T00:00:00Z'))!.buckets).toEqual([{ span: 1, first: '2026-03-01', end: '2026-05-01' }]);
    expect(timeParts(new Date('2026-03-03T00:00:00Z'), new Date('2026-03-10T00:00:00Z'))!.buckets).toEqual([{ span: 2, first: '2026-03-03', end: '2026-03-10' }]);
    expect(timeParts(new Date('2026-03-03T01:00:00Z'), new Date('2026-03-03T23:00:00Z'))).toBeUndefined();
    expect(timeParts(undefined, undefined)!.buckets).toEqual([{ span: 0, first: 'infinity', end: 'infinity' }]);
  });
});

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
        h: inGrid ? A : random() < 0.3 ? OTHER_COUNTY : tree.street.code,
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
    // Moved to the other grid, and one day later (crossing days and months).
    await sql`UPDATE incidents SET grid_code = CASE WHEN grid_code LIKE '%001' THEN ${`${A}002`} ELSE ${`${A}001`} END WHERE grid_code IS NOT NULL AND id % 19 = 0`.execute(db);
    await sql`UPDATE incidents SET reported_at = reported_at + interval '1 day', deadline_at = deadline_at + interval '1 day' WHERE id % 23 = 0`.execute(db);
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

  it('are kept in the writing transaction through the API: report, dispatch, resolve, close, escalate', async () => {
    const ids: number[] = [];
    for (let k = 0; k < 6; k++) {
      const response = await context.api.post('/api/incidents').send({ lon: 114.3012 + k * 0.0013, lat: 30.5017, category: CATEGORIES[k % 3] });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids.push((response.body as { id: number }).id);
    }
    const step = async (id: number, ...statuses: string[]) => {
      for (const to of statuses) {
        const response = await context.api.post(`/api/incidents/${id}/transition`).send({ to });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
      }
    };
    await step(ids[0], 'dispatched', 'in_progress', 'resolved', 'closed');
    await step(ids[1], 'dispatched');
    await step(ids[2], 'dispatched', 'in_progress', 'resolved');
    expect((await context.api.post(`/api/incidents/${ids[3]}/escalate`).send({})).status).toBe(200);
    await expectCountsEqualRecount();
    // The statistics route (from the counts) answers as the same statistics one by one.
    const now = new Date();
    const from = new Date(now.getTime() - 40 * 86_400_000);
    const rawGroups = rawGroupsOf(A, { from, to: now });
    const raw = (await rawGroups(sql<SqlBool>`true`).execute(context.store.db)).rows;
    const response = await context.api.get('/api/stats').query({ region: tree.street.code, from: from.toISOString(), to: now.toISOString() });
    expect(response.status).toBe(200);
    const village = (response.body as { children: { code: string; incidents: number; byStatus: Record<string, number> }[] }).children.find((c) => c.code === A)!;
    expect(village.incidents).toBe(raw.reduce((sum, g) => sum + Number(g.n), 0));
    expect(village.byStatus.closed).toBe(raw.reduce((sum, g) => sum + Number(g.s_closed), 0));
    expect(village.byStatus.closed).toBeGreaterThan(0);
  });

  it('are rebuilt from the incidents already there by migration 017', async () => {
    const db = context.store.db;
    // 017 on a database that holds incidents: the counts dropped, made again, and filled from them.
    await countBuckets(db as unknown as Kysely<unknown>);
    const deltas = await sql<{ n: number }>`SELECT (SELECT count(*) FROM incident_cells WHERE delta) + (SELECT count(*) FROM incident_tally WHERE delta) AS n`.execute(db);
    expect(Number(deltas.rows[0].n)).toBe(0);
    await compareAll(4);
  });
});
