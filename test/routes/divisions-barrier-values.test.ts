/**
 * Barriers straight from an OpenStreetMap-derived file: OSM tags, Tilezen kinds and Chinese words
 * are read as barriers; a ferry line and a fountain point are skipped and counted; a typo is refused.
 */
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from 'geojson';
import { useTestService } from '../support/context.js';
import { finishedJob } from '../support/jobs.js';
import { lonLat, smallTown } from '../support/town.js';

const context = useTestService();

const line = (properties: Record<string, unknown>, points: [number, number][]): Feature => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates: points.map(([x, y]) => lonLat(x, y)) },
});

function body(barriers: FeatureCollection) {
  const town = smallTown();
  return { boundary: town.boundary, buildings: town.buildings, specials: town.specials, barriers };
}

/** The small town's barriers as an OSM/Chinese file writes them, with a ferry line and a fountain point beside them. */
function osmBarriers(): FeatureCollection {
  const features = smallTown().barriers.features.map((f): Feature => {
    const kind = f.properties!.kind;
    const properties = kind === 'major_road' ? { highway: 'primary', name: '解放路' } : kind === 'river' ? { kind: '河流' } : { kind: 'minor_road', kind_detail: 'residential' };
    return { ...f, properties };
  });
  features.push(line({ kind: 'ferry' }, [[50, 50], [550, 350]]));
  features.push({ type: 'Feature', properties: { kind: 'fountain' }, geometry: { type: 'Point', coordinates: lonLat(250, 250) } });
  return { type: 'FeatureCollection', features };
}

async function proposal(barriers: FeatureCollection) {
  const accepted = await context.api.post('/api/divisions').send(body(barriers));
  expect(accepted.status, JSON.stringify(accepted.body).slice(0, 400)).toBe(202);
  const job = await finishedJob(context, accepted.headers.location);
  expect(job.status).toBe('done');
  return { accepted, job };
}

describe('division barriers from OSM-derived files', () => {
  it('reads highway=primary and 河流 as barriers, skips the ferry and the fountain and says so', async () => {
    const { accepted, job } = await proposal(osmBarriers());
    expect(accepted.body.inputs.barriers).toEqual({ source: 'request', features: 7, skipped: { count: 2, byValue: { ferry: 1, fountain: 1 } } });
    expect(job.inputs.barriers.skipped).toEqual({ count: 2, byValue: { ferry: 1, fountain: 1 } });
    // The same grids as with gridgov's own kinds: the primary road divides as a major road does.
    const own = await proposal(smallTown().barriers);
    expect(own.accepted.body.inputs.barriers.skipped).toBeUndefined();
    const shapes = (j: { proposal: FeatureCollection }) => j.proposal.features.map((f) => JSON.stringify(f.geometry)).sort();
    expect(shapes(job)).toEqual(shapes(own.job));
  });

  it('refuses a kind nobody knows, naming it, in Chinese and in English; nothing is queued', async () => {
    const barriers = osmBarriers();
    barriers.features[1].properties = { kind: 'minr_road' };
    const zh = await context.api.post('/api/divisions').send(body(barriers));
    expect(zh.status).toBe(400);
    expect(zh.body.error.message).toContain('barriers[1]');
    expect(zh.body.error.message).toContain('不认识的分隔线类型“minr_road”');
    expect(zh.body.error.message).toContain('主干道');
    const en = await context.api.post('/api/divisions?lang=en').send(body(barriers));
    expect(en.status).toBe(400);
    expect(en.body.error.message).toMatch(/barriers\[1\]: unknown barrier value "minr_road": properties\.kind must be one of major_road, minor_road/);
    expect(en.body.error.message).toContain('highway');
  });
});
