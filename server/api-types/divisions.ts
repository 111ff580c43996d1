/**
 * The auto-division's answers (POST /api/divisions, POST /api/divisions/:id/apply), declared
 * once: the server builds them (routes/divisions.ts, services/division-apply.ts) and the web
 * client reads them (client/src/api.ts imports these types). Types only.
 */
import type { StaffMove } from '../staff/carry.js';
import type { ProposalDocument } from '../geo/divide/proposal-types.js';
import type { RunMetrics } from '../geo/divide/metrics-types.js';
import type { SkippedBarriers } from '../geo/divide/proposal-types.js';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export type { ProposalDocument, RunMetrics };

/**
 * POST /api/divisions: a stored village (`regionCode`) or an area (`boundary`) to divide, with
 * what the request brings itself — buildings (footprints or address points with
 * properties.households), barriers (roads, rivers… by `kind` or OSM tags), specials (polygons
 * with properties.specialType) — or, for a village, taken from the store when left out.
 * Held against what the server reads (services/division-request.ts, geo/divide/input.ts) at compile time.
 */
export interface DivisionRequest {
  regionCode?: string;
  boundary?: Polygon | MultiPolygon | Feature<Polygon | MultiPolygon>;
  buildings?: FeatureCollection;
  barriers?: FeatureCollection;
  specials?: FeatureCollection;
  /** The household range of a basic grid (default 300–500). */
  minHouseholds?: number;
  maxHouseholds?: number;
  /** Re-division that keeps the village's grids still in range (网格调整). */
  adjust?: boolean;
  /** Count households from the buildings (default) or from the village's address registry. */
  households?: 'buildings' | 'addresses';
  /**
   * Large land without homes (a campus, a park, an industrial yard) proposed as a special grid
   * candidate when it covers at least `minAreaHa` hectares (default 2) and at least `minShare`
   * (default 0.3) of the grid it lies in; `false` proposes none, absent (or `{}`) takes the
   * defaults (geo/divide/stages/specials.ts).
   */
  specialCandidates?: false | { minAreaHa?: number; minShare?: number };
}

/**
 * What a division took from the store rather than from its request: the village's stored lines
 * as barriers (when the request brought none) and its live special grids, kept as they are.
 */
export interface DivisionInputs {
  /** `skipped`: features read but left out, by value (a ferry, a fountain, a point; geo/barrier-kinds.ts). */
  barriers: { source: 'request' | 'stored'; features: number; skipped?: SkippedBarriers };
  keptSpecials: { code: string; name: string }[];
  /** Where the households came from: the request or the stored buildings layer, or the address registry. */
  households?: 'buildings' | 'addresses';
  /** An adjustment (`adjust: true`): the live basic grids it keeps as they are, and those it divides again. */
  adjust?: { kept: string[]; freed: string[] };
}

/** Registered addresses or open incidents that would change grid: from a live grid (or none) to a proposed grid number (or none). */
export interface PlaceMove {
  from: string | null;
  to: string | null;
  count: number;
  /** Addresses: how many of them are households (geo/address/households.ts). */
  households?: number;
  /** Incidents: their ids (the first 50). */
  ids?: number[];
}

/** Buildings and their households that change grid: from a live grid (or none) to a proposed grid number. */
export interface BuildingMove {
  from: string | null;
  to: string | null;
  buildings: number;
  households: number;
}

/** A staff member who follows their grids into the new ones, with their name and duty when the service keeps staff. */
export type DivisionStaffMove = StaffMove & { name?: string; duty?: string };

/** POST /api/divisions/:id/apply?dryRun=true: what applying would change. */
export interface DivisionDryRun {
  dryRun: true;
  grids: { retire: string[]; keep: string[]; create: number };
  diff: BuildingMove[];
  addresses: PlaceMove[];
  incidents: PlaceMove[];
  /** Staff whose grids change (issue 18). */
  staff: DivisionStaffMove[];
}

/** POST /api/divisions/:id/apply: what applying changed. */
export interface DivisionApplied {
  retired: string[];
  kept: string[];
  created: { code: string; name: string; households: number | null }[];
  /** Each new grid's area taken from a retired one. */
  lineage: { newCode: string; oldCode: string; areaM2: number }[];
  diff: BuildingMove[];
  staff: StaffMove[];
}

/** Where a division job stands (db/schema.ts's divisions.status). */
export type DivisionStatus = 'queued' | 'running' | 'done' | 'failed';

/** GET /api/divisions/:id: an auto-division job; its proposal (flags in words) and metrics once it is done. */
export interface DivisionJob {
  id: string;
  status: DivisionStatus;
  progress: number;
  stage: string | null;
  regionCode: string | null;
  createdAt: string;
  finishedAt: string | null;
  appliedAt: string | null;
  error?: string;
  inputs?: DivisionInputs;
  proposal?: ProposalDocument;
  metrics?: RunMetrics;
}

/** POST /api/divisions: the job queued, and what it took from the store. */
export interface DivisionQueued {
  id: string;
  status: 'queued';
  inputs: DivisionInputs;
}
