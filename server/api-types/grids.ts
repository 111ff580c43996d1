/**
 * The grid shapes the API answers with (GET /api/grids…, history, exports, the division's apply),
 * declared once: the server builds them (db/grid-rows.ts) and the web client reads them
 * (client/src/api.ts imports these types). Types only — nothing here runs.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { HouseholdsSource } from '../geo/households.js';
import type { GridKind } from '../geo/codes.js';
import type { ParsedAddress } from '../geo/address/types.js';

export interface GridProperties {
  code: string;
  regionCode: string;
  name: string;
  kind: GridKind;
  specialType: string | null;
  /** The grid's households by the one rule (server/geo/households.ts): from buildings, addresses, or stored. */
  households: number | null;
  /** Where `households` comes from: the village's buildings, its registered addresses, or the figure stored with the grid. */
  householdsSource: HouseholdsSource;
  /** The figure written with the grid (sent, imported, proposed), shown beside a computed one that differs. */
  storedHouseholds: number | null;
  population: number | null;
  version: number;
  validFrom: string;
  /** Who wrote this version (the X-Actor of the change, else its key's name). */
  updatedBy: string;
}

/** A live grid as the API answers it: always a MultiPolygon. */
export interface GridFeature {
  type: 'Feature';
  id: string;
  geometry: MultiPolygon;
  properties: GridProperties;
}

export type GridOp = 'create' | 'update' | 'retire';

export interface GridVersionProperties extends GridProperties {
  op: GridOp;
  validTo: string | null;
  reason: string | null;
}

/** One version of a grid's history. */
export interface GridVersionFeature extends GridFeature {
  properties: GridVersionProperties;
}

/** GET /api/grids, POST /api/grids/import (201) and POST /api/grids/batch: live grids (a retired one's last version in a batch). */
export interface GridCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

/** GET /api/grids/:code/history: every version of a grid, oldest first. */
export interface GridHistory {
  type: 'FeatureCollection';
  features: GridVersionFeature[];
}

/** A grid of a division's lineage, with the area (m²) it shares with the grid asked about. */
export interface LineageLink {
  code: string;
  areaM2: number;
  divisionId: string | null;
}

/** GET /api/grids/:code/lineage: the retired grids it replaced and the grids that replaced it. */
export interface GridLineage {
  code: string;
  replaced: LineageLink[];
  replacedBy: LineageLink[];
}

/** GET /api/grids/:code/addresses: the grid's registered addresses, and which are households. */
export interface AddressesAnswer {
  code: string;
  /** Present when the grid was read as it stood at `asOf`. */
  asOf?: string;
  total: number;
  households: number;
  addresses: { id: number; address: string; lon: number; lat: number; levels: ParsedAddress; household: boolean }[];
}

/**
 * The body of POST /api/grids and PUT /api/grids/:code (geo/features.ts parseGridFeature reads
 * it): a grid Feature, Polygon or MultiPolygon. Server-assigned members echoed back are ignored.
 */
export interface GridWrite {
  type: 'Feature';
  reason?: string;
  properties: {
    /** Required when creating. */
    regionCode?: string;
    name: string;
    kind: GridKind;
    specialType?: string | null;
    households?: number | null;
    population?: number | null;
  };
  geometry: Polygon | MultiPolygon;
}

/** One change of POST /api/grids/batch (routes/grid-batch.ts; the server applies all of a batch or none). */
export type GridChange =
  | { op: 'update'; code: string; version: number; geometry?: Polygon | MultiPolygon; properties?: GridWrite['properties'] }
  | { op: 'create'; feature: GridWrite }
  | { op: 'retire'; code: string; version: number };
