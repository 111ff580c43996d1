import { describe, expect, it } from 'vitest';
import { featureCollection, intersect } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { hexBinning, kmeansVoronoi, targetGridCount, weightedKMeans, type BaselineGrid } from '../../../server/geo/divide/baselines.js';
import {
  areaProjection,
  divisionMetrics,
  PolygonLocator,
  polygonsArea,
  projectPolygonal,
  forEachSample,
} from '../../../server/geo/divide/metrics.js';
import { syntheticTown } from '../../../scripts/bench/division/town.js';

const town = syntheticTown({ seed: 7, buildings: 1_000, households: 4_000 });
const input = { ...town, minHouseholds: 300, maxHouseholds: 500 };
const proj = areaProjection(town.area);
const areaM2 = polygonsArea(projectPolygonal(town.area, proj));

/** Planar copies of the grids, for areas and pairwise overlaps. */
function planar(grids: BaselineGrid[]): Feature<Polygon | MultiPolygon>[] {
  return grids.map((g) => {
    const polys = projectPolygonal(g.geometry, proj);
    const coords = polys.map((p) => [p.outer, ...p.holes]);
    return { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: coords } };
  });
}

function checkTiling(grids: BaselineGrid[]) {
  const shapes = grids.map((g) => projectPolygonal(g.geometry, proj));
  const areas = shapes.map((s) => polygonsArea(s));
  for (const a of areas) expect(a).toBeGreaterThan(0);
  // Every grid lies inside the area (it is a clip of it)…
  const areaFeature: Feature<Polygon | MultiPolygon> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPolygon', coordinates: projectPolygonal(town.area, proj).map((p) => [p.outer, ...p.holes]) },
  };
  const features = planar(grids);
  for (let i = 0; i < features.length; i++) {
    const inside = intersect(featureCollection([features[i], areaFeature]));
    expect(inside ? polygonsArea(projectGeo(inside.geometry)) : 0).toBeCloseTo(areas[i], 0);
  }
  // …no two overlap by more than 1 m²…
  const boxes = features.map((f) => bbox(f));
  for (let i = 0; i < features.length; i++) {
    for (let j = i + 1; j < features.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]) continue;
      const both = intersect(featureCollection([features[i], features[j]]));
      expect(both ? polygonsArea(projectGeo(both.geometry)) : 0, `grids ${i} and ${j}`).toBeLessThan(1);
    }
  }
  // …and together they cover it.
  const total = areas.reduce((s, a) => s + a, 0);
  expect(Math.abs(total - areaM2)).toBeLessThan(1);
}

/** Already-planar GeoJSON → planar polygons (identity projection). */
function projectGeo(g: Polygon | MultiPolygon) {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.map((rings) => ({ outer: rings[0] as [number, number][], holes: rings.slice(1) as [number, number][][] }));
}

function bbox(f: Feature<Polygon | MultiPolygon>): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  for (const p of polys) for (const [x, y] of p[0]) [b[0], b[1], b[2], b[3]] = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  return b;
}

describe('syntheticTown', () => {
  it('has exactly the buildings and households asked for, deterministically', () => {
    expect(town.buildings.features).toHaveLength(1_000);
    expect(town.buildings.features.reduce((s, f) => s + f.properties.households, 0)).toBe(4_000);
    expect(syntheticTown({ seed: 7, buildings: 1_000, households: 4_000 })).toEqual(town);
    expect(syntheticTown({ seed: 8, buildings: 1_000, households: 4_000 })).not.toEqual(town);
    const kinds = new Set(town.barriers.features.map((f) => f.properties.kind));
    expect([...kinds].sort()).toEqual(['major_road', 'minor_road', 'path', 'ridge', 'river', 'water']);
    expect(town.barriers.features.filter((f) => f.geometry.type === 'Polygon')).toHaveLength(1);
  });

  it('default town: 10,000 buildings, 40,000 households, towers over 500, ≈40% in compounds', () => {
    const big = syntheticTown({ seed: 1 });
    const features = big.buildings.features;
    expect(features).toHaveLength(10_000);
    expect(features.reduce((s, f) => s + f.properties.households, 0)).toBe(40_000);
    const towers = features.filter((f) => f.properties.use === 'tower');
    expect(towers.length).toBeGreaterThanOrEqual(2);
    expect(towers.length).toBeLessThanOrEqual(3);
    for (const t of towers) expect(t.properties.households).toBeGreaterThan(500);
    for (const f of features) {
      const { use, households } = f.properties;
      if (use === 'house') expect(households >= 5 && households <= 20).toBe(true);
      if (use === 'apartment') expect(households >= 40 && households <= 150).toBe(true);
    }
    const inCompound = features.filter((f) => f.properties.compound).length / features.length;
    expect(inCompound).toBeGreaterThan(0.35);
    expect(inCompound).toBeLessThan(0.45);
    const compounds = new Set(features.filter((f) => f.properties.use === 'apartment').map((f) => f.properties.compound));
    expect(compounds.size).toBeGreaterThan(10);
  });

  it('no footprint meets a road, path, river, ridge or the lake', () => {
    const p = areaProjection(town.area);
    const shapes = town.buildings.features.map((f) => projectPolygonal(f.geometry, p));
    const locator = new PolygonLocator(shapes);
    const hits: string[] = [];
    for (const f of town.barriers.features) {
      const lines = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const l of lines) {
        // Samples every metre: footprints are at least 3 m wide, so a crossing line would be caught.
        forEachSample(l.map((q) => p.forward(q)), 1, (x, y) => {
          if (locator.locate(x, y) >= 0) hits.push(`${f.properties.kind} at ${x.toFixed(0)}, ${y.toFixed(0)}`);
        });
      }
    }
    expect(hits).toEqual([]);
  });
});

