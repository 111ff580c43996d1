/**
 * Grid staff over HTTP (定格、定责、定员): created and listed per grid, duties as rosters write
 * them, phones masked for who may not contact staff, If-Match and history, roster import with
 * Chinese headers (UTF-8 and GBK), the staffing check, scope, and staff that follow their grids
 * through splits, merges, retirements and an applied division.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, otherTownship, regionFeature, seedHalves, seedOtherTownship, tree } from '../support/fixtures.js';
import { finishedJob } from '../support/jobs.js';

const context = useTestService();
const A = tree.villageA.code;
const B = tree.villageB.code;
let WEST = '';
let EAST = '';
let GRID_B = '';
/** A second township beside the first: the "other region". */
const OTHER_VILLAGE = otherTownship.village.code;
let GRID_OTHER = '';

async function rowCounts() {
  const db = context.store.db;
  const n = async (table: 'staff' | 'staff_grids' | 'staff_versions') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { staff: await n('staff'), staffGrids: await n('staff_grids'), versions: await n('staff_versions') };
}

beforeAll(async () => {
  ({ west: WEST, east: EAST } = await seedHalves(context));
  await seedOtherTownship(context);
  const more = await context.api.post('/api/grids/import').send({
    type: 'FeatureCollection',
    features: [gridFeature(B, '关南一', tree.villageB.geometry), gridFeature(OTHER_VILLAGE, '花山一', otherTownship.village.geometry)],
  });
  expect(more.status, JSON.stringify(more.body).slice(0, 300)).toBe(201);
  [GRID_B, GRID_OTHER] = more.body.features.map((f: { properties: { code: string } }) => f.properties.code);
});

