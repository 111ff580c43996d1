/**
 * Where is the internal border that follows no mapped line? Divides one place of the benchmark
 * (places.ts) and samples the internal border as the metric does (metrics.ts: every 2 m, more
 * than 1 m from the area outline, within 1 m of another grid); a sample farther than 10 m from
 * every barrier is off-line. Also the same share counting only the border inside the extent of
 * the line data (a held-out place cut from map tiles has buildings beyond the tiles' roads: no
 * line is mapped there at all), and with tunnels left out. Each off-line sample is put down to what the border runs along
 * there (a cut the division made, or another edge: the outline of water or a special grid, a
 * line of a kind the metric does not count) and, for cuts, to the block (before any cut) it
 * lies in. Per block: its households, the grids its homes went to, the off-line border in it,
 * and a floor for that border — (grids − 1) × the block's narrow width, the length of
 * straight cuts across it — to tell necessary cuts from wandering ones.
 *
 *   npx tsx scripts/bench/division/off-line.ts <place key> [blocks to list]
 */
import { prepareDivision } from '../../../server/geo/divide/prepare.js';
import { divideInStages } from '../../../server/geo/divide/index.js';
import { buildBlocks } from '../../../server/geo/divide/stages/blocks.js';
import { ALIGN_DISTANCE_M, EDGE_TOLERANCE_M, SAMPLE_STEP_M, SegmentIndex, forEachSample, projectPolygonal } from '../../../server/geo/divide/metrics.js';
import type { Polygon, MultiPolygon, Position } from 'geojson';
import type { PlanarPolygon, XY } from '../../../server/geo/divide/types.js';
import { places } from './places.js';

const [key, listArg] = process.argv.slice(2);
const place = places([key])[0];
if (!place) {
  console.error(`no place ${key}`);
  process.exit(2);
}
const prepared = prepareDivision(place.input).value;
const proj = prepared.projection;
const stages = await divideInStages(prepared);
const { proposal } = stages;

const rings = (polys: PlanarPolygon[]) => polys.flatMap((p) => [p.outer, ...p.holes]);
const gridPolys = proposal.grids.map((g) => projectPolygonal(g.geometry as Polygon | MultiPolygon, proj));
const gridSegments = new SegmentIndex(gridPolys.flatMap((polys, tag) => rings(polys).map((coords) => ({ coords, tag }))));
const areaSegments = new SegmentIndex(prepared.area.flatMap((p) => [p.outer, ...p.holes]).map((coords) => ({ coords, tag: 0 })));
const lineCoords = (g: { type: string; coordinates: unknown }): Position[][] =>
  g.type === 'LineString' ? [g.coordinates as Position[]] : g.type === 'MultiLineString' || g.type === 'Polygon' ? (g.coordinates as Position[][]) : g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]).flat() : [];
const kinds: string[] = [];
const barrierLines: { coords: XY[]; tag: number }[] = [];
for (const f of place.body.barriers.features) {
  if (!f.geometry) continue;
  const kind = `${f.properties?.kind}${f.properties?.is_tunnel ? ' (tunnel)' : ''}`;
  if (!kinds.includes(kind)) kinds.push(kind);
  for (const line of lineCoords(f.geometry as never)) barrierLines.push({ coords: line.map((p) => proj.forward(p)), tag: kinds.indexOf(kind) });
}
const barriers = new SegmentIndex(barrierLines);
// The extent of the line data (held-out places are cut from map tiles: outside it nothing is mapped).
const extent = barrierLines.reduce((b, l) => l.coords.reduce((c, [x, y]) => [Math.min(c[0], x), Math.min(c[1], y), Math.max(c[2], x), Math.max(c[3], y)], b), [Infinity, Infinity, -Infinity, -Infinity]);
const inExtent = (x: number, y: number) => x >= extent[0] && x <= extent[2] && y >= extent[1] && y <= extent[3];
let internalIn = 0;
let alignedIn = 0;
const cutSegments = new SegmentIndex(stages.cuts.lines.map((l) => ({ coords: l.coords, tag: 0 })));
// What the planar edges are, by kind, to name what an off-line stretch runs along.
const edgeLines = stages.blocks.sub.edges.map((e) => ({ coords: [e.a, e.b], tag: 0 }));
const edgeKinds = stages.blocks.sub.edges.map((e) => [...e.kinds].join('+'));
const edges = new SegmentIndex(edgeLines.map((l, i) => ({ ...l, tag: i })));

