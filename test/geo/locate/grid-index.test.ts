import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { GridIndex, type IndexedGrid } from '../../../server/geo/locate/grid-index.js';
import { seededRandom } from '../../../server/geo/random.js';

const M_PER_DEG_LAT = (6_371_008.8 * Math.PI) / 180;

function square(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
}
const polygon = (...rings: Position[][]): Polygon => ({ type: 'Polygon', coordinates: rings });

/** The lowest code among the grids whose closed polygon holds the point, by exact brute force. */
function bruteForce(index: GridIndex, grids: IndexedGrid[], lon: number, lat: number): number {
  let best = -1;
  for (let g = 0; g < grids.length; g++) {
    if (index.contains(g, lon, lat) && (best < 0 || grids[g].code < grids[best].code)) best = g;
  }
  return best;
}

// A 3 × 3 lattice of 0.01° squares; codes deliberately not in index order.
const xs = [0, 1, 2, 3].map((i) => 114.3 + i * 0.01);
const ys = [0, 1, 2, 3].map((j) => 30.5 + j * 0.01);
const latticeCodes = ['G5', 'G2', 'G8', 'G1', 'G9', 'G3', 'G7', 'G4', 'G6'];
const lattice: IndexedGrid[] = latticeCodes.map((code, k) => {
  const [i, j] = [k % 3, Math.floor(k / 3)];
  return { code, geometry: polygon(square(xs[i], ys[j], xs[i + 1], ys[j + 1])) };
});
const at = (i: number, j: number) => j * 3 + i;
const lowest = (...indices: number[]) => indices.reduce((a, b) => (latticeCodes[b] < latticeCodes[a] ? b : a));