describe('staff', () => {
  it('are created with the duties rosters write, listed per grid, and read with an ETag', async () => {
    const made = await context.api.post('/api/staff').send({ name: '张伟', phone: '138 0013 8000', duty: '专职网格员', gridCodes: [WEST] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: '张伟', phone: '13800138000', duty: 'fulltime', gridCodes: [WEST], version: 1 });
    expect(made.headers.location).toBe(`/api/staff/${made.body.id}`);
    expect(made.headers.etag).toBe('"1"');
    const leader = await context.api.post('/api/staff').send({ name: '李娜', phone: '+86 139-0013-9000', duty: '网格长', gridCodes: [WEST, EAST] });
    expect(leader.status, JSON.stringify(leader.body)).toBe(201);
    expect(leader.body.duty).toBe('leader');
    expect(leader.body.phone).toBe('13900139000');

    const west = await context.api.get(`/api/grids/${WEST}/staff`);
    expect(west.status).toBe(200);
    // Leader first, then the full-time worker.
    expect(west.body.staff.map((s: { name: string }) => s.name)).toEqual(['李娜', '张伟']);
    expect((await context.api.get(`/api/grids/${EAST}/staff`)).body.staff.map((s: { name: string }) => s.name)).toEqual(['李娜']);
    expect((await context.api.get(`/api/staff?grid=${EAST}`)).body.total).toBe(1);
    expect((await context.api.get('/api/staff?duty=网格长')).body.staff.map((s: { name: string }) => s.name)).toEqual(['李娜']);
    const one = await context.api.get(`/api/staff/${made.body.id}`);
    expect(one.headers.etag).toBe('"1"');
    expect(one.body.gridCodes).toEqual([WEST]);
  });

  it('show phones in full only to who may contact staff, masked to others', async () => {
    const viewer = signedAs(context.app, await keyFor(context.store, 'viewer'));
    const dispatcher = signedAs(context.app, await keyFor(context.store, 'dispatcher'));
    const seen = (await viewer.get(`/api/grids/${WEST}/staff`)).body.staff;
    expect(seen.map((s: { phone: string }) => s.phone).sort()).toEqual(['138****8000', '139****9000']);
    expect(seen.every((s: { phoneMasked: boolean }) => s.phoneMasked)).toBe(true);
    const history = (await viewer.get(`/api/staff/${seen[0].id}/history`)).body.versions;
    expect(history.every((v: { phone: string }) => v.phone.includes('****'))).toBe(true);
    expect((await dispatcher.get(`/api/grids/${WEST}/staff`)).body.staff.map((s: { phone: string }) => s.phone).sort()).toEqual(['13800138000', '13900139000']);
    // Planners draw grids; they do not change who holds them.
    const planner = signedAs(context.app, await keyFor(context.store, 'planner'));
    expect((await planner.post('/api/staff').send({ name: '王五', duty: 'parttime', gridCodes: [WEST] })).status).toBe(403);
  });

  it('change with If-Match, keep every version, and are removed into history', async () => {
    const made = await context.api.post('/api/staff').send({ name: '赵六', phone: '0591-87654321', duty: 'parttime', gridCodes: [EAST] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id;
    expect((await context.api.put(`/api/staff/${id}`).send({ duty: 'assistant' })).status).toBe(428);
    expect((await context.api.put(`/api/staff/${id}`).set('If-Match', '"7"').send({ duty: 'assistant' })).status).toBe(412);
    const changed = await context.api.put(`/api/staff/${id}`).set('If-Match', '"1"').send({ duty: '协管员', gridCodes: [EAST, WEST], reason: '调整' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ duty: 'assistant', gridCodes: [WEST, EAST].sort(), phone: '0591-87654321', version: 2 });
    const removed = await context.api.delete(`/api/staff/${id}`).set('If-Match', '"2"');
    expect(removed.status).toBe(200);
    expect(removed.body.deletedAt).not.toBeNull();
    expect((await context.api.get(`/api/grids/${EAST}/staff`)).body.staff.map((s: { name: string }) => s.name)).not.toContain('赵六');
    const history = (await context.api.get(`/api/staff/${id}/history`)).body.versions;
    expect(history.map((v: { op: string; version: number }) => `${v.op}${v.version}`)).toEqual(['delete3', 'update2', 'create1']);
    expect(history[1]).toMatchObject({ duty: 'assistant', reason: '调整' });
    expect((await context.api.put(`/api/staff/${id}`).set('If-Match', '"3"').send({ duty: 'leader' })).status).toBe(410);
  });

  it('refuse bad fields and places, writing nothing', async () => {
    const before = await rowCounts();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: '甲', phone: '12345', duty: 'fulltime', gridCodes: [WEST] }, 400, 'invalid_phone'],
      [{ name: '甲', duty: '局长', gridCodes: [WEST] }, 400, 'invalid_duty'],
      [{ name: '', duty: 'fulltime', gridCodes: [WEST] }, 400, 'invalid_name'],
      [{ name: '甲', duty: 'fulltime', gridCodes: ['123'] }, 400, 'invalid_code'],
      [{ name: '甲', duty: 'fulltime', gridCodes: [WEST], colour: 'red' }, 400, 'unknown_field'],
      [{ name: '甲', duty: 'fulltime', gridCodes: [] }, 422, 'no_place'],
      [{ name: '甲', duty: 'fulltime', gridCodes: [`${A}777`] }, 422, 'unknown_grid'],
      // One person, one township: a grid of the township next door is another office's.
      [{ name: '甲', duty: 'fulltime', gridCodes: [WEST, GRID_OTHER] }, 422, 'places_apart'],
      [{ name: '甲', duty: 'leader', regionCode: A, gridCodes: [GRID_B] }, 422, 'places_apart'],
      [{ name: '甲', duty: 'leader', regionCode: '420111002099', gridCodes: [] }, 422, 'unknown_region'],
      [{ name: '张伟', phone: '13800138000', duty: 'parttime', gridCodes: [EAST] }, 409, 'staff_exists'],
    ];
    for (const [body, status, code] of cases) {
      const response = await context.api.post('/api/staff').send(body);
      expect(`${response.status} ${response.body.error?.code}`, JSON.stringify(body)).toBe(`${status} ${code}`);
      expect(response.body.error.message).toMatch(/\p{Script=Han}/u);
    }
    const english = await context.api.post('/api/staff?lang=en').send(cases[0]![0]);
    expect(english.body.error.message).toMatch(/^phone "12345" is not a Chinese mobile number/);
    expect(await rowCounts()).toEqual(before);
  });

  it('are kept to the caller’s area: a staff member of another township is 403 and nothing is written', async () => {
    const townshipDispatcher = signedAs(context.app, await keyFor(context.store, 'dispatcher', tree.street.code));
    const before = await rowCounts();
    expect((await townshipDispatcher.post('/api/staff').send({ name: '越权', duty: 'fulltime', gridCodes: [GRID_OTHER] })).status).toBe(403);
    const other = await context.api.post('/api/staff').send({ name: '花山网格员', phone: '13700137000', duty: 'fulltime', gridCodes: [GRID_OTHER] });
    expect(other.status).toBe(201);
    const after = await rowCounts();
    expect((await townshipDispatcher.get(`/api/staff/${other.body.id}`)).status).toBe(403);
    expect((await townshipDispatcher.put(`/api/staff/${other.body.id}`).set('If-Match', '"1"').send({ gridCodes: [WEST] })).status).toBe(403);
    expect((await townshipDispatcher.delete(`/api/staff/${other.body.id}`).set('If-Match', '"1"')).status).toBe(403);
    const listed = (await townshipDispatcher.get('/api/staff')).body.staff.map((s: { name: string }) => s.name);
    expect(listed).not.toContain('花山网格员');
    expect(listed).toContain('张伟');
    expect(await rowCounts()).toEqual(after);
    expect(after.staff).toBe(before.staff + 1);
  });
});

