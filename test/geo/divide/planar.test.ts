import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adjacency, dissolve, pointInPolygon, polygonize, ringArea, type Subdivision } from '../../../server/geo/divide/planar.js';
import type { EdgeKind, PlanarPolygon, TaggedLine, XY } from '../../../server/geo/divide/types.js';
import { seededRandom } from '../../../server/geo/random.js';
import { wigglyGrid } from '../../support/road-networks.js';

const box = (x0: number, y0: number, x1: number, y1: number, kind: EdgeKind = 'boundary'): TaggedLine => ({
  coords: [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]],
  kind,
});
const line = (kind: EdgeKind, ...coords: XY[]): TaggedLine => ({ coords, kind });

/** The face whose interior point lies in the given box — faces are found by place, not by id. */
function faceAt(sub: Subdivision, x: number, y: number): number {
  const hits = sub.faces.filter((f) => pointInPolygon([x, y], f.polygon));
  expect(hits).toHaveLength(1);
  return hits[0].id;
}

function perimeter(p: PlanarPolygon): number {
  let s = 0;
  for (const r of [p.outer, ...p.holes]) for (let k = 1; k < r.length; k++) s += Math.hypot(r[k][0] - r[k - 1][0], r[k][1] - r[k - 1][1]);
  return s;
}

/** Checks every invariant a subdivision must keep, whatever its input. */
function checkInvariants(sub: Subdivision) {
  for (const f of sub.faces) {
    const { outer, holes } = f.polygon;
    for (const r of [outer, ...holes]) expect(r[0]).toEqual(r[r.length - 1]);
    expect(ringArea(outer)).toBeGreaterThan(0);
    for (const h of holes) expect(ringArea(h)).toBeLessThan(0);
    expect(f.area).toBeCloseTo(ringArea(outer) + holes.reduce((s, h) => s + ringArea(h), 0), 6);
    expect(pointInPolygon(f.interiorPoint, f.polygon)).toBe(true);
    // The edges with this face on exactly one side are its outline: their lengths add up to it.
    const around = sub.edges.filter((e) => (e.left === f.id) !== (e.right === f.id)).reduce((s, e) => s + e.length, 0);
    expect(around).toBeCloseTo(perimeter(f.polygon), 6);
  }
  // Interior points lie in exactly one face, and on no edge (dangles included).
  for (const f of sub.faces) {
    expect(sub.faces.filter((g) => pointInPolygon(f.interiorPoint, g.polygon)).map((g) => g.id)).toEqual([f.id]);
    expect(Math.min(...sub.edges.map((e) => distanceToSegment(f.interiorPoint, e.a, e.b)))).toBeGreaterThan(1e-6);
  }
  for (const e of sub.edges) {
    expect(e.length).toBeGreaterThan(0);
    expect(e.kinds.length).toBeGreaterThan(0);
  }
}

function distanceToSegment(p: XY, a: XY, b: XY): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** A seeded PRNG so property tests are reproducible. */
const rng = seededRandom;

