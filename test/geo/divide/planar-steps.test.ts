/**
 * The planar subdivision's steps one by one (planar.ts composes them): noding a network,
 * tracing its faces, and the ring helpers they share. planar.test.ts tests them together.
 */
import { describe, expect, it } from 'vitest';
import { nodeNetwork } from '../../../server/geo/divide/planar/noding.js';
import { trace } from '../../../server/geo/divide/planar/faces.js';
import { nodesArea, signedArea2, splitAtRepeats } from '../../../server/geo/divide/planar/rings.js';
import { KIND_BIT } from '../../../server/geo/divide/planar/subdivision.js';
import type { TaggedLine } from '../../../server/geo/divide/types.js';

const square = (kind: TaggedLine['kind']): TaggedLine => ({ coords: [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], kind });

describe('noding', () => {
  it('splits two crossing lines at their crossing: five nodes, four edges, kinds kept as bits', () => {
    const net = nodeNetwork([{ coords: [[0, 5], [10, 5]], kind: 'path' }, { coords: [[5, 0], [5, 10]], kind: 'major_road' }], 0.01);
    expect(net.nx.length).toBe(5);
    expect(net.eu.length).toBe(4);
    expect(net.ekinds.filter((k) => k === KIND_BIT.get('path')).length).toBe(2);
    expect(net.ekinds.filter((k) => k === KIND_BIT.get('major_road')).length).toBe(2);
  });

  it('joins the end of a line that stops within snap of another onto it (a T-junction)', () => {
    const net = nodeNetwork([{ coords: [[0, 0], [10, 0]], kind: 'minor_road' }, { coords: [[5, 0.005], [5, 10]], kind: 'path' }], 0.01);
    expect(net.eu.length).toBe(3);
    expect(net.nx.length).toBe(4);
  });
});

describe('face tracing', () => {
  it('finds the two faces of a square cut in half, each edge with its sides and kinds', () => {
    const sub = trace(nodeNetwork([square('boundary'), { coords: [[5, 0], [5, 10]], kind: 'cut' }], 0.01));
    expect(sub.faces.map((f) => f.area).sort()).toEqual([50, 50]);
    const cut = sub.edges.find((e) => e.kinds.includes('cut'))!;
    expect(new Set([cut.left, cut.right])).toEqual(new Set([0, 1]));
    expect(sub.edges.filter((e) => e.kinds.includes('boundary')).every((e) => Math.min(e.left, e.right) === -1)).toBe(true);
    for (const face of sub.faces) expect(face.interiorPoint[0] > 0 && face.interiorPoint[0] < 10 && face.interiorPoint[0] !== 5).toBe(true);
  });
});

describe('ring helpers', () => {
  it('measure turns and areas on node ids, and cut a walk at the nodes it visits twice', () => {
    expect(signedArea2(0, 0, 1, 0, 0, 1)).toBe(1);
    expect(nodesArea([0, 1, 2, 3], [0, 10, 10, 0], [0, 0, 10, 10])).toBe(100);
    // A walk around a square with an out-and-back spur from node 1 to node 4: the spur is dropped.
    const rings = splitAtRepeats([0, 1, 4, 1, 2, 3], new Int32Array(5));
    expect(rings.filter((r) => r.length > 2).map((r) => [...r].sort())).toEqual([[0, 1, 2, 3]]);
  });
});
