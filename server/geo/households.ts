/**
 * Households of a building from its footprint, by the rule frozen for gridgov's development
 * data (../shared/data/README.md), for when no population registry count is at hand:
 *
 * - residential: kind_detail/building in {residential, apartments, house, dormitory, terrace,
 *   detached, semidetached_house}, or landuse_kind = residential, or an untagged building (no
 *   kind_detail, no landuse_kind) of at most 2,500 m²; anything else has 0 households;
 *   footprints under 30 m² have 0;
 * - floors: `levels` rounded, else round((height − 2) / 3), else 3 (footprint ≤ 600 m²) or 6;
 * - households = round(footprint m² × floors × 0.85 / 92): 92 m² is the mean housing floor area
 *   per urban household in China's 2020 census; 0.85 turns gross into usable floor area.
 */

const RESIDENTIAL = new Set(['residential', 'apartments', 'house', 'dormitory', 'terrace', 'detached', 'semidetached_house']);
const MEAN_HOUSEHOLD_FLOOR_M2 = 92;
const USABLE_SHARE = 0.85;

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function isResidential(properties: Record<string, unknown>, areaM2: number): boolean {
  const kind = properties.kind_detail ?? properties.building;
  if (typeof kind === 'string' && RESIDENTIAL.has(kind)) return true;
  if (properties.landuse_kind === 'residential') return true;
  // `building` is OpenStreetMap's own tag, `kind_detail` Tilezen's name for it; "yes" says nothing.
  const untagged =
    properties.kind_detail === undefined &&
    properties.landuse_kind === undefined &&
    (properties.building === undefined || properties.building === 'yes');
  return untagged && areaM2 <= 2_500;
}

export function floorsOf(properties: Record<string, unknown>, areaM2: number): number {
  const levels = numberOf(properties.levels);
  if (levels !== undefined) return Math.round(levels);
  const height = numberOf(properties.height);
  if (height !== undefined) return Math.round((height - 2) / 3);
  return areaM2 <= 600 ? 3 : 6;
}

export function householdsByFootprint(properties: Record<string, unknown>, areaM2: number): number {
  if (areaM2 < 30 || !isResidential(properties, areaM2)) return 0;
  return Math.max(0, Math.round((areaM2 * floorsOf(properties, areaM2) * USABLE_SHARE) / MEAN_HOUSEHOLD_FLOOR_M2));
}
