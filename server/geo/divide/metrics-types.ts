/**
 * What a division's metrics measure (geo/divide/metrics.ts computes them, geo/divide/run.ts adds
 * the run's own figures): a leaf with no imports, so that the API's types and the web client can
 * name them without the metrics' geometry.
 */
export interface GridMetrics {
  /** Position of the grid in `input.grids`. */
  index: number;
  households: number;
  withinRange: boolean;
  polsbyPopper: number;
  areaM2: number;
  perimeterM: number;
  /** Polygons making up the grid (1 for a Polygon). */
  parts: number;
  barrierCrossingM: number;
}

export interface DivisionMetrics {
  grids: number;
  /** Total households assigned to grids. */
  households: number;
  /** Share of basic grids (kind !== 'special') with households in [min, max]. */
  withinRangeShare: number;
  /**
   * The same, not counting a grid over the maximum whose households all live in one building or
   * one compound (nothing to divide it along): the share planners judge a division by.
   */
  withinRangeShareDivisible: number;
  /** Basic grids over the maximum that are one building or one compound (left out of the share above). */
  indivisibleGrids: number;
  /** Coefficient of variation (population stdev / mean) of households over basic grids. */
  householdsCV: number;
  /** Share of internal grid boundary length lying within 10 m of a barrier. */
  boundaryAlignment: number;
  /** Length of major_road and river lines running through grid interiors (> 10 m from every grid boundary). */
  barrierCrossingM: number;
  /** Median Polsby–Popper over all grids, special grids (and special grid candidates) included. */
  polsbyPopperMedian: number;
  /** The same over basic grids only. Absent in metrics stored before it existed. */
  polsbyPopperMedianBasic?: number;
  polsbyPopperMin: number;
  /** Compounds with total households ≤ maxHouseholds whose buildings fall in more than one grid. */
  compoundsSplit: number;
  /** Footprints divided between two or more grids (parts > 1 m² and > 1% of the footprint). */
  buildingsSplit: number;
  /** Households of buildings whose representative point is in no grid. */
  unassignedHouseholds: number;
  perGrid: GridMetrics[];
}

/** The metrics stored with a finished division (GET /api/divisions/:id answers them). */
export type RunMetrics = DivisionMetrics & {
  runtimeMs: number;
  cutBorderShare: number;
  cutsThroughBuildings: number;
  /** Grids carrying a flag: something a planner must act on. */
  flagged: number;
  /**
   * Grids carrying only a note (one tower or compound over the maximum: nothing to redraw).
   * Absent in metrics stored before notes existed, when those grids were counted as flagged.
   */
  noted?: number;
  /** Special grids the division proposes for large land without homes (stages/specials.ts). Absent in metrics stored before. */
  specialCandidates?: number;
  /** In an adjustment: the share of households whose grid stays the same. */
  stability?: number;
};
