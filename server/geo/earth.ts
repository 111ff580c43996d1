/**
 * The sphere every local distance in gridgov is measured on: the mean Earth radius (IUGG), so
 * that the division's projection, the grid index's distances and the coverage measures agree
 * to the millimetre on the same points.
 */
export const EARTH_RADIUS_M = 6_371_008.8;
export const RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const M_PER_DEG_LAT = EARTH_RADIUS_M * RAD;