describe('roster import', () => {
  const roster = (lines: string[]) => `姓名,电话,职务,网格编码\n${lines.join('\n')}\n`;

  it('takes a CSV with Chinese headers, several grid codes in a cell, in UTF-8 or GBK', async () => {
    const utf8 = roster([`陈一,13600136001,专职网格员,${GRID_B}`, `陈二,13600136002,兼职,"${WEST}、${EAST}"`]);
    const imported = await context.api.post('/api/staff/import').set('Content-Type', 'text/csv').send(utf8);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.created).toBe(2);
    expect(imported.body.staff.map((s: { duty: string; gridCodes: string[] }) => [s.duty, s.gridCodes])).toEqual([
      ['fulltime', [GRID_B]],
      ['parttime', [WEST, EAST]],
    ]);
    const gbk = iconv.encode(roster([`陈三,13600136003,协管员,${GRID_B}`]).replace('职务', '岗位'), 'gbk');
    const fromGbk = await context.api.post('/api/staff/import?dryRun=true').set('Content-Type', 'text/csv').send(gbk);
    expect(fromGbk.status, JSON.stringify(fromGbk.body)).toBe(200);
    expect(fromGbk.body).toMatchObject({ rows: 1, created: 0, dryRun: true });
  });

  it('refuses a roster with any bad row, listing each with its line, and writes nothing', async () => {
    const before = await rowCounts();
    const bad = roster([`周一,13500135001,专职网格员,${GRID_B}`, `周二,123,专职网格员,${GRID_B}`, `周三,13500135003,局长,${GRID_B}`, `周四,13500135004,网格员,${A}888`]);
    const refused = await context.api.post('/api/staff/import').set('Content-Type', 'text/csv').send(bad);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.code, JSON.stringify(refused.body)).toBe("import_rejected");
    expect(refused.body.error.details.problems.map((p: { line: number; code: string }) => `${p.line} ${p.code}`)).toEqual(['3 invalid_phone', '4 invalid_duty', '5 unknown_grid']);
    expect(typeof refused.body.error.details.problems[0].message).toBe('string');
    const noColumns = await context.api.post('/api/staff/import').set('Content-Type', 'text/csv').send('name,x\na,b\n');
    expect(noColumns.status).toBe(422);
    expect(noColumns.body.error.code).toBe('missing_columns');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('staffing (定员)', () => {
  it('lists the basic grids without a full-time worker or a leader', async () => {
    const report = await context.api.get(`/api/regions/${tree.street.code}/staffing`);
    expect(report.status).toBe(200);
    // West: 张伟 (full-time) and 李娜 (leader); east: only the leader; B: a full-time worker, no leader.
    const gaps = Object.fromEntries(report.body.understaffed.map((g: { code: string; missing: string[] }) => [g.code, g.missing]));
    expect(gaps[WEST]).toBeUndefined();
    expect(gaps[EAST]).toEqual(['fulltime']);
    expect(gaps[GRID_B]).toEqual(['leader']);
    // A 网格长 of the village leads all of its grids.
    const villageLeader = await context.api.post('/api/staff').send({ name: '关南社区网格长', duty: 'leader', regionCode: B, gridCodes: [] });
    expect(villageLeader.status, JSON.stringify(villageLeader.body)).toBe(201);
    const again = (await context.api.get(`/api/regions/${tree.street.code}/staffing`)).body;
    expect(again.understaffed.map((g: { code: string }) => g.code)).not.toContain(GRID_B);
    expect(again.basicGrids).toBe(3);
  });
});

describe('staff follow their grids', () => {
  it('through a split, a merge and a retirement', async () => {
    const worker = await context.api.post('/api/staff').send({ name: '随网格', phone: '13300133000', duty: 'fulltime', gridCodes: [EAST] });
    expect(worker.status).toBe(201);
    // Split the east half: the northern part becomes a new grid.
    const east = await context.api.get(`/api/grids/${EAST}`);
    const split = await context.api.post('/api/grids/batch').send({
      reason: '拆分',
      changes: [
        { op: 'update', code: EAST, version: east.body.properties.version, geometry: box(114.305, 30.5, 114.31, 30.506) },
        { op: 'create', feature: gridFeature(A, '东北网格', box(114.305, 30.506, 114.31, 30.51)) },
      ],
    });
    expect(split.status, JSON.stringify(split.body).slice(0, 400)).toBe(200);
    const north = split.body.features[1].properties.code;
    expect((await context.api.get(`/api/staff/${worker.body.id}`)).body.gridCodes).toEqual([EAST, north].sort());
    expect((await context.api.get(`/api/grids/${north}/staff`)).body.staff.map((s: { name: string }) => s.name)).toContain('随网格');

    // Merge the north part back into the east grid: its staff stay with the survivor.
    const northOnly = await context.api.post('/api/staff').send({ name: '北片协管', duty: 'assistant', gridCodes: [north] });
    const merged = await context.api.post('/api/grids/batch').send({
      reason: '合并',
      changes: [
        { op: 'retire', code: north, version: 1 },
        { op: 'update', code: EAST, version: east.body.properties.version + 1, geometry: box(114.305, 30.5, 114.31, 30.51) },
      ],
    });
    expect(merged.status, JSON.stringify(merged.body).slice(0, 400)).toBe(200);
    expect((await context.api.get(`/api/staff/${northOnly.body.id}`)).body.gridCodes).toEqual([EAST]);
    expect((await context.api.get(`/api/staff/${worker.body.id}`)).body.gridCodes).toEqual([EAST]);
    const history = (await context.api.get(`/api/staff/${northOnly.body.id}/history`)).body.versions;
    expect(history[0]).toMatchObject({ op: 'regrid', gridCodes: [EAST], reason: '合并' });

    // A grid retired on its own leaves its area to nobody: its staff let it go.
    const b = await context.api.get(`/api/grids/${GRID_B}`);
    const holders = (await context.api.get(`/api/grids/${GRID_B}/staff`)).body.staff as { id: number }[];
    expect(holders.length).toBeGreaterThan(0);
    expect((await context.api.delete(`/api/grids/${GRID_B}`).set('If-Match', b.headers.etag)).status).toBe(200);
    for (const holder of holders) expect((await context.api.get(`/api/staff/${holder.id}`)).body.gridCodes).not.toContain(GRID_B);
  });

  it('through an applied division, which its dry run lists', async () => {
    const village = '420111002006';
    expect((await context.api.post('/api/regions').send(regionFeature(village, '示范村', 'village', tree.street.code, box(114.26, 30.46, 114.27, 30.47)))).status).toBe(201);
    const old = await context.api.post('/api/grids/import').send({
      type: 'FeatureCollection',
      features: [gridFeature(village, '旧西', box(114.26, 30.46, 114.265, 30.47)), gridFeature(village, '旧东', box(114.265, 30.46, 114.27, 30.47))],
    });
    const [oldWest, oldEast] = old.body.features.map((f: { properties: { code: string } }) => f.properties.code);
    const westWorker = await context.api.post('/api/staff').send({ name: '西片网格员', duty: 'fulltime', gridCodes: [oldWest] });
    const eastWorker = await context.api.post('/api/staff').send({ name: '东片网格员', duty: 'fulltime', gridCodes: [oldEast] });
    // Buildings in four rows: the division draws horizontal grids across both old ones.
    const buildings = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) buildings.push({ type: 'Feature', properties: { households: 100 }, geometry: { type: 'Point', coordinates: [114.2612 + i * 0.0025, 30.4612 + j * 0.0025] } });
    const job = await context.api.post('/api/divisions').send({ regionCode: village, minHouseholds: 300, maxHouseholds: 500, buildings: { type: 'FeatureCollection', features: buildings } });
    expect(job.status, JSON.stringify(job.body).slice(0, 300)).toBe(202);
    const done = await finishedJob(context, job.headers.location);
    expect(done.status).toBe('done');
    const dry = await context.api.post(`${job.headers.location}/apply?dryRun=true`);
    expect(dry.status).toBe(200);
    const planned = Object.fromEntries(dry.body.staff.map((m: { name: string; from: string[]; to: string[] }) => [m.name, m]));
    expect(planned['西片网格员'].from).toEqual([oldWest]);
    expect(planned['西片网格员'].to.length).toBeGreaterThan(0);
    expect(planned['西片网格员'].to.every((key: string) => key.startsWith('new:'))).toBe(true);
    expect(planned['东片网格员'].to.length).toBeGreaterThan(0);

    const applied = await context.api.post(`${job.headers.location}/apply`);
    expect(applied.status, JSON.stringify(applied.body).slice(0, 300)).toBe(200);
    const created = applied.body.created.map((g: { code: string }) => g.code);
    for (const worker of [westWorker, eastWorker]) {
      const now = (await context.api.get(`/api/staff/${worker.body.id}`)).body.gridCodes as string[];
      expect(now.length).toBeGreaterThan(0);
      expect(now.every((code) => created.includes(code))).toBe(true);
    }
    // Every new grid has somebody: each took its area from an old grid that had a worker.
    for (const code of created) expect((await context.api.get(`/api/grids/${code}/staff`)).body.staff.length, code).toBeGreaterThan(0);
    const staffGridsOfRetired = await sql<{ n: number }>`SELECT count(*)::int AS n FROM staff_grids WHERE grid_code IN (${oldWest}, ${oldEast})`.execute(context.store.db);
    expect(staffGridsOfRetired.rows[0]!.n).toBe(0);
  });
});