describe('GridIndex on a 3 × 3 lattice', () => {
  // Default cell size, cells aligned (up to rounding) with the grid edges, tiny and huge cells.
  for (const cellSizeM of [undefined, 0.0025 * M_PER_DEG_LAT, 0.005 * M_PER_DEG_LAT, 7, 1e7]) {
    describe(`cellSizeM ${cellSizeM ?? 'default'}`, () => {
      const index = new GridIndex(lattice, { cellSizeM });
      const cases: [string, number, number, number][] = [];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          cases.push([`centre ${i},${j}`, (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2, at(i, j)]);
          cases.push([`near the SW corner ${i},${j}`, xs[i] + 1e-12, ys[j] + 1e-12, at(i, j)]);
        }
      }
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 2; i++) {
          const y = (ys[j] + ys[j + 1]) / 2;
          cases.push([`vertical edge ${i}|${i + 1},${j}`, xs[i + 1], y, lowest(at(i, j), at(i + 1, j))]);
          // Transposed: horizontal edges.
          cases.push([`horizontal edge ${j},${i}|${i + 1}`, (xs[j] + xs[j + 1]) / 2, ys[i + 1], lowest(at(j, i), at(j, i + 1))]);
        }
      }
      for (const [i, j] of [[1, 1], [2, 1], [1, 2], [2, 2]]) {
        cases.push([`shared vertex ${i},${j}`, xs[i], ys[j], lowest(at(i - 1, j - 1), at(i, j - 1), at(i - 1, j), at(i, j))]);
      }
      cases.push(['outer corner SW', xs[0], ys[0], at(0, 0)]);
      cases.push(['outer corner NE', xs[3], ys[3], at(2, 2)]);
      cases.push(['outer edge W', xs[0], 30.515, at(0, 1)]);
      cases.push(['outer edge N', 114.315, ys[3], at(1, 2)]);
      cases.push(['just outside W', xs[0] - 1e-12, 30.515, -1]);
      cases.push(['just outside N', 114.315, ys[3] + 1e-12, -1]);
      cases.push(['far outside', 0, 0, -1]);
      cases.push(['NaN', NaN, 30.51, -1]);

      it.each(cases)('%s', (_name, lon, lat, expected) => {
        expect(index.locate(lon, lat)).toBe(expected);
        if (expected >= 0) expect(index.contains(expected, lon, lat)).toBe(true);
      });

      it('locateMany agrees with locate (number[] and Float64Array, own and given out)', () => {
        const flat = cases.flatMap(([, lon, lat]) => [lon, lat]);
        const expected = Int32Array.from(cases, ([, , , e]) => e);
        expect(index.locateMany(flat)).toEqual(expected);
        const out = new Int32Array(cases.length + 3).fill(99);
        expect(index.locateMany(Float64Array.from(flat), out)).toBe(out);
        expect(out.subarray(0, cases.length)).toEqual(expected);
      });
    });
  }

  it('measures distances in metres', () => {
    const index = new GridIndex(lattice);
    const mPerDegLon = M_PER_DEG_LAT * Math.cos((30.515 * Math.PI) / 180);
    // Centre of the middle square: the east/west edges are 0.005° of longitude away.
    expect(index.distanceToEdge(at(1, 1), 114.315, 30.515)).toBeCloseTo(0.005 * mPerDegLon, 3);
    expect(index.distanceToEdge(at(1, 1), xs[2], 30.515)).toBe(0);
    const hit = index.hit(114.315, 30.515);
    expect(hit).toEqual({ index: at(1, 1), code: 'G9', distanceToEdgeM: index.distanceToEdge(at(1, 1), 114.315, 30.515) });
    expect(index.hit(0, 0)).toBeUndefined();
    expect(() => index.distanceToEdge(9, 114.3, 30.5)).toThrow(RangeError);
  });

  it('gives the nearest grid to a point outside, with its distance', () => {
    const index = new GridIndex(lattice);
    const mPerDegLon = M_PER_DEG_LAT * Math.cos((30.515 * Math.PI) / 180);
    const lon = xs[3] + 0.001;
    expect(index.locate(lon, 30.515)).toBe(-1);
    const nearest = index.nearest(lon, 30.515);
    expect(nearest?.index).toBe(at(2, 1));
    expect(nearest?.code).toBe('G3');
    expect(nearest!.distanceM).toBeCloseTo(0.001 * mPerDegLon, 3); // ≈ 95.8 m
    // Independent check with turf's geodesic distance.
    const ring = (lattice[at(2, 1)].geometry as Polygon).coordinates[0];
    const turfM = turf.pointToLineDistance([lon, 30.515], turf.lineString(ring), { units: 'meters' });
    expect(Math.abs(nearest!.distanceM - turfM) / turfM).toBeLessThan(0.005);
    expect(index.nearest(lon, 30.515, 50)).toBeUndefined();
    expect(index.nearest(lon, 30.515, 100)?.index).toBe(at(2, 1));
    // Far away: still found (search radius grows); diagonal → the corner grid.
    expect(index.nearest(xs[3] + 0.5, ys[3] + 0.5)?.index).toBe(at(2, 2));
    // Inside: distance 0; on a shared vertex: the lowest code.
    expect(index.nearest(114.315, 30.515)).toEqual({ index: at(1, 1), code: 'G9', distanceM: 0 });
    expect(index.nearest(xs[1], ys[1])?.code).toBe('G1');
  });

  it('lists neighbours near a shared edge', () => {
    const index = new GridIndex(lattice);
    const mPerDegLon = M_PER_DEG_LAT * Math.cos((30.515 * Math.PI) / 180);
    const lon = xs[1] - 2 / mPerDegLon; // 2 m west of the edge between (0,1) and (1,1)
    expect(index.locate(lon, 30.515)).toBe(at(0, 1));
    const near = index.near(lon, 30.515, 3, at(0, 1));
    expect(near.map((h) => h.index)).toEqual([at(1, 1)]);
    expect(near[0].code).toBe('G9');
    expect(near[0].distanceM).toBeCloseTo(2, 3);
    expect(index.near(lon, 30.515, 1, at(0, 1))).toEqual([]);
    const all = index.near(lon, 30.515, 3);
    expect(all.map((h) => [h.index, h.distanceM > 0])).toEqual([[at(0, 1), false], [at(1, 1), true]]);
  });

  it('an empty index finds nothing', () => {
    const index = new GridIndex([]);
    expect(index.size).toBe(0);
    expect(index.locate(114.3, 30.5)).toBe(-1);
    expect(index.locateMany([114.3, 30.5, 0, 0])).toEqual(new Int32Array([-1, -1]));
    expect(index.nearest(114.3, 30.5)).toBeUndefined();
    expect(index.near(114.3, 30.5, 1000)).toEqual([]);
  });

  it('refuses bad input', () => {
    expect(() => new GridIndex(lattice, { cellSizeM: 0 })).toThrow(RangeError);
    expect(() => new GridIndex([{ code: 'X', geometry: polygon(square(0, 0, NaN, 1)) }])).toThrow(/non-finite/);
    expect(() => new GridIndex([{ code: 'X', geometry: { type: 'Point', coordinates: [0, 0] } as unknown as Polygon }])).toThrow(TypeError);
  });
});

