/**
 * GET/POST /api/geocode's candidates as the API answers them, declared once: the server builds
 * them (routes/geocode.ts) and the web client reads them. Types only.
 */
import type { GeocodeCandidate as AddressCandidate, ParsedAddress } from '../geo/address/types.js';
import type { CrsName } from '../geo/crs-names.js';

/** The address index's candidate (lon/lat in the crs asked for), with the live grid it lies in. */
export interface GeocodeCandidate extends AddressCandidate {
  gridCode: string | null;
}

/** GET /api/geocode?q=: the address as read, and its candidates. */
export interface GeocodeAnswer {
  query: string;
  parsed: ParsedAddress;
  crs: CrsName;
  candidates: GeocodeCandidate[];
}

/** POST /api/geocode: the candidates of each address sent, in order. */
export interface GeocodeBatchAnswer {
  crs: CrsName;
  results: { candidates: GeocodeCandidate[] }[];
}
