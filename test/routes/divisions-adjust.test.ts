/**
 * Re-division that keeps what still works (`adjust: true`), households from the address
 * registry (`households: "addresses"`), and a proposal's flags in the reader's language — over
 * HTTP, on the backend the suite runs on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FeatureCollection } from 'geojson';
import { useTestService } from '../support/context.js';
import { finishedJob } from '../support/jobs.js';
import { box, divisionCount, regionFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';
import { smallTown } from '../support/town.js';

const context = useTestService();
/** A village whose boundary is the small town (600 m × 400 m at 114.3°E 30.5°N). */
const TOWN = '420111002005';
/** A village with an address registry and no buildings layer. */
const STREETS = '420111002006';
const STREETS_BOX = box(114.33, 30.52, 114.336, 30.524);

beforeAll(async () => {
  await seedTree(context);
  const town = smallTown();
  for (const [code, name, geometry] of [[TOWN, '示范社区', town.boundary], [STREETS, '登记社区', STREETS_BOX]] as const) {
    const created = await context.api.post('/api/regions').send(regionFeature(code, name, 'village', tree.street.code, geometry));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});

function request(buildings: FeatureCollection, extra: Record<string, unknown> = {}) {
  const town = smallTown();
  return { regionCode: TOWN, buildings, barriers: town.barriers, specials: town.specials, ...extra };
}


describe('adjust: true', () => {
  it('is refused for a village without grids, and nothing is written', async () => {
    const before = { ...(await tableCounts(context)), divisions: await divisionCount(context) };
    const response = await context.api.post('/api/divisions').send(request(smallTown().buildings, { adjust: true }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('no_grids');
    expect(response.body.error.message).toContain('没有现行的基础网格');
    expect({ ...(await tableCounts(context)), divisions: await divisionCount(context) }).toEqual(before);
    const english = await context.api.post('/api/divisions?lang=en').send(request(smallTown().buildings, { adjust: true }));
    expect(english.body.error.message).toMatch(/has no live basic grids/);
  });

  it('refuses a wrong type of adjust or households, and either without a stored village', async () => {
    const town = smallTown();
    const cases: [Record<string, unknown>, string][] = [
      [request(town.buildings, { adjust: 'yes' }), 'adjust must be true or false'],
      [request(town.buildings, { households: 'people' }), 'households must be'],
      [{ boundary: town.boundary, buildings: town.buildings, adjust: true }, 'needs a stored village'],
      [{ boundary: town.boundary, households: 'addresses' }, 'needs a stored village'],
      [request(town.buildings, { households: 'addresses' }), 'not both'],
    ];
    for (const [body, message] of cases) {
      const response = await context.api.post('/api/divisions?lang=en').send(body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.message).toContain(message);
    }
  });

  it('keeps the grids that still meet the rules, redraws the rest, and applies with lineage', async () => {
    // Today: the village divided and applied.
    const town = smallTown();
    const first = await context.api.post('/api/divisions').send(request(town.buildings));
    expect(first.status).toBe(202);
    await finishedJob(context, first.headers.location);
    expect((await context.api.post(`${first.headers.location}/apply`)).status).toBe(200);
    const live = (await context.api.get(`/api/grids?region=${TOWN}`)).body.features as { id: string; properties: { households: number; kind: string; version: number } }[];
    expect(live.length).toBeGreaterThan(3);

    // A year of building: the four western blocks (x < 200 m) gain 60 % households.
    const grown = structuredClone(town.buildings);
    for (const feature of grown.features) {
      const [lon] = (feature.geometry as { coordinates: number[][][] }).coordinates[0][0];
      if (lon < 114.3 + 200 / 96_000) feature.properties!.households = Math.round((feature.properties!.households as number) * 1.6);
    }
    const accepted = await context.api.post('/api/divisions').send(request(grown, { adjust: true }));
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    expect(accepted.body.inputs.adjust.freed.length).toBeGreaterThan(0);
    expect(accepted.body.inputs.adjust.kept.length).toBeGreaterThan(0);
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status, job.error).toBe('done');
    const grids = job.proposal.features as { properties: { code?: string; status?: string; kind: string; households: number } }[];
    const kept = grids.filter((g) => g.properties.status === 'kept');
    expect(kept.map((g) => g.properties.code).sort()).toEqual([...accepted.body.inputs.adjust.kept].sort());
    expect(grids.filter((g) => g.properties.kind === 'basic').every((g) => ['kept', 'changed', 'new'].includes(g.properties.status!))).toBe(true);
    expect(grids.some((g) => g.properties.status === 'changed')).toBe(true);
    expect(job.metrics.stability).toBeGreaterThan(0.4);
    expect(job.metrics.stability).toBeLessThan(1);
    // The two grids that grew to 576 (76 over each) are redrawn from the four grown blocks (4 × 288,
    // halved by cuts): none over the maximum, and the households out of range down from 152 to 12.
    const redrawn = grids.filter((g) => g.properties.status === 'changed').map((g) => g.properties.households);
    expect(redrawn.reduce((sum, h) => sum + h, 0)).toBe(4 * 288);
    expect(Math.max(...redrawn)).toBeLessThanOrEqual(500);
    expect(redrawn.reduce((sum, h) => sum + Math.max(0, 300 - h), 0), JSON.stringify(redrawn)).toBeLessThanOrEqual(12);

    const applied = await context.api.post(`${accepted.headers.location}/apply`);
    expect(applied.status, JSON.stringify(applied.body).slice(0, 500)).toBe(200);
    expect(applied.body.retired.sort()).toEqual([...accepted.body.inputs.adjust.freed].sort());
    for (const code of accepted.body.inputs.adjust.kept as string[]) {
      const grid = await context.api.get(`/api/grids/${code}`);
      expect(grid.status).toBe(200);
      expect(grid.body.properties.version).toBe(live.find((g) => g.id === code)!.properties.version);
    }
    for (const code of accepted.body.inputs.adjust.freed as string[]) {
      expect((await context.api.get(`/api/grids/${code}`)).status).toBe(410);
      expect((await context.api.get(`/api/grids/${code}/lineage`)).body.replacedBy.length).toBeGreaterThan(0);
    }
    const coverage = (await context.api.get(`/api/regions/${TOWN}/coverage`)).body;
    expect(coverage.coveredRatio).toBeGreaterThan(0.9999);
  });

  it('says what is flagged or noted in the reader’s language, naming the grid', async () => {
    const division = (await context.store.db.selectFrom('divisions').select('id').where('region_code', '=', TOWN).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
    const zh = await context.api.get(`/api/divisions/${division}`).set('Accept-Language', 'zh-CN,zh;q=0.9');
    const en = await context.api.get(`/api/divisions/${division}`).set('Accept-Language', 'en-US');
    type Said = { code: string; variant?: string; message: string };
    const said = (body: { proposal: { features: { properties: { flags: Said[]; notes?: Said[] } }[] } }, family: 'flags' | 'notes') =>
      body.proposal.features.flatMap((g) => g.properties[family] ?? []);
    const flagsZh = said(zh.body, 'flags');
    const flagsEn = said(en.body, 'flags');
    expect(flagsZh.map((f) => f.code)).toEqual(flagsEn.map((f) => f.code));
    for (const f of [...flagsZh, ...flagsEn]) expect(f.message).toMatch(/^(第|Grid )\d{3}/);
    // The tower of 1800 households is one building: a note (nothing to redraw), not a flag.
    expect(flagsZh.some((f) => f.code === 'above_max' && /1800/.test(f.message))).toBe(false);
    const tower = (notes: Said[]) => notes.find((n) => n.code === 'above_max' && n.variant === 'one_building')!.message;
    expect(tower(said(zh.body, 'notes'))).toMatch(/^第\d{3}网格为一栋楼，1800户，超过500户/);
    expect(tower(said(en.body, 'notes'))).toMatch(/^Grid \d{3} is one building of 1800 households, more than 500/);
  });

  it('is refused where the village’s live grids overlap, naming them, and nothing is written', async () => {
    const [a, b] = ((await context.api.get(`/api/grids?region=${TOWN}`)).body.features as { id: string; properties: { kind: string } }[]).filter((g) => g.properties.kind !== 'special');
    // Grids written before checks existed (an old import): one drawn over its neighbour.
    await sql`UPDATE grid_versions SET geom = (SELECT ST_Multi(ST_Union(geom)) FROM grid_versions WHERE code IN (${a.id}, ${b.id}) AND valid_to IS NULL)
              WHERE code = ${a.id} AND valid_to IS NULL`.execute(context.store.db);
    const before = { ...(await tableCounts(context)), divisions: await divisionCount(context) };
    const response = await context.api.post('/api/divisions').send(request(smallTown().buildings, { adjust: true }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('grids_overlap');
    expect(response.body.error.details.grids.sort()).toEqual([a.id, b.id].sort());
    expect(response.body.error.message).toContain('重叠');
    expect({ ...(await tableCounts(context)), divisions: await divisionCount(context) }).toEqual(before);
  });
});

describe('households: "addresses"', () => {
  it('is refused for a village without registered addresses', async () => {
    const response = await context.api.post('/api/divisions').send({ regionCode: STREETS, households: 'addresses' });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('no_addresses');
  });

  it('divides a village by its registered households: rooms are households, the gate above them is not', async () => {
    // Two rows of buildings, each with 2 units × 16 floors × 6 rooms = 192 rooms, and the gate
    // address of the compound (not a household: rooms lie beneath it).
    const features: unknown[] = [];
    let rooms = 0;
    for (let b = 0; b < 4; b++) {
      const lon = 114.3305 + (b % 2) * 0.0025;
      const lat = 30.5205 + Math.floor(b / 2) * 0.002;
      const compound = b < 2 ? '光谷花园' : '南湖雅园';
      const number = b < 2 ? 8 : 9;
      if (b % 2 === 0) features.push({ type: 'Feature', properties: { address: `湖北省武汉市洪山区关山街道登记社区民族大道${number}号` }, geometry: { type: 'Point', coordinates: [lon - 0.0003, lat] } });
      for (let unit = 1; unit <= 2; unit++) {
        for (let floor = 1; floor <= 16; floor++) {
          for (let room = 1; room <= 6; room++) {
            rooms++;
            features.push({
              type: 'Feature',
              properties: { address: `湖北省武汉市洪山区关山街道登记社区民族大道${number}号${compound}${b + 1}栋${unit}单元${floor}0${room}室` },
              geometry: { type: 'Point', coordinates: [lon, lat] },
            });
          }
        }
      }
    }
    const imported = await context.api.post('/api/addresses/import').type('application/geo+json').send({ type: 'FeatureCollection', features });
    expect(imported.status, JSON.stringify(imported.body).slice(0, 300)).toBe(200);
    const accepted = await context.api.post('/api/divisions').send({ regionCode: STREETS, households: 'addresses', barriers: { type: 'FeatureCollection', features: [] } });
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    expect(accepted.body.inputs.households).toBe('addresses');
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status, job.error).toBe('done');
    expect(job.metrics.households).toBe(rooms);
    expect(job.metrics.compoundsSplit).toBe(0);
    expect(job.proposal.features.every((g: { properties: { households: number } }) => g.properties.households >= 300 && g.properties.households <= 500)).toBe(true);
  });
});
