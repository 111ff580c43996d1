/**
 * A division's proposal as it is stored and answered: each grid with its households and flags,
 * the strong barriers left inside grids. A leaf that imports only types, so that the API's types
 * (server/api-types/divisions.ts) and the web client can name it without the division's code.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { EdgeKind } from './types.js';

/** Flags and notes share one shape; `special_candidate` is a note only (stages/specials.ts). */
export type FlagCode = 'above_max' | 'below_min' | 'crosses_barrier' | 'not_contiguous' | 'special_candidate';

/**
 * A flag on a grid: a stable code, the message variant, and the message's parameters. A flag
 * asks a planner to act (redraw, merge, accept knowingly); a note (the same shape, in `notes`)
 * only informs: the grid breaks a rule that no drawing can mend — one tower or one compound of
 * more than `max` households, which a grid border may not split.
 */
export interface Flag {
  code: FlagCode;
  variant?: string;
  params: Record<string, string | number>;
  /** The flag in words, added when the proposal is answered (see server/i18n/division.ts). */
  message?: string;
}

export interface ProposalGridProperties {
  number: string;
  kind: 'basic' | 'special';
  specialType: string | null;
  name: string | null;
  /** A live grid that is kept as it is (a special grid, or a basic grid an adjustment keeps): its code. */
  code?: string;
  /** In an adjustment: kept as it is, changed (drawn anew where grids were), or new. */
  status?: 'kept' | 'changed' | 'new';
  households: number;
  buildings: number;
  /**
   * A special grid the division proposes for large land without homes (a campus, a park, an
   * industrial yard nobody drew): the planner confirms it or merges it into a basic grid. Its
   * note (`special_candidate`) gives its area and the type its land suggests (`specialType`).
   */
  candidate?: boolean;
  flags: Flag[];
  /**
   * What a planner should know but cannot change by redrawing (see Flag): `above_max` with
   * variant `one_building` or `one_compound`; `special_candidate` on a proposed special grid
   * (params number, areaHa, specialType). Absent in proposals stored before notes existed.
   */
  notes?: Flag[];
}

export type ProposalGrid = Feature<Polygon | MultiPolygon, ProposalGridProperties>;

/** Why a strong barrier lies inside a grid. */
export type CrossingReason = 'dead_end' | 'spanned' | 'joined';

export interface CrossingProperties {
  gridNumber: string;
  kind: EdgeKind;
  /** The barrier's name, when the input gave one. */
  name: string | null;
  lengthM: number;
  reason: CrossingReason;
  message?: string;
}

/** The proposal as stored with its division (and answered, with flags and crossings in words). */
export interface ProposalDocument {
  type: 'FeatureCollection';
  features: ProposalGrid[];
  crossings: FeatureCollection;
  /** The proposed grid number of each input building (by request index), or null. */
  buildingGrid: (string | null)[];
}

/** Barrier features left out, counted by what was read (`ferry`, `highway=construction`, `Point`). */
export interface SkippedBarriers {
  count: number;
  byValue: Record<string, number>;
}
