/**
 * Each stage of the division on small places, turf-style: test/fixtures/divide/<stage>-<case>/
 * holds `in.geojson` (made by make-cases.ts) and `out.geojson`, what the stage makes of it, in
 * lon/lat. A change to a stage's output shows as a diff of out.geojson; when the change is
 * meant, regenerate them:
 *
 *   UPDATE_FIXTURES=1 npx vitest run test/geo/divide/stages.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, Position } from 'geojson';
import { parseDivisionInput, type DivisionInput } from '../../../server/geo/divide/input.js';
import { divideInStages } from '../../../server/geo/divide/index.js';
import { prepareDivision, type PreparedDivision } from '../../../server/geo/divide/prepare.js';
import { buildBlocks, type Blocks } from '../../../server/geo/divide/stages/blocks.js';
import { cutOverfullBlocks } from '../../../server/geo/divide/stages/cuts.js';
import { buildUnits, type Units } from '../../../server/geo/divide/stages/units.js';
import { corridorLinks } from '../../../server/geo/divide/stages/corridors.js';
import { group } from '../../../server/geo/divide/aggregate.js';
import { improve } from '../../../server/geo/divide/improve.js';
import { attach } from '../../../server/geo/divide/attach.js';
import { assemble, type Proposal } from '../../../server/geo/divide/assemble.js';
import { markAdjustment } from '../../../server/geo/divide/adjust.js';
import { dissolve } from '../../../server/geo/divide/planar.js';
import { representativePoint } from '../../../server/geo/divide/polygon.js';
import type { PlanarPolygon, TaggedLine, XY } from '../../../server/geo/divide/types.js';

const root = new URL('../../fixtures/divide/', import.meta.url).pathname;
const update = process.env.UPDATE_FIXTURES === '1';
const cases = fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'in.geojson')));

/** Every stage's output for one input, in order. */
async function stages(file: string) {
  const fc = JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection & { options?: Record<string, number> };
  const of = (role: string) => ({ type: 'FeatureCollection', features: fc.features.filter((f) => f.properties?.role === role) });
  const parsed = parseDivisionInput(
    { ...fc.options, buildings: of('building'), barriers: of('barrier'), specials: of('special'), keep: of('keep'), freed: of('freed') },
    fc.features.find((f) => f.properties?.role === 'area')!.geometry,
  );
  if (parsed.problems) throw new Error(JSON.stringify(parsed.problems));
  const input = parsed.value;
  const prepared = prepareDivision(input).value;
  const limits = { min: prepared.minHouseholds, max: prepared.maxHouseholds };
  const first = buildBlocks(prepared);
  let blocks = first;
  const cutLines: TaggedLine[] = [];
  for (let round = 0; round < 3; round++) {
    const more = cutOverfullBlocks(prepared, blocks);
    if (more.lines.length === 0) break;
    cutLines.push(...more.lines);
    blocks = buildBlocks(prepared, [...prepared.lines, ...cutLines]);
  }
  const units = buildUnits(prepared, blocks);
  const corridors = corridorLinks(blocks, units);
  units.links.push(...corridors);
  const grouped = group(units.units, units.links, limits);
  const improved = improve(units.units, units.links, grouped, limits);
  const attached = attach(units.units, units.links, improved);
  const proposal = assemble(prepared, blocks, units, attached, 0);
  const whole = await divideInStages(prepared);
  return { input, prepared, first, cutLines, blocks, units, corridors, grouped, improved, attached, proposal, whole };
}