const before = buildBlocks(prepared);
let internal = 0;
let aligned = 0;
const offBy = new Map<string, number>();
const offByBlock = new Map<number, number>();
// Aligned only through a line the division does not use (a tunnel): the metric's share with it and without.
let alignedOnlyByTunnel = 0;
const offSamples: XY[] = [];
gridPolys.forEach((polys, g) => {
  for (const ring of rings(polys)) {
    forEachSample(ring, SAMPLE_STEP_M, (x, y, w) => {
      if (areaSegments.anyWithin(x, y, EDGE_TOLERANCE_M)) return;
      if (!gridSegments.anyWithin(x, y, EDGE_TOLERANCE_M, (t) => t !== g)) return;
      internal += w;
      const within = inExtent(x, y);
      if (within) internalIn += w;
      if (barriers.anyWithin(x, y, ALIGN_DISTANCE_M)) {
        aligned += w;
        if (within) alignedIn += w;
        if (!barriers.anyWithin(x, y, ALIGN_DISTANCE_M, (t) => !kinds[t].includes('tunnel'))) alignedOnlyByTunnel += w;
        return;
      }
      let along = 'other';
      if (cutSegments.anyWithin(x, y, 0.5)) {
        along = 'cut';
        const face = before.locate([x, y]);
        offByBlock.set(face, (offByBlock.get(face) ?? 0) + w);
        offSamples.push([x, y]);
      } else {
        let found = '';
        edges.anyWithin(x, y, 0.5, (t) => {
          found = edgeKinds[t];
          return true;
        });
        along = found ? `edge ${found}` : 'no edge';
      }
      offBy.set(along, (offBy.get(along) ?? 0) + w);
    });
  }
});
// Border samples are counted from both grids' outlines; halve for lengths.
const km = (m: number) => (m / 2000).toFixed(2);
console.log(`${place.name}: internal border ${km(internal)} km, on lines ${((aligned / internal) * 100).toFixed(1)} % (${(((aligned - alignedOnlyByTunnel) / internal) * 100).toFixed(1)} % not counting tunnels), off-line ${km(internal - aligned)} km`);
console.log(`  within the extent of the line data: internal border ${km(internalIn)} km, on lines ${((alignedIn / internalIn) * 100).toFixed(1)} %, off-line ${km(internalIn - alignedIn)} km (outside it ${km(internal - internalIn - (aligned - alignedIn))} km off-line)`);
for (const [along, m] of [...offBy].sort((a, b) => b[1] - a[1])) console.log(`  ${km(m)} km along ${along}`);

// Per block with off-line cut border.
const gridOfBuilding = proposal.gridOfBuilding;
const perBlock = [...offByBlock].map(([face, m]) => {
  const homes = prepared.buildings.filter((_, i) => before.faceOf[i] === face);
  const households = homes.reduce((s, b) => s + b.households, 0);
  const grids = new Set(homes.map((b) => gridOfBuilding.get(b.index)).filter((g) => g !== undefined && g >= 0));
  const polygon = face >= 0 ? before.sub.faces[face].polygon : undefined;
  // Narrow width: the smallest extent over 12 directions.
  let narrow = Infinity;
  if (polygon) {
    for (let k = 0; k < 12; k++) {
      const a = (Math.PI * k) / 12;
      const proj1 = polygon.outer.map((p) => p[0] * Math.cos(a) + p[1] * Math.sin(a));
      narrow = Math.min(narrow, Math.max(...proj1) - Math.min(...proj1));
    }
  }
  const floor = (Math.max(1, grids.size) - 1) * (Number.isFinite(narrow) ? narrow : 0);
  return { face, m: m / 2, households, grids: grids.size, floor, narrow, homes: homes.length };
});
perBlock.sort((a, b) => b.m - a.m);
const total = perBlock.reduce((s, b) => s + b.m, 0);
const withinOneGrid = perBlock.filter((b) => b.grids <= 1).reduce((s, b) => s + b.m, 0);
const underMax = perBlock.filter((b) => b.households <= prepared.maxHouseholds).reduce((s, b) => s + b.m, 0);
const floors = perBlock.reduce((s, b) => s + Math.min(b.m, b.floor), 0);
console.log(`  cut border ${(total / 1000).toFixed(2)} km in ${perBlock.length} blocks: ${(withinOneGrid / 1000).toFixed(2)} km in blocks whose homes are all in one grid, ${(underMax / 1000).toFixed(2)} km in blocks within the cap, floor (straight cuts across) ${(floors / 1000).toFixed(2)} km`);
const list = Number(listArg ?? 25);
for (const b of perBlock.slice(0, list)) {
  console.log(`  block ${b.face}: ${b.households} hh in ${b.homes} buildings → ${b.grids} grids; off-line ${b.m.toFixed(0)} m, floor ${b.floor.toFixed(0)} m (narrow ${b.narrow.toFixed(0)} m)`);
}

// Mapped lines inside a block that bound nothing (dead ends: a footway, a service road into
// the block): a cut along one would be on a mapped line.
const dangling = new Map<number, number>();
for (const e of before.sub.edges) if (e.left === e.right && e.left >= 0) dangling.set(e.left, (dangling.get(e.left) ?? 0) + e.length);
const danglingInCut = perBlock.reduce((s, b) => s + (dangling.get(b.face) ?? 0), 0);
console.log(`  dead-end mapped lines inside blocks: ${([...dangling.values()].reduce((s, m) => s + m, 0) / 1000).toFixed(2)} km, ${(danglingInCut / 1000).toFixed(2)} km of it in the blocks cut above`);
for (const b of perBlock.slice(0, list)) if (dangling.get(b.face)) console.log(`  block ${b.face}: ${dangling.get(b.face)!.toFixed(0)} m of dead ends`);
// The off-line stretches as short strokes (drawn as rail) over the barriers, and the grids, for
// scripts/render-division.ts: OFF_GEOJSON=/tmp/off.geojson writes /tmp/off.geojson and /tmp/off.geojson.grids.geojson.
if (process.env.OFF_GEOJSON) {
  const features = offSamples.map(([x, y]) => ({ type: 'Feature', properties: { kind: 'rail' }, geometry: { type: 'LineString', coordinates: [proj.inverse([x - 3, y - 3]), proj.inverse([x + 3, y + 3])] } }));
  const barriersOut = { type: 'FeatureCollection', features: [...place.body.barriers.features, ...features] };
  (await import('node:fs')).writeFileSync(process.env.OFF_GEOJSON, JSON.stringify(barriersOut));
  (await import('node:fs')).writeFileSync(process.env.OFF_GEOJSON + '.grids.geojson', JSON.stringify({ type: 'FeatureCollection', features: proposal.grids }));
}