describe('polygonize', () => {
  const cross = [box(0, 0, 100, 100), line('minor_road', [0, 50], [100, 50]), line('path', [50, 0], [50, 100])];

  it('cuts a square by a cross into 4 equal faces with the right neighbours', () => {
    const sub = polygonize(cross);
    expect(sub.faces).toHaveLength(4);
    for (const f of sub.faces) expect(f.area).toBeCloseTo(2500, 9);
    checkInvariants(sub);
    const [sw, se, nw, ne] = [faceAt(sub, 25, 25), faceAt(sub, 75, 25), faceAt(sub, 25, 75), faceAt(sub, 75, 75)];
    const adj = adjacency(sub);
    expect(adj).toHaveLength(4);
    const pair = (a: number, b: number) => adj.find((p) => p.a === Math.min(a, b) && p.b === Math.max(a, b));
    expect(pair(sw, se)).toMatchObject({ length: 50, lengthByKind: { path: 50 } });
    expect(pair(nw, ne)).toMatchObject({ length: 50, lengthByKind: { path: 50 } });
    expect(pair(sw, nw)).toMatchObject({ length: 50, lengthByKind: { minor_road: 50 } });
    expect(pair(se, ne)).toMatchObject({ length: 50, lengthByKind: { minor_road: 50 } });
    expect(pair(sw, ne)).toBeUndefined(); // touching at the centre only is no adjacency
    for (const p of adj) expect(p.a).toBeLessThan(p.b);
    // Boundary edges face the outside.
    const outerEdges = sub.edges.filter((e) => e.kinds.includes('boundary'));
    expect(outerEdges).toHaveLength(8);
    for (const e of outerEdges) expect(Math.min(e.left, e.right)).toBe(-1);
  });

  it('merges the kinds of a road that runs along the boundary for a stretch', () => {
    // The road comes from outside along the bottom edge, then turns north through the square.
    const sub = polygonize([box(0, 0, 100, 100), line('major_road', [-20, 0], [30, 0], [60, 0], [60, 100])]);
    expect(sub.faces).toHaveLength(2);
    checkInvariants(sub);
    const shared = sub.edges.filter((e) => e.a[1] === 0 && e.b[1] === 0 && Math.min(e.a[0], e.b[0]) >= 0 && Math.max(e.a[0], e.b[0]) <= 60);
    expect(shared.map((e) => e.length).sort()).toEqual([30, 30]);
    for (const e of shared) expect(e.kinds).toEqual(['major_road', 'boundary']);
    const rest = sub.edges.find((e) => e.a[1] === 0 && e.b[1] === 0 && Math.min(e.a[0], e.b[0]) === 60)!;
    expect(rest.kinds).toEqual(['boundary']);
    // The stretch outside the square is a dangle in no face.
    const outside = sub.edges.find((e) => Math.min(e.a[0], e.b[0]) === -20)!;
    expect([outside.left, outside.right, outside.length]).toEqual([-1, -1, 20]);
    const [west, east] = [faceAt(sub, 30, 50), faceAt(sub, 80, 50)];
    expect(sub.faces[west].area).toBeCloseTo(6000, 9);
    expect(sub.faces[east].area).toBeCloseTo(4000, 9);
  });

  it('merges overlapping lines whose vertices differ along the shared stretch', () => {
    const sub = polygonize([box(0, 0, 100, 100), line('river', [0, 50], [10, 50], [70, 50], [100, 50]), line('path', [0, 50], [35, 50], [100, 50])]);
    expect(sub.faces).toHaveLength(2);
    checkInvariants(sub);
    const middle = sub.edges.filter((e) => e.a[1] === 50 && e.b[1] === 50);
    expect(middle.map((e) => e.length).sort((p, q) => p - q)).toEqual([10, 25, 30, 35]);
    for (const e of middle) expect(e.kinds).toEqual(['path', 'river']);
    expect(adjacency(sub)[0]).toMatchObject({ length: 100, lengthByKind: { path: 100, river: 100 } });
  });

  it('keeps a dangle inside a face as an edge with the same face on both sides', () => {
    const sub = polygonize([
      box(0, 0, 100, 100),
      line('path', [0, 50], [30, 50], [50, 60]), // from the boundary into the block
      line('wall', [70, 20], [80, 30]), // touching nothing
    ]);
    expect(sub.faces).toHaveLength(1);
    checkInvariants(sub);
    expect(sub.faces[0].area).toBeCloseTo(10_000, 9);
    expect(sub.faces[0].polygon.outer).toHaveLength(6); // the boundary split at (0, 50); no spike
    expect(sub.faces[0].polygon.holes).toEqual([]);
    const dangles = sub.edges.filter((e) => !e.kinds.includes('boundary'));
    expect(dangles).toHaveLength(3);
    for (const e of dangles) expect([e.left, e.right]).toEqual([0, 0]);
    expect(adjacency(sub)).toEqual([]);
  });

  it('makes an island inside a block a hole of the block and a face of its own', () => {
    const sub = polygonize([box(0, 0, 100, 100), box(40, 40, 60, 60, 'water')]);
    expect(sub.faces).toHaveLength(2);
    checkInvariants(sub);
    const island = faceAt(sub, 50, 50);
    const block = faceAt(sub, 10, 10);
    expect(sub.faces[island].area).toBeCloseTo(400, 9);
    expect(sub.faces[block].area).toBeCloseTo(9600, 9);
    expect(sub.faces[block].polygon.holes).toHaveLength(1);
    expect(ringArea(sub.faces[block].polygon.holes[0])).toBeCloseTo(-400, 9);
    expect(adjacency(sub)).toEqual([{ a: Math.min(island, block), b: Math.max(island, block), length: 80, lengthByKind: { water: 80 } }]);
    // Nested twice: an islet in a pond in a block.
    const nested = polygonize([box(0, 0, 100, 100), box(20, 20, 80, 80, 'water'), box(45, 45, 55, 55, 'water')]);
    checkInvariants(nested);
    expect(nested.faces.map((f) => f.area).sort((p, q) => p - q)).toEqual([100, 3500, 6400]);
    expect(nested.faces.map((f) => f.polygon.holes.length).sort()).toEqual([0, 1, 1]);
  });

  it('gives a hole joined to the outline by one road, or touching it at a node, a proper hole ring', () => {
    const bridged = polygonize([box(0, 0, 100, 100), box(40, 40, 60, 60, 'water'), line('path', [0, 50], [40, 50])]);
    checkInvariants(bridged);
    const block = bridged.faces[faceAt(bridged, 10, 10)];
    expect(block.polygon.outer).toHaveLength(6);
    expect(block.polygon.holes).toHaveLength(1);
    const touching = polygonize([box(0, 0, 100, 100), line('water', [0, 50], [30, 30], [30, 70], [0, 50])]);
    checkInvariants(touching);
    expect(touching.faces).toHaveLength(2);
  });

  it('nodes T-junctions, at a vertex or in the middle of a segment', () => {
    const sub = polygonize([
      box(0, 0, 100, 100),
      line('minor_road', [0, 50], [100, 50]), // one long segment
      line('path', [50, 100], [50, 50]), // ends on it, between its vertices
      line('path', [30, 0], [30, 50]),
    ]);
    expect(sub.faces).toHaveLength(4);
    checkInvariants(sub);
    expect(sub.faces.map((f) => f.area).sort((p, q) => p - q)).toEqual([1500, 2500, 2500, 3500]);
    const road = sub.edges.filter((e) => e.kinds.includes('minor_road'));
    expect(road.map((e) => e.length).sort((p, q) => p - q)).toEqual([20, 30, 50]);
  });

  it('merges points closer than snap and joins ends that stop within snap of a line', () => {
    // A cross whose arms end near, not at, the centre (within 1 cm), and a road that stops 4 mm
    // short of the boundary.
    const sub = polygonize([
      box(0, 0, 100, 100),
      line('path', [0, 50], [50.004, 50.003]),
      line('path', [50, 49.996], [100, 50]),
      line('path', [50, 0], [49.997, 50.002]),
      line('path', [50.001, 50], [50, 100]),
    ]);
    expect(sub.faces).toHaveLength(4);
    checkInvariants(sub);
    expect(sub.edges.filter((e) => e.length < 0.01)).toEqual([]);
    const short = polygonize([box(0, 0, 100, 100), line('path', [0, 50], [99.996, 50])]);
    expect(short.faces).toHaveLength(2);
    // 1 m short is a dangle, not a junction; and with snap 0 even 4 mm stays open.
    expect(polygonize([box(0, 0, 100, 100), line('path', [0, 50], [99, 50])]).faces).toHaveLength(1);
    expect(polygonize([box(0, 0, 100, 100), line('path', [0, 50], [99.996, 50])], { snap: 0 }).faces).toHaveLength(1);
  });

  it('never moves the boundary to meet a road, however close', () => {
    const sub = polygonize([
      box(0, 0, 100, 100),
      line('minor_road', [0.004, 50], [50, 50], [100.006, 50.003]), // ends 4 mm inside, 6 mm outside
      line('path', [50, 50], [50, 0.003], [50.002, -0.004]), // a vertex 3 mm in, ending 4 mm out
      line('path', [0.005, 99.996], [30, 70]), // 5 mm from the corner
    ]);
    checkInvariants(sub);
    expect(sub.faces).toHaveLength(3);
    expect(sub.faces.reduce((s, f) => s + f.area, 0)).toBe(10_000);
    for (const e of sub.edges.filter((e) => e.kinds.includes('boundary'))) {
      for (const [x, y] of [e.a, e.b]) expect(x === 0 || x === 100 || y === 0 || y === 100).toBe(true);
    }
    expect(sub.edges.some((e) => e.a.join() === '0,100' || e.b.join() === '0,100')).toBe(true);
  });

  it('keeps every invariant on networks whose near-misses once broke the noding', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../fixtures/divide/near-misses.json', import.meta.url), 'utf8')) as { cases: { name: string; lines: TaggedLine[] }[] };
    for (const { name, lines } of fixture.cases) {
      const sub = polygonize(lines);
      checkInvariants(sub);
      expect(sub.faces.reduce((s, f) => s + f.area, 0), name).toBeCloseTo(1e6, 6);
      for (const f of sub.faces) expect(f.area, name).toBeGreaterThan(1e-4);
    }
  });

  it('handles empty and degenerate input', () => {
    expect(polygonize([])).toEqual({ faces: [], edges: [] });
    expect(polygonize([line('path', [1, 1], [1, 1]), line('path', [2, 2])])).toEqual({ faces: [], edges: [] });
    const open = polygonize([line('path', [0, 0], [10, 0], [10, 10])]);
    expect(open.faces).toEqual([]);
    expect(open.edges.map((e) => [e.left, e.right])).toEqual([
      [-1, -1],
      [-1, -1],
    ]);
    expect(() => polygonize([line('path', [0, 0], [Number.NaN, 1])])).toThrow(RangeError);
  });

  it('tiles the square exactly for random road networks (property)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rand = rng(seed);
      const S = 1000;
      const lines: TaggedLine[] = [box(0, 0, S, S)];
      const kinds: EdgeKind[] = ['major_road', 'minor_road', 'path', 'river'];
      const pt = (): XY => {
        // A third of the points on the boundary or on a shared lattice, to force touches.
        const r = rand();
        if (r < 0.15) return [Math.round(rand() * 10) * 100, rand() < 0.5 ? 0 : S];
        if (r < 0.3) return [Math.round(rand() * 10) * 100, Math.round(rand() * 10) * 100];
        return [rand() * S, rand() * S];
      };
      for (let k = 0; k < 12; k++) {
        const coords: XY[] = [pt()];
        for (let v = 0; v < 1 + Math.floor(rand() * 5); v++) coords.push(pt());
        lines.push({ coords, kind: kinds[k % kinds.length] });
      }
      // Lattice lines overlap each other and the boundary collinearly.
      lines.push(line('path', [0, 300], [S, 300]), line('minor_road', [200, 300], [700, 300]), line('wall', [500, 0], [500, S]));
      const sub = polygonize(lines);
      const total = sub.faces.reduce((s, f) => s + f.area, 0);
      expect(Math.abs(total - S * S) / (S * S), `seed ${seed}`).toBeLessThan(1e-6);
      checkInvariants(sub);
      // Dissolving random groups keeps every group's area; one group gives back the square.
      const groupOf = sub.faces.map(() => Math.floor(rand() * 3));
      dissolve(sub, groupOf).forEach((polys, g) => {
        const want = sub.faces.filter((f) => groupOf[f.id] === g).reduce((s, f) => s + f.area, 0);
        const got = polys.reduce((s, p) => s + ringArea(p.outer) + p.holes.reduce((t, h) => t + ringArea(h), 0), 0);
        expect(got).toBeCloseTo(want, 4);
      });
      const whole = dissolve(sub, sub.faces.map(() => 0));
      expect(whole).toHaveLength(1);
      expect(whole[0]).toHaveLength(1);
      expect(whole[0][0].holes).toEqual([]);
      expect(whole[0][0].outer).toHaveLength(5);
      expect(ringArea(whole[0][0].outer)).toBeCloseTo(S * S, 4);
    }
  });

  // Its speed is measured by npm run bench:division; the timeout only stops a quadratic step
  // (minutes) from hanging the suite.
  it('nodes a dense network (20,000 segments)', () => {
    const sub = polygonize(wigglyGrid(40, 250, 7));
    expect(sub.faces.length).toBe(39 * 39);
  }, 60_000);
});

