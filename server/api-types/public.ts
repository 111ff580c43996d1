/**
 * What residents reach without a key (随手拍, routes/public.ts) as the API answers it, declared
 * once: the server builds it (routes/public.ts, db/public-reports.ts) and the resident page
 * (client/src/resident) reads it. Nothing of any other incident: no ids, no grid codes, no names.
 * Types only.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';

/** GET /api/public/categories: what a resident may report, and where reports are taken. */
export interface PublicCategoriesAnswer {
  categories: { code: string; name: string; nameEn: string }[];
  maxPhotoBytes: number;
  /** False when the service takes no reports from residents. */
  open: boolean;
  /** The live grids' extent [minLon, minLat, maxLon, maxLat] (the map opens there), or null. */
  area: [number, number, number, number] | null;
}

/** One named street of GET /api/public/streets, cut to the box asked for. */
export type PublicStreet = Feature<Geometry, { name: string | null }>;

/** GET /api/public/streets?bbox=. */
export type PublicStreetsAnswer = FeatureCollection<Geometry, { name: string | null }> & { features: PublicStreet[] };

/** 201 of POST /api/public/reports: the tracking number to look the report up by. */
export interface PublicReportFiled {
  trackingNumber: string;
  status: string;
  category: string;
  reportedAt: string;
}

/** GET /api/public/reports/:number: the report's status and the notes written for the public. */
export interface PublicStatus extends PublicReportFiled {
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  /** Each change of status, and the notes written for the public, oldest first. */
  timeline: { at: string; status: string; note: string | null }[];
}