describe('baselines', () => {
  const households = town.buildings.features.reduce((s, f) => s + f.properties.households, 0);

  it('k = round(households / mid-range), at least 1', () => {
    expect(targetGridCount(4_000, 300, 500)).toBe(10);
    expect(targetGridCount(40_000, 300, 500)).toBe(100);
    expect(targetGridCount(100, 300, 500)).toBe(1);
    expect(targetGridCount(0, 300, 500)).toBe(1);
  });

  it('weighted k-means pulls centres toward heavy points', () => {
    const centres = weightedKMeans(
      [
        [0, 0],
        [1, 0],
        [100, 0],
        [101, 0],
      ],
      [1, 3, 1, 1],
      2,
      1,
    );
    const sorted = centres.slice().sort((a, b) => a[0] - b[0]);
    expect(sorted[0][0]).toBeCloseTo(0.75, 9);
    expect(sorted[1][0]).toBeCloseTo(100.5, 9);
  });

  for (const [name, run] of [
    ['kmeansVoronoi', () => kmeansVoronoi(input, { seed: 3 })],
    ['hexBinning', () => hexBinning(input)],
  ] as const) {
    describe(name, () => {
      const grids = run();

      it('tiles the area: inside it, no overlaps over 1 m², areas summing to it', () => {
        expect(grids.length).toBeGreaterThan(1);
        for (const g of grids) expect(g.properties.kind).toBe('basic');
        checkTiling(grids);
      });

      it('keeps every household, counted as divisionMetrics counts them', () => {
        expect(grids.reduce((s, g) => s + g.properties.households, 0)).toBe(households);
        const m = divisionMetrics({ ...input, grids });
        expect(m.households).toBe(households);
        expect(m.unassignedHouseholds).toBe(0);
        expect(m.perGrid.map((g) => g.households)).toEqual(grids.map((g) => g.properties.households));
      });

      it('is deterministic', () => {
        expect(run()).toEqual(grids);
      });
    });
  }

  it('k-means: about k grids; another seed, another division', () => {
    const grids = kmeansVoronoi(input, { seed: 3 });
    expect(grids.length).toBeGreaterThanOrEqual(9);
    expect(grids.length).toBeLessThanOrEqual(10);
    expect(kmeansVoronoi(input, { seed: 4 })).not.toEqual(grids);
  });

  it('a town too small for two grids is one grid: the whole area', () => {
    const tiny = { ...input, minHouseholds: 3_000, maxHouseholds: 6_000 };
    for (const grids of [kmeansVoronoi(tiny, { seed: 1 }), hexBinning(tiny)]) {
      if (grids.length === 1) expect(grids[0].properties.households).toBe(households);
      expect(grids.reduce((s, g) => s + g.properties.households, 0)).toBe(households);
    }
    const one = kmeansVoronoi(tiny, { seed: 1 });
    expect(one).toHaveLength(1);
    expect(polygonsArea(projectPolygonal(one[0].geometry, proj))).toBeCloseTo(areaM2, 3);
  });
});
