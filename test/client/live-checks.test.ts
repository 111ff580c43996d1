/**
 * The pure parts of the planner's live checks and save flow, without a browser: the gaps the
 * edits opened in a village (client/src/editing/gaps.ts) and the version check and geometry
 * comparison before a save (client/src/editing/staleness.ts). Real turf on small squares near
 * Beijing (about 85 m a side).
 */
import { describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from 'geojson';
import { openedGaps, type GapChange, type HeldGrid } from '../../client/src/editing/gaps.js';
import { firstStale, sameGeometry } from '../../client/src/editing/staleness.js';

const D = 0.001;
/** A rectangle of cells [x0, x1] × [y0, y1] (in units of D) at 116.3 E, 39.9 N. */
const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[116.3 + x0 * D, 39.9 + y0 * D], [116.3 + x1 * D, 39.9 + y0 * D], [116.3 + x1 * D, 39.9 + y1 * D], [116.3 + x0 * D, 39.9 + y1 * D], [116.3 + x0 * D, 39.9 + y0 * D]]],
});

const VILLAGE = '110108001001';
const villages = new Map([[VILLAGE, box(0, 0, 2, 1)]]);
const held = (code: string, loaded: Polygon, now: Polygon = loaded, isNew = false): HeldGrid => ({ code, regionCode: VILLAGE, isNew, loaded, now });
const change = (code: string, before: Polygon | MultiPolygon | null, after: Polygon | MultiPolygon, retire = false): GapChange => ({ code, properties: { regionCode: VILLAGE }, before, after, retire });

describe('openedGaps', () => {
  it('reports the part of the village a shrunk grid no longer covers, against that grid', () => {
    const a = held('A', box(0, 0, 1, 1), box(0, 0, 0.5, 1));
    const b = held('B', box(1, 0, 2, 1));
    const problems = openedGaps([change('A', a.loaded, a.now)], [a, b], villages);
    expect(problems).toHaveLength(1);
    const [gap] = problems;
    expect(gap).toMatchObject({ kind: 'gap', code: 'A', region: VILLAGE });
    // Half a cell: 0.0005° × 0.001° ≈ 42.7 m × 111 m.
    expect(gap.kind === 'gap' && gap.areaM2).toBeGreaterThan(4000);
    expect(gap.kind === 'gap' && gap.areaM2).toBeLessThan(5000);
  });

  it('reports nothing when a neighbour takes the part over, or a gap that was there before the edits', () => {
    const a = held('A', box(0, 0, 1, 1), box(0, 0, 0.5, 1));
    const b = held('B', box(1, 0, 2, 1), box(0.5, 0, 2, 1));
    expect(openedGaps([change('A', a.loaded, a.now), change('B', b.loaded, b.now)], [a, b], villages)).toEqual([]);
    // The right half was never covered: moving A's edge inside its own cell opens nothing new there.
    const alone = held('A', box(0, 0, 1, 1), box(0, 0, 1.2, 1));
    expect(openedGaps([change('A', alone.loaded, alone.now)], [alone], villages)).toEqual([]);
  });

  it('counts what a retired grid covered as loaded (a merge that drops part of it opens a gap)', () => {
    const a = held('A', box(0, 0, 1, 1), box(0, 0, 1.5, 1));
    // B is retired (no longer held); A took only half of it.
    const problems = openedGaps([change('A', a.loaded, a.now), change('B', box(1, 0, 2, 1), box(1, 0, 2, 1), true)], [a], villages);
    expect(problems.map((p) => p.kind === 'gap' && p.code)).toEqual(['A']);
  });

  it('leaves a village alone whose boundary is not loaded', () => {
    const a = held('A', box(0, 0, 1, 1), box(0, 0, 0.5, 1));
    expect(openedGaps([change('A', a.loaded, a.now)], [a], new Map())).toEqual([]);
  });
});

describe('firstStale', () => {
  const stored = new Map([
    ['A', { properties: { version: 3 } }],
    ['B', { properties: { version: 5 } }],
  ]);
  const current = async (code: string) => stored.get(code)!;
  const pending = (code: string, version: number, isNew = false) => ({ code, isNew, properties: { version } });

  it('finds the first grid whose version moved on, with the server’s state of it', async () => {
    const found = await firstStale([pending('A', 3), pending('B', 4)], current);
    expect(found?.change.code).toBe('B');
    expect(found?.current.properties.version).toBe(5);
  });

  it('finds none when every version is as loaded, and never asks for a grid drawn and not saved', async () => {
    const asked: string[] = [];
    const found = await firstStale([pending('A', 3), pending('new-1', 0, true)], async (code) => {
      asked.push(code);
      return current(code);
    });
    expect(found).toBeNull();
    expect(asked).toEqual(['A']);
  });
});

describe('sameGeometry', () => {
  it('sees a Polygon and the one-part MultiPolygon of it as the same, and a moved vertex as different', () => {
    const polygon = box(0, 0, 1, 1);
    expect(sameGeometry(polygon, { type: 'MultiPolygon', coordinates: [polygon.coordinates] })).toBe(true);
    expect(sameGeometry(polygon, box(0, 0, 1, 1.1))).toBe(false);
  });
});
