/**
 * GET/POST /api/geocode's candidates as the API answers them, declared once: the server builds
 * them (routes/geocode.ts) and the web client reads them. Types only.
 */
import type { GeocodeCandidate as AddressCandidate } from '../geo/address/types.js';

/** The address index's candidate (lon/lat in the crs asked for), with the live grid it lies in. */
export interface GeocodeCandidate extends AddressCandidate {
  gridCode: string | null;
}
