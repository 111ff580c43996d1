/**
 * Size limits answer 413 (or 400 for one oversized geometry) and write nothing. The service is
 * built with small limits here; production defaults are in server/config.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService({ bodyBytes: 20_000, batchFeatures: 3, featureVertices: 40, batchVertices: 12 });
const A = tree.villageA.code;

beforeAll(() => seedTree(context));

function circle(lon: number, lat: number, vertices: number) {
  const ring = Array.from({ length: vertices }, (_, i) => {
    const angle = (2 * Math.PI * i) / vertices;
    return [lon + 0.0005 * Math.cos(angle), lat + 0.0005 * Math.sin(angle)];
  });
  return { type: 'Polygon' as const, coordinates: [[...ring, ring[0]]] };
}

describe('limits', () => {
  it('refuses an oversized body, too many features, too many vertices; writes nothing', async () => {
    const before = await tableCounts(context);

    const huge = gridFeature(A, 'x'.repeat(30_000), box(114.301, 30.501, 114.302, 30.502));
    const body = await context.api.post('/api/grids').send(huge);
    expect(body.status).toBe(413);
    expect(body.body.error.code).toBe('payload_too_large');

    const four = [0, 1, 2, 3].map((i) => gridFeature(A, `g${i}`, box(114.301 + i * 0.001, 30.501, 114.3015 + i * 0.001, 30.5015)));
    const batch = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: four });
    expect(batch.status).toBe(413);
    expect(batch.body.error.code).toBe('batch_too_large');

    const dense = await context.api.post('/api/grids').send(gridFeature(A, '密', circle(114.305, 30.505, 60)));
    expect(dense.status).toBe(400);
    expect(dense.body.error.code).toBe('too_many_vertices');

    // Three features of 5 vertices each: 15 > 12 for the batch.
    const vertices = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: four.slice(0, 3) });
    expect(vertices.status).toBe(413);
    expect(vertices.body.error.details).toMatchObject({ vertices: 15, limit: 12 });

    const empty = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('empty_batch');

    const nested = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: 'none' });
    expect(nested.status).toBe(400);

    expect(await tableCounts(context)).toEqual(before);
  });
});