describe('GridIndex exactness', () => {
  it('decides sides exactly where floating point cannot (Shewchuk’s y = x example)', () => {
    // Two triangles sharing the diagonal y = x from (-12, -12) to (12, 12); points on a 2⁻⁵³ lattice around (0.5, 0.5).
    const grids: IndexedGrid[] = [
      { code: 'B', geometry: polygon([[-12, -12], [12, -12], [12, 12], [-12, -12]]) }, // x ≥ y
      { code: 'A', geometry: polygon([[-12, -12], [12, 12], [-12, 12], [-12, -12]]) }, // x ≤ y
    ];
    const index = new GridIndex(grids);
    let plainWrong = 0;
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const [x, y] = [0.5 + i * 2 ** -53, 0.5 + j * 2 ** -53];
        expect(index.locate(x, y), `${i},${j}`).toBe(x > y ? 0 : 1);
        const plain = (-12 - x) * (12 - y) - (-12 - y) * (12 - x); // orientation of (-12,-12) → (12,12) → (x, y)
        if (Math.sign(plain) !== Math.sign(y - x)) plainWrong++;
      }
    }
    expect(plainWrong).toBeGreaterThan(0); // the plain determinant does err here
  });

  it('a point a few ulps across a lattice line is still decided by its own cell’s box', () => {
    // Near the meridian a lattice line x = west + i·cellLon sits at a tiny longitude, whose ulp is
    // far finer than that of (lon − west): points a hair west of the line can map to the cell east
    // of it. Put a grid edge between such a point and the line.
    const cellSizeM = 37;
    const make = (e: number): IndexedGrid[] => [
      { code: 'W', geometry: polygon(square(-0.02, -0.01, e, 0.01)) },
      { code: 'E', geometry: polygon(square(e, -0.01, 0.02, 0.01)) },
    ];
    const { originLon: west, cellLon } = new GridIndex(make(0), { cellSizeM }).stats();
    const i = Math.round(-west / cellLon);
    const line = west + i * cellLon;
    const f = new Float64Array(1);
    const u = new BigInt64Array(f.buffer);
    /** x moved k ulps east (not across zero). */
    const east = (x: number, k: number) => {
      f[0] = x;
      u[0] += BigInt(Math.sign(x) * k);
      return f[0];
    };
    let tested = 0;
    for (let k = 2; k < 5000 && tested < 20; k++) {
      const p = east(line, -k);
      if (Math.floor((p - west) * (1 / cellLon)) !== i) continue; // p maps to the cell east of the line
      const e = east(p, 1); // an edge between p and the line
      const grids = make(e);
      const index = new GridIndex(grids, { cellSizeM });
      expect(index.stats().cellLon).toBe(cellLon);
      expect(index.locate(p, 0.001), `point ${p}, edge ${e}, line ${line}`).toBe(0);
      expect(bruteForce(index, grids, p, 0.001)).toBe(0);
      tested++;
    }
    expect(tested).toBeGreaterThan(0);
  });
});

