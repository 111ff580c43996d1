/**
 * A synthetic town for benchmarks: one county → one township → N villages (rectangles tiling
 * the township), and in each village a lattice of grid cells, each a rectangle whose edges are
 * densified to 50–200 vertices. Every grid passes gridgov's checks (valid, inside its village,
 * no overlaps), and the output is GeoJSON Features in the shape parseRegionFeature /
 * parseGridFeature accept.
 *
 * Deterministic: every random choice comes from a seeded PRNG, so a seed always gives the same
 * town. Coordinates are rounded to 7 decimals (≈1 cm), like the API's output.
 *
 * By default neighbouring cells share their edges exactly (a tiling, as real grid data does),
 * so every neighbour pair really intersects along a line and the overlap check does its full
 * work. With `insetM` > 0 each vertex is instead pulled up to that many metres inside its cell
 * (corners by exactly `insetM`), leaving thin gaps between neighbours.
 */
import type { Feature, Polygon, Position } from 'geojson';
import { seededRandom } from '../../server/geo/random.js';

export interface TownOptions {
  /** Grids in all. Default 20,000. */
  grids?: number;
  /** Grids per village; at most 899 (a village has basic numbers 001–899). Default 800. */
  gridsPerVillage?: number;
  /** Default 1. */
  seed?: number;
  /** Positions per grid ring, closing position included. Default 50–200. */
  minVertices?: number;
  maxVertices?: number;
  /** Centre of the township, [lon, lat]. Default Wuhan, 洪山区 (114.3°E, 30.5°N). */
  centre?: Position;
  /** Size of one cell in degrees [lon, lat]. Default ≈ 290 m × 300 m (≈0.09 km², a typical urban grid). */
  cellDeg?: [number, number];
  /** 0 (default): cells share edges. > 0: vertices pulled inside the cell by up to this many metres. */
  insetM?: number;
}

export interface RegionProperties {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode: string | null;
}

export interface GridProperties {
  regionCode: string;
  name: string;
  kind: 'urban';
  households: number;
  population: number;
}

export interface SyntheticTown {
  /** Parents first: county, township, villages. */
  regions: Feature<Polygon, RegionProperties>[];
  grids: Feature<Polygon, GridProperties>[];
  /** The township (= union of the villages): [minLon, minLat, maxLon, maxLat]. */
  extent: [number, number, number, number];
  /** Positions of all grid rings together (closing positions included, as the API counts them). */
  vertices: number;
}

const COUNTY_CODE = '420111000000';
const TOWNSHIP_CODE = '420111002000';
const METRES_PER_DEGREE_LAT = 111_320;

/** The shared seeded PRNG, under the name the benchmarks use. */
export const prng = seededRandom;

const round7 = (value: number) => Math.round(value * 1e7) / 1e7;

function box(minLon: number, minLat: number, maxLon: number, maxLat: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [[[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat], [minLon, minLat]]],
  };
}

/** Near-square layout of n items: [columns, rows] with columns ≥ rows. */
function layout(n: number, aspect = 1): [number, number] {
  const columns = Math.ceil(Math.sqrt(n * aspect));
  return [columns, Math.ceil(n / columns)];
}

/**
 * One cell's ring, counter-clockwise, with `positions` positions (closing one included): the 4
 * corners plus extra vertices spread at random over the 4 edges. Edge vertices sit in disjoint
 * slots along the edge, so each edge stays monotone and the ring simple. With an inset, corners
 * move `inset` inside (both axes) and edge vertices between 0 and `inset` inwards, and edge
 * vertices keep `inset` away from the corners, so no two edges' vertices can cross.
 */
function cellRing(
  random: () => number,
  [minLon, minLat, maxLon, maxLat]: [number, number, number, number],
  positions: number,
  [insetLon, insetLat]: [number, number],
): Position[] {
  const perEdge = [0, 0, 0, 0];
  for (let i = 0; i < positions - 5; i++) perEdge[Math.floor(random() * 4)]++;
  const corners: Position[] = [
    [minLon + insetLon, minLat + insetLat],
    [maxLon - insetLon, minLat + insetLat],
    [maxLon - insetLon, maxLat - insetLat],
    [minLon + insetLon, maxLat - insetLat],
  ];
  const ring: Position[] = [];
  for (let edge = 0; edge < 4; edge++) {
    const [fromLon, fromLat] = corners[edge];
    const [toLon, toLat] = corners[(edge + 1) % 4];
    ring.push([round7(fromLon), round7(fromLat)]);
    const count = perEdge[edge];
    // Inward unit direction of this edge (bottom, right, top, left) in degrees of inset.
    const [inLon, inLat] = [
      [0, insetLat],
      [-insetLon, 0],
      [0, -insetLat],
      [insetLon, 0],
    ][edge];
    for (let k = 0; k < count; k++) {
      const t = (k + 0.1 + 0.8 * random()) / count;
      const pull = random() - 1; // −1…0: from `inset` inside up to the cell edge itself
      // At t = 0 / 1 the point is at an (inset) corner; `pull` then moves it back out to the edge line.
      ring.push([round7(fromLon + (toLon - fromLon) * t + inLon * pull), round7(fromLat + (toLat - fromLat) * t + inLat * pull)]);
    }
  }
  ring.push(ring[0]);
  return ring;
}

