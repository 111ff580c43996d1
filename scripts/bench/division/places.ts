/**
 * The places the division benchmark (run.ts) and the diagnosis (diagnose.ts) divide:
 *
 * - Wuhan Optics Valley (buildings, roads, a pond; ../shared/data) and Kunming Jinjiang Road
 *   (buildings with their compounds, no roads);
 * - every held-out place under GRIDGOV_DIVISION_HELDOUT (default ../heldout): a folder with
 *   buildings.geojson (households given), roads.geojson and optionally water.geojson, as
 *   tilezen.ts writes them;
 * - a synthetic dense centre of ≈ 1,100 buildings with dual carriageways, a river and a creek
 *   (dense.ts), and a synthetic town of 10,000 buildings / 40,000 households (town.ts).
 *
 * A real place's area is its buildings' bounding box grown by 40 m.
 */
import { translate } from '../../../server/i18n/catalogue.js';
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Polygon } from 'geojson';
import { parseDivisionInput, type DivisionInput } from '../../../server/geo/divide/input.js';
import { BARRIER_KINDS } from '../../../server/geo/divide/types.js';
import { syntheticTown } from './town.js';
import { denseCity } from './dense.js';

export const shared = path.resolve('..', 'shared', 'data');
export const heldout = path.resolve(process.env.GRIDGOV_DIVISION_HELDOUT ?? path.join('..', 'heldout'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection;
const read = (file: string) => readJson(path.join(shared, file));

function bboxArea(buildings: FeatureCollection, marginM: number): Polygon {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const f of buildings.features) {
    const g = f.geometry as Polygon;
    const rings = g.type === 'Polygon' ? g.coordinates : (g as unknown as { coordinates: number[][][][] }).coordinates.flat();
    for (const [x, y] of rings.flat()) {
      xs.push(x);
      ys.push(y);
    }
  }
  const dLat = marginM / 110_574;
  const dLon = marginM / (111_320 * Math.cos((ys[0] * Math.PI) / 180));
  const [x0, y0, x1, y1] = [Math.min(...xs) - dLon, Math.min(...ys) - dLat, Math.max(...xs) + dLon, Math.max(...ys) + dLat];
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/**
 * Keeps barriers of gridgov's own kinds (OSM-derived files carry others, e.g. construction, ferry).
 * The API now skips those itself (server/geo/barrier-kinds.ts), but the previous method this bench
 * runs beside it (previous.ts, an older input.ts) refuses them: every method gets the same body.
 */
function knownBarriers(...collections: FeatureCollection[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: collections.flatMap((c) =>
      c.features.filter((f) => (BARRIER_KINDS as readonly string[]).includes(String(f.properties?.kind)) && f.geometry && f.geometry.type !== 'Point'),
    ),
  };
}

export interface Place {
  /** Short name, for the command line (wuhan, kunming, dense, town, or the held-out folder's name). */
  key: string;
  name: string;
  input: DivisionInput;
  body: { buildings: FeatureCollection; barriers: FeatureCollection };
  boundary: Polygon;
  /** Also re-divided after a year of building (every place but the 10,000-building town). */
  real: boolean;
}

function place(key: string, name: string, boundary: Polygon, buildings: FeatureCollection, barriers: FeatureCollection, real: boolean): Place {
  const body = { buildings, barriers };
  const parsed = parseDivisionInput(body, boundary);
  if (parsed.problems) throw new Error(`${name}: ${parsed.problems.map((p) => translate(p.message, 'en')).join('; ')}`);
  return { key, name, input: parsed.value, body, boundary, real };
}

/** The places, or only those whose key is in `only`. */
export function places(only?: string[]): Place[] {
  const wanted = (key: string) => !only || only.length === 0 || only.includes(key);
  const list: Place[] = [];
  if (fs.existsSync(shared)) {
    if (wanted('wuhan')) {
      const wuhan = read('wuhan_optics_buildings.geojson');
      list.push(place('wuhan', 'Wuhan Optics Valley', bboxArea(wuhan, 40), wuhan, knownBarriers(read('wuhan_optics_roads.geojson'), read('wuhan_optics_water.geojson')), true));
    }
    if (wanted('kunming')) {
      const kunming = read('kunming_jinjianglu_buildings.geojson');
      for (const f of kunming.features) f.properties = { ...f.properties, compound: f.properties?.community || undefined };
      list.push(place('kunming', 'Kunming Jinjiang Road', bboxArea(kunming, 40), kunming, { type: 'FeatureCollection', features: [] }, true));
    }
  } else {
    console.error(`(${shared} not found: real places skipped)`);
  }
  if (fs.existsSync(heldout)) {
    for (const folder of fs.readdirSync(heldout).sort()) {
      const dir = path.join(heldout, folder);
      if (!wanted(folder) || !fs.existsSync(path.join(dir, 'buildings.geojson'))) continue;
      const buildings = readJson(path.join(dir, 'buildings.geojson'));
      const layers = ['roads.geojson', 'water.geojson'].filter((f) => fs.existsSync(path.join(dir, f))).map((f) => readJson(path.join(dir, f)));
      list.push(place(folder, `Held-out: ${folder}`, bboxArea(buildings, 40), buildings, knownBarriers(...layers), true));
    }
  }
  if (wanted('dense')) {
    const dense = denseCity(7);
    list.push(place('dense', 'Synthetic dense centre (dual carriageways, a river, a creek)', dense.area, dense.buildings, dense.barriers as FeatureCollection, true));
  }
  if (wanted('town')) {
    const town = syntheticTown({ seed: 1 });
    list.push(place('town', 'Synthetic town (10,000 buildings)', town.area, town.buildings as FeatureCollection, town.barriers as FeatureCollection, false));
  }
  return list;
}