describe('GridIndex with holes and multipolygons', () => {
  const outer = square(114.3, 30.5, 114.33, 30.53);
  const hole = square(114.31, 30.51, 114.32, 30.52).reverse();
  const holed: IndexedGrid = { code: 'H', geometry: polygon(outer, hole) };
  const inHole: [number, number] = [114.315, 30.515];
  const onHoleEdge: [number, number] = [114.31, 30.515];
  const holeVertex: [number, number] = [114.32, 30.52];

  for (const cellSizeM of [undefined, 50, 1e7]) {
    it(`respects holes (cellSizeM ${cellSizeM ?? 'default'})`, () => {
      const alone = new GridIndex([holed], { cellSizeM });
      expect(alone.locate(...inHole)).toBe(-1);
      expect(alone.locate(...onHoleEdge)).toBe(0);
      expect(alone.locate(...holeVertex)).toBe(0);
      expect(alone.locate(114.305, 30.505)).toBe(0);
      expect(alone.nearest(...inHole)?.distanceM).toBeGreaterThan(400);

      // A grid filling the hole: inside it → the filler; on the shared ring → the lower code.
      const fill = (code: string): IndexedGrid => ({ code, geometry: polygon(square(114.31, 30.51, 114.32, 30.52)) });
      for (const [code, onEdge] of [['A', 1], ['Z', 0]] as const) {
        const index = new GridIndex([holed, fill(code)], { cellSizeM });
        expect(index.locate(...inHole)).toBe(1);
        expect(index.locate(...onHoleEdge)).toBe(onEdge);
        expect(index.locate(...holeVertex)).toBe(onEdge);
        expect(index.locate(114.305, 30.505)).toBe(0);
      }
    });
  }

  it('finds both parts of a MultiPolygon grid', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[square(114.3, 30.5, 114.31, 30.51)], [square(114.32, 30.5, 114.33, 30.51), square(114.324, 30.504, 114.326, 30.506).reverse()]],
    };
    const grids: IndexedGrid[] = [
      { code: 'M', geometry: multi },
      { code: 'B', geometry: polygon(square(114.31, 30.5, 114.32, 30.51)) },
    ];
    for (const cellSizeM of [undefined, 30, 1e7]) {
      const index = new GridIndex(grids, { cellSizeM });
      expect(index.locate(114.305, 30.505)).toBe(0);
      expect(index.locate(114.321, 30.509)).toBe(0);
      expect(index.locate(114.325, 30.505)).toBe(-1); // the second part's hole
      expect(index.locate(114.315, 30.505)).toBe(1);
      expect(index.locate(114.31, 30.505)).toBe(1); // shared edge: 'B' < 'M'
      expect(index.locate(114.3, 30.5)).toBe(0);
      expect(index.locate(114.315, 30.52)).toBe(-1);
    }
  });
});

/**
 * ~500 Voronoi cells clipped to a box, some with holes (half of them filled by another grid),
 * some pairs joined into MultiPolygons, and a few large overlapping grids, with shuffled codes.
 */
function randomGrids(seed: number): { grids: IndexedGrid[]; box: [number, number, number, number] } {
  const random = seededRandom(seed);
  const box: [number, number, number, number] = [114.25, 30.45, 114.35, 30.55];
  const sites = turf.featureCollection(
    Array.from({ length: 480 }, () => turf.point([box[0] + random() * (box[2] - box[0]), box[1] + random() * (box[3] - box[1])])),
  );
  const cells = turf.voronoi(sites, { bbox: box }).features.filter((f): f is Feature<Polygon> => Boolean(f?.geometry));
  const geometries: (Polygon | MultiPolygon)[] = [];
  const used = new Set<number>();
  cells.forEach((cell, k) => {
    if (used.has(k)) return;
    const ring = cell.geometry.coordinates[0];
    if (k % 9 === 0) {
      // A hole: the cell shrunk towards its vertex mean (a convex cell keeps it strictly inside).
      const n = ring.length - 1;
      const [cx, cy] = ring.slice(0, n).reduce(([sx, sy], [x, y]) => [sx + x / n, sy + y / n], [0, 0]);
      const inner = ring.map(([x, y]) => [cx + (x - cx) * 0.4, cy + (y - cy) * 0.4]);
      geometries.push(polygon(ring, [...inner].reverse()));
      if (k % 18 === 0) geometries.push(polygon(inner));
    } else if (k % 13 === 0 && k + 200 < cells.length && !used.has(k + 200)) {
      used.add(k + 200);
      geometries.push({ type: 'MultiPolygon', coordinates: [[ring], [cells[k + 200].geometry.coordinates[0]]] });
    } else {
      geometries.push(polygon(ring));
    }
  });
  // Overlapping grids (data errors the rule must still handle): a low-code box, a high-code triangle.
  geometries.push(polygon(square(114.27, 30.47, 114.29, 30.52)));
  geometries.push(polygon([[114.3, 30.46], [114.345, 30.5], [114.31, 30.54], [114.3, 30.46]]));
  const codes = geometries.map((_, k) => `4201${String(k * 7919 % 100003).padStart(6, '0')}`);
  codes[codes.length - 2] = '0000';
  codes[codes.length - 1] = 'ZZZZ';
  return { grids: geometries.map((geometry, k) => ({ code: codes[k], geometry })), box };
}