export function syntheticTown(options: TownOptions = {}): SyntheticTown {
  const total = options.grids ?? 20_000;
  const perVillage = options.gridsPerVillage ?? 800;
  if (perVillage > 899) throw new Error('a village has at most 899 basic grid numbers');
  const random = prng(options.seed ?? 1);
  const [minVertices, maxVertices] = [options.minVertices ?? 50, options.maxVertices ?? 200];
  const [centreLon, centreLat] = options.centre ?? [114.3, 30.5];
  const [cellLon, cellLat] = options.cellDeg ?? [0.003, 0.0027];
  const insetM = options.insetM ?? 0;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((centreLat * Math.PI) / 180);
  const inset: [number, number] = [insetM / metresPerDegreeLon, insetM / METRES_PER_DEGREE_LAT];

  const villageCount = Math.ceil(total / perVillage);
  if (villageCount > 999) throw new Error('a township has at most 999 villages');
  const [cellColumns, cellRows] = layout(perVillage, 2); // villages twice as wide as tall
  const [villageColumns, villageRows] = layout(villageCount);
  const villageLon = cellColumns * cellLon;
  const villageLat = cellRows * cellLat;
  const west = centreLon - (villageColumns * villageLon) / 2;
  const south = centreLat - (villageRows * villageLat) / 2;
  const lon = (i: number) => round7(west + i * cellLon); // i counts cells from the township's west edge
  const lat = (j: number) => round7(south + j * cellLat);
  const extent: SyntheticTown['extent'] = [lon(0), lat(0), lon(villageColumns * cellColumns), lat(villageRows * cellRows)];

  const margin = 0.05;
  const regions: SyntheticTown['regions'] = [
    {
      type: 'Feature',
      geometry: box(round7(extent[0] - margin), round7(extent[1] - margin), round7(extent[2] + margin), round7(extent[3] + margin)),
      properties: { code: COUNTY_CODE, name: '基准区', level: 'county', parentCode: null },
    },
    {
      type: 'Feature',
      geometry: box(...extent),
      properties: { code: TOWNSHIP_CODE, name: '基准街道', level: 'township', parentCode: COUNTY_CODE },
    },
  ];
  const grids: SyntheticTown['grids'] = [];
  let vertices = 0;
  for (let v = 0; v < villageCount; v++) {
    const code = TOWNSHIP_CODE.slice(0, 9) + String(v + 1).padStart(3, '0');
    const name = `基准社区${v + 1}`;
    // Village v sits at column v % columns, row ⌊v / columns⌋ (row 0 in the north), in cell units.
    const i0 = (v % villageColumns) * cellColumns;
    const j0 = (villageRows - 1 - Math.floor(v / villageColumns)) * cellRows;
    regions.push({
      type: 'Feature',
      geometry: box(lon(i0), lat(j0), lon(i0 + cellColumns), lat(j0 + cellRows)),
      properties: { code, name, level: 'village', parentCode: TOWNSHIP_CODE },
    });
    const cells = Math.min(perVillage, total - v * perVillage);
    for (let c = 0; c < cells; c++) {
      const i = i0 + (c % cellColumns);
      const j = j0 + cellRows - 1 - Math.floor(c / cellColumns);
      const positions = minVertices + Math.floor(random() * (maxVertices - minVertices + 1));
      const ring = cellRing(random, [lon(i), lat(j), lon(i + 1), lat(j + 1)], positions, inset);
      vertices += ring.length;
      const households = 150 + Math.floor(random() * 650);
      grids.push({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: { regionCode: code, name: `${name}网格${c + 1}`, kind: 'urban', households, population: Math.round(households * 2.6) },
      });
    }
  }
  return { regions, grids, extent, vertices };
}
