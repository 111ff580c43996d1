/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) as gridgov answers it under
 * /open311/v2: the standard's documents, typed once as the standard shapes them and as gridgov
 * fills them from incident categories and incidents (routes/open311.ts, routes/open311/answers.ts).
 * Types only.
 */

/** GET /open311/v2/discovery.json. */
export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: 'production' | 'test'; formats: string[] }[];
}

/** One service of GET /open311/v2/services.json: an incident category. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  /** gridgov's categories ask nothing beyond the standard fields. */
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/** GET /open311/v2/services/{code}.json: the service's extra attributes (none). */
export interface Open311ServiceDefinition {
  service_code: string;
  attributes: unknown[];
}

/** One element of POST /open311/v2/requests.json's answer (an array, as the spec has it). */
export interface Open311RequestFiled {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
}

/** A service request (an incident) of GET /open311/v2/requests.json and requests/{id}.json. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  /** The note of the latest transition: why it is in its current state. */
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  /** The grid handling it, or after an escalation the region (code) it was escalated to. */
  agency_responsible: string | null;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  /** The category's deadline. */
  expected_datetime: string;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number;
  long: number;
  media_url: string | null;
}

/** An Open311 error (answered as an array of them). */
export interface Open311Error {
  code: number;
  description: string;
}