function segmentDistance(px: number, py: number, [ax, ay]: Position, [bx, by]: Position): number {
  const [dx, dy] = [bx - ax, by - ay];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

describe('GridIndex against brute force on random polygons', () => {
  const { grids, box } = randomGrids(7);
  const features = grids.map((g) => turf.feature(g.geometry));
  const bboxes = grids.map((g) => turf.bbox(g.geometry));
  const rings = grids.map((g) => (g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates).flat());

  /** turf reference with the lowest-code rule; undefined when the point is within 1e-9° of an edge. */
  function reference(lon: number, lat: number): number | undefined {
    let best = -1;
    for (let g = 0; g < grids.length; g++) {
      const [x0, y0, x1, y1] = bboxes[g];
      if (lon < x0 - 1e-9 || lon > x1 + 1e-9 || lat < y0 - 1e-9 || lat > y1 + 1e-9) continue;
      for (const ring of rings[g]) {
        for (let k = 0; k + 1 < ring.length; k++) if (segmentDistance(lon, lat, ring[k], ring[k + 1]) < 1e-9) return undefined;
      }
      if (turf.booleanPointInPolygon([lon, lat], features[g]) && (best < 0 || grids[g].code < grids[best].code)) best = g;
    }
    return best;
  }

  const random = seededRandom(11);
  const margin = 0.005;
  const points: [number, number][] = Array.from({ length: 20_000 }, () => [
    box[0] - margin + random() * (box[2] - box[0] + 2 * margin),
    box[1] - margin + random() * (box[3] - box[1] + 2 * margin),
  ]);
  const expected = points.map(([lon, lat]) => reference(lon, lat));
  const flat = Float64Array.from(points.flat());

  it('the random grids are what they claim', () => {
    expect(grids.length).toBeGreaterThan(450);
    expect(grids.filter((g) => g.geometry.type === 'Polygon' && g.geometry.coordinates.length > 1).length).toBeGreaterThan(40);
    expect(grids.filter((g) => g.geometry.type === 'MultiPolygon').length).toBeGreaterThan(10);
    expect(expected.filter((e) => e === undefined).length).toBeLessThan(10);
    expect(new Set(expected).size).toBeGreaterThan(400);
  });

  for (const cellSizeM of [undefined, 12, 100, 2000, 1e7]) {
    it(`agrees 100% with turf on 20,000 random points (cellSizeM ${cellSizeM ?? 'default'})`, () => {
      const index = new GridIndex(grids, { cellSizeM });
      const got = index.locateMany(flat);
      const wrong: string[] = [];
      points.forEach(([lon, lat], k) => {
        if (expected[k] !== undefined && got[k] !== expected[k]) wrong.push(`${lon},${lat}: ${got[k]} ≠ ${expected[k]}`);
        if (got[k] !== index.locate(lon, lat)) wrong.push(`${lon},${lat}: locateMany ≠ locate`);
      });
      expect(wrong).toEqual([]);
      const stats = index.stats();
      if (cellSizeM === undefined || cellSizeM === 100) expect(stats.pureCells).toBeGreaterThan(stats.mixedCells / 4);
      if (cellSizeM === 1e7) expect(stats.columns * stats.rows).toBe(1);
    });

    it(`agrees 100% with exact brute force on vertices, edges and lattice lines (cellSizeM ${cellSizeM ?? 'default'})`, () => {
      const index = new GridIndex(grids, { cellSizeM });
      const { originLon: west, originLat: south, cellLon, cellLat, columns, rows } = index.stats();
      const r = seededRandom(13);
      const hard: [number, number][] = [];
      for (const ring of rings.flat().filter((_, k) => k % 3 === 0)) {
        for (let k = 0; k + 1 < ring.length; k += 2) {
          const [[ax, ay], [bx, by]] = [ring[k], ring[k + 1]];
          const t = r();
          hard.push([ax, ay]); // a vertex, exactly
          hard.push([ax + t * (bx - ax), ay + t * (by - ay)]); // on the edge, up to rounding
          hard.push([ax + 1e-13 * (r() - 0.5), ay + 1e-13 * (r() - 0.5)]); // a hair off a vertex
          hard.push([ax, ay + (by - ay) * t]); // level with a point of the edge
          // Within an ulp or two of the edge, where a plain floating-point orientation test errs.
          const [ex, ey] = [ax + t * (bx - ax), ay + t * (by - ay)];
          for (let u = -2; u <= 2; u++) hard.push([ex + u * 2 ** -46, ey]);
          // The midpoint, when it is exactly on the edge.
          const [mx, my] = [(ax + bx) / 2, (ay + by) / 2];
          if (mx - ax === bx - mx && my - ay === by - my) hard.push([mx, my]);
        }
      }
      // On lattice lines and lattice corners, where a point's cell is decided by rounding.
      for (let k = 0; k < 3000; k++) {
        const i = Math.floor(r() * (columns + 1));
        const j = Math.floor(r() * (rows + 1));
        hard.push([west + i * cellLon, south + r() * rows * cellLat]);
        hard.push([west + r() * columns * cellLon, south + j * cellLat]);
        hard.push([west + i * cellLon, south + j * cellLat]);
        hard.push([west + i * cellLon * (1 + 1e-16), south + j * cellLat * (1 - 1e-16)]);
      }
      const got = index.locateMany(hard.flat());
      const wrong = hard.flatMap(([lon, lat], k) => {
        const e = bruteForce(index, grids, lon, lat);
        return got[k] === e ? [] : [`${lon},${lat}: ${got[k]} ≠ ${e}`];
      });
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(hard.length).toBeGreaterThan(12_000);
    });
  }

  it('exact brute force agrees with turf away from edges (the reference of the test above)', () => {
    const index = new GridIndex(grids, { cellSizeM: 1e7 });
    const wrong = points.flatMap(([lon, lat], k) =>
      expected[k] === undefined || bruteForce(index, grids, lon, lat) === expected[k] ? [] : [`${lon},${lat}`],
    );
    expect(wrong).toEqual([]);
  });

  it('near and nearest agree with a scan of all grids', () => {
    const index = new GridIndex(grids);
    const r = seededRandom(17);
    for (let k = 0; k < 200; k++) {
      const lon = box[0] - 0.02 + r() * (box[2] - box[0] + 0.04);
      const lat = box[1] - 0.02 + r() * (box[3] - box[1] + 0.04);
      const distances = grids.map((_, g) => (index.contains(g, lon, lat) ? 0 : index.distanceToEdge(g, lon, lat)));
      const radius = 150;
      const within = distances.flatMap((d, g) => (d <= radius ? [g] : [])).sort((a, b) => distances[a] - distances[b] || (grids[a].code < grids[b].code ? -1 : 1));
      expect(index.near(lon, lat, radius).map((h) => h.index)).toEqual(within);
      const min = Math.min(...distances);
      const nearest = index.nearest(lon, lat);
      expect(nearest?.distanceM).toBe(min);
      expect(distances[nearest!.index]).toBe(min);
    }
  });
});