describe('dissolve', () => {
  const cross = [box(0, 0, 100, 100), line('minor_road', [0, 50], [100, 50]), line('path', [50, 0], [50, 100])];

  it('dissolves the cross into two rectangles without the internal edge or midpoints', () => {
    const sub = polygonize(cross);
    const groupOf = sub.faces.map((f) => (f.interiorPoint[1] < 50 ? 0 : 1));
    const out = dissolve(sub, groupOf);
    expect(out).toHaveLength(2);
    const south = out[0];
    expect(south).toHaveLength(1);
    expect(south[0].holes).toEqual([]);
    expect(south[0].outer).toHaveLength(5); // four corners, closed: (50, 0) and (50, 50) are gone
    expect(ringArea(south[0].outer)).toBeCloseTo(5000, 9);
    expect(new Set(south[0].outer.map((p) => p.join(',')))).toEqual(new Set(['0,0', '100,0', '100,50', '0,50']));
    expect(out[1][0].outer).toHaveLength(5);
    expect(out[1][0].outer[0]).toEqual(out[1][0].outer[4]);
  });

  it('leaves a hole where a group surrounds another group, no group, or an island', () => {
    const lines = [box(0, 0, 300, 300), line('path', [100, 0], [100, 300]), line('path', [200, 0], [200, 300]), line('path', [0, 100], [300, 100]), line('path', [0, 200], [300, 200])];
    const sub = polygonize(lines);
    expect(sub.faces).toHaveLength(9);
    const centre = faceAt(sub, 150, 150);
    for (const centreGroup of [1, -1]) {
      const out = dissolve(
        sub,
        sub.faces.map((f) => (f.id === centre ? centreGroup : 0)),
      );
      expect(out).toHaveLength(centreGroup === 1 ? 2 : 1);
      const ring = out[0];
      expect(ring).toHaveLength(1);
      expect(ring[0].outer).toHaveLength(5);
      expect(ring[0].holes).toHaveLength(1);
      expect(ring[0].holes[0]).toHaveLength(5);
      expect(ringArea(ring[0].holes[0])).toBeCloseTo(-10_000, 9);
      expect(pointInPolygon([150, 150], ring[0])).toBe(false);
      expect(pointInPolygon([50, 150], ring[0])).toBe(true);
    }
    const island = polygonize([box(0, 0, 100, 100), box(40, 40, 60, 60, 'water')]);
    const lake = faceAt(island, 50, 50);
    const out = dissolve(island, island.faces.map((f) => (f.id === lake ? -1 : 0)));
    expect(out[0]).toHaveLength(1);
    expect(out[0][0].holes).toHaveLength(1);
  });

  it('splits a group into several polygons, including parts touching at a corner, and a hole touching the outline', () => {
    const lines = [box(0, 0, 300, 300), line('path', [100, 0], [100, 300]), line('path', [200, 0], [200, 300]), line('path', [0, 100], [300, 100]), line('path', [0, 200], [300, 200])];
    const sub = polygonize(lines);
    // A chequerboard: group 0 is five squares touching only at corners.
    const cell = (f: number) => Math.floor(sub.faces[f].interiorPoint[0] / 100) + Math.floor(sub.faces[f].interiorPoint[1] / 100);
    const out = dissolve(sub, sub.faces.map((f) => cell(f.id) % 2));
    expect(out[0]).toHaveLength(5);
    expect(out[1]).toHaveLength(4);
    for (const p of [...out[0], ...out[1]]) {
      expect(p.outer).toHaveLength(5);
      expect(ringArea(p.outer)).toBeCloseTo(10_000, 9);
    }
    // The centre and south-west squares out: the hole (centre) touches the outline, which
    // goes round the missing corner, at (100, 100) only.
    const out2 = dissolve(sub, sub.faces.map((f) => (cell(f.id) === 0 || faceAt(sub, 150, 150) === f.id ? -1 : 0)));
    expect(out2[0]).toHaveLength(1);
    const [poly] = out2[0];
    expect(ringArea(poly.outer) + poly.holes.reduce((s, h) => s + ringArea(h), 0)).toBeCloseTo(70_000, 6);
    expect(poly.holes).toHaveLength(1);
    expect(poly.outer).toHaveLength(7);
  });

  it('works on a subdivision that went through JSON (no shared point arrays)', () => {
    const sub = polygonize([box(0, 0, 300, 300), line('path', [100, 0], [100, 300]), line('path', [0, 100], [300, 100]), box(20, 20, 40, 40, 'water')]);
    const groupOf = sub.faces.map((f) => (f.area < 1000 ? -1 : f.id % 2));
    expect(dissolve(JSON.parse(JSON.stringify(sub)) as Subdivision, groupOf)).toEqual(dissolve(sub, groupOf));
  });

  it('returns one list per group number, empty for unused numbers', () => {
    const sub = polygonize(cross);
    const out = dissolve(sub, [3, -1, 3, -1]);
    expect(out).toHaveLength(4);
    expect(out.slice(0, 3)).toEqual([[], [], []]);
    expect(dissolve(sub, [-1, -1, -1, -1])).toEqual([]);
  });
});

describe('helpers', () => {
  it('ringArea is signed and accepts open or closed rings', () => {
    expect(ringArea([[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]])).toBe(2);
    expect(ringArea([[0, 0], [0, 1], [2, 1], [2, 0]])).toBe(-2);
    expect(ringArea([[0, 0], [1, 1]])).toBe(0);
  });
  it('pointInPolygon is even–odd over the outer ring and holes', () => {
    const p: PlanarPolygon = { outer: box(0, 0, 10, 10).coords, holes: [box(4, 4, 6, 6).coords.reverse()] };
    expect(pointInPolygon([1, 1], p)).toBe(true);
    expect(pointInPolygon([5, 5], p)).toBe(false);
    expect(pointInPolygon([11, 5], p)).toBe(false);
  });
});

