/** What each OGC collection's module answers: a page of its features, and one feature by id. */
import type { Request } from 'express';
import type { ApiError } from '../../errors.js';
import type { Bbox, Page } from '../../db/ogc.js';
import type { FeatureOut } from './answers.js';

export interface OgcCollection {
  /** The collection's own filters are read from `req` here, after the common ones. */
  items(req: Request, page: Page, bbox: Bbox | undefined): Promise<{ total: number; features: FeatureOut[] }>;
  /** `missing` is the 404 for an id that names no feature. */
  item(req: Request, featureId: string, missing: () => ApiError): Promise<FeatureOut>;
}