/** The assembled proposal (adjustment marks added) in lon/lat rounded to 7 decimals, grids then crossings. */
function proposalOut(input: DivisionInput, proposal: Proposal): Feature[] {
  const result = markAdjustment(
    { proposal: { type: 'FeatureCollection', features: proposal.grids, crossings: { type: 'FeatureCollection', features: [] }, buildingGrid: input.buildings.map((b) => { const g = proposal.gridOfBuilding.get(b.index); return g !== undefined && g >= 0 ? proposal.grids[g].properties.number : null; }) }, metrics: {} as never },
    input,
  );
  const rounded = (position: Position) => position.map((v) => round(v, 7));
  const grids = result.proposal.features.map((g) => ({
    ...g,
    geometry: g.geometry.type === 'Polygon' ? { ...g.geometry, coordinates: g.geometry.coordinates.map((r) => r.map(rounded)) } : { ...g.geometry, coordinates: g.geometry.coordinates.map((p) => p.map((r) => r.map(rounded))) },
  }));
  const crossings = proposal.crossings.map((c) => ({ ...c, properties: { ...c.properties, lengthM: round(c.properties.lengthM, 1) }, geometry: { ...c.geometry, coordinates: c.geometry.coordinates.map(rounded) } }));
  return [...grids, ...crossings] as Feature[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function lonLatOf(prepared: PreparedDivision) {
  const point = (p: XY): Position => prepared.projection.inverse(p).map((v) => round(v, 7));
  const polygon = (polygons: PlanarPolygon[]) =>
    polygons.length === 1
      ? { type: 'Polygon' as const, coordinates: [polygons[0].outer, ...polygons[0].holes].map((r) => r.map(point)) }
      : { type: 'MultiPolygon' as const, coordinates: polygons.map((p) => [p.outer, ...p.holes].map((r) => r.map(point))) };
  return { point, polygon };
}

/** Outlines of faces grouped by `groupOfFace` (-1: left out), with properties per group. */
function groups(prepared: PreparedDivision, blocks: Blocks, groupOfFace: Int32Array, properties: (g: number) => Record<string, unknown>): Feature[] {
  const { polygon } = lonLatOf(prepared);
  return dissolve(blocks.sub, groupOfFace)
    .map((polygons, g) => ({ polygons, g }))
    .filter(({ polygons }) => polygons.length > 0)
    .map(({ polygons, g }) => ({ type: 'Feature', properties: properties(g), geometry: polygon(polygons) }));
}

function byUnits(prepared: PreparedDivision, blocks: Blocks, units: Units, clusterOf: Int32Array, label: string): Feature[] {
  const groupOfFace = Int32Array.from(units.unitOfFace, (u) => (u >= 0 ? clusterOf[u] : -1));
  const households = new Map<number, number>();
  clusterOf.forEach((c, u) => c >= 0 && households.set(c, (households.get(c) ?? 0) + units.units[u].households));
  return groups(prepared, blocks, groupOfFace, (g) => ({ [label]: g, households: households.get(g) ?? 0 }));
}

const serialize: Record<string, (s: Awaited<ReturnType<typeof stages>>) => Feature[]> = {
  blocks: ({ prepared, first }) => {
    const households = new Map<number, number>();
    prepared.buildings.forEach((b, i) => households.set(first.faceOf[i], (households.get(first.faceOf[i]) ?? 0) + b.households));
    const faceGroups = Int32Array.from(first.roles, (role, f) => (role.kind === 'outside' ? -1 : f));
    return groups(prepared, first, faceGroups, (f) => ({ role: first.roles[f].kind, households: households.get(f) ?? 0 }));
  },
  cuts: ({ prepared, cutLines }) => {
    const { point } = lonLatOf(prepared);
    return cutLines.map((line) => ({ type: 'Feature', properties: { kind: line.kind }, geometry: { type: 'LineString', coordinates: line.coords.map(point) } }));
  },
  units: ({ prepared, blocks, units }) =>
    groups(prepared, blocks, units.unitOfFace, (u) => ({ unit: u, households: units.units[u].households, buildings: units.units[u].buildings, roadSpace: units.units[u].roadSpace })),
  corridors: ({ prepared, blocks, units, corridors }) => {
    const { point } = lonLatOf(prepared);
    const outlines = dissolve(blocks.sub, units.unitOfFace);
    return corridors.map((link) => ({
      type: 'Feature',
      properties: { a: link.a, b: link.b, acrossRoadSpace: true, lengthM: round(link.lengthByKind.major_road ?? 0, 1) },
      geometry: { type: 'LineString', coordinates: [link.a, link.b].map((u) => point(representativePoint(outlines[u])!)) },
    }));
  },
  group: ({ prepared, blocks, units, grouped }) => byUnits(prepared, blocks, units, grouped, 'cluster'),
  improve: ({ prepared, blocks, units, improved }) => byUnits(prepared, blocks, units, improved, 'cluster'),
  attach: ({ prepared, blocks, units, attached }) => byUnits(prepared, blocks, units, attached, 'grid'),
  assemble: ({ input, proposal }) => proposalOut(input, proposal),
  // The whole division (index.ts) with its special grid candidates: land without homes set
  // apart before the improvement, assembled as special grids with a note.
  specials: ({ input, whole }) => proposalOut(input, whole.proposal),
};

describe('division stages, fixture by fixture', () => {
  it('has a fixture for every stage', () => {
    expect(Object.keys(serialize).filter((stage) => !cases.some((name) => name.startsWith(`${stage}-`)))).toEqual([]);
  });

  for (const name of cases) {
    const stage = name.slice(0, name.indexOf('-'));
    it(`${stage}: ${name.slice(stage.length + 1)}`, async () => {
      const result = await stages(path.join(root, name, 'in.geojson'));
      const out = { type: 'FeatureCollection', features: serialize[stage]!(result) };
      const file = path.join(root, name, 'out.geojson');
      if (update) fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
      expect(out).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
    });
  }
});
