/**
 * How the OGC API answers: JSON with its media type, collection documents (with the extent only
 * for those who may see where the data lies), pages of features with next/prev links, single
 * features, and devices and incidents as features.
 */
import type { Request, Response } from 'express';
import type { Store } from '../../db/connect.js';
import type { StoredDevice } from '../../db/devices.js';
import { devicesExtent, gridsExtent, incidentsExtent, pointOf, regionsExtent, type Extent, type OgcIncident, type Page } from '../../db/ogc.js';
import { linkTo, queryWithout } from '../../http/links.js';
import { coversEverything } from '../../http/authorize.js';
import { requirementOf } from '../../http/access-policy.js';
import { can } from '../../access/principal.js';
import { CHINA_EXTENT } from '../../geo/validate.js';
import type { OgcCollection, OgcExtent, OgcFeature as FeatureOut, OgcFeatureAnswer, OgcFeaturePage, OgcLink as Link } from '../../api-types/ogc.js';
import { COLLECTIONS, CRS84, GEOJSON_TYPE, GREGORIAN, JSON_TYPE, type CollectionId } from './collections.js';

export type { Link, FeatureOut };

export function baseUrl(req: Request): string {
  return linkTo(req, req.baseUrl);
}

export function sendJson(res: Response, body: unknown, type = JSON_TYPE): void {
  res.type(type).send(JSON.stringify(body));
}

function extentJson(extent: Extent): OgcExtent {
  const bbox = extent.bbox ?? [CHINA_EXTENT.minLon, CHINA_EXTENT.minLat, CHINA_EXTENT.maxLon, CHINA_EXTENT.maxLat];
  return {
    spatial: { bbox: [bbox], crs: CRS84 },
    ...(extent.interval
      ? { temporal: { interval: [[extent.interval[0]?.toISOString() ?? null, extent.interval[1]?.toISOString() ?? null]], trs: GREGORIAN } }
      : {}),
  };
}

const EXTENTS: Record<CollectionId, (store: Store) => Promise<Extent>> = {
  regions: (store) => regionsExtent(store.db),
  grids: (store) => gridsExtent(store.db),
  devices: (store) => devicesExtent(store.db),
  incidents: (store) => incidentsExtent(store.db),
};

/** Collections whose items a key of one area sees only in its area (grids and regions anyone who reads grids sees whole). */
const AREA_NARROWED: readonly CollectionId[] = ['devices', 'incidents'];

/**
 * Whether the caller may see where and when a collection's data lies: the catalogue is public,
 * but the extent of incidents or devices tells where things happen. A key that may read the
 * collection's items — of the whole tree, for the collections narrowed to a key's area — gets the
 * true extent; anyone else gets China's.
 */
function seesExtent(req: Request, id: CollectionId): boolean {
  const needs = requirementOf('GET', `/ogc/collections/${id}/items`);
  const principal = req.principal;
  if (principal === undefined || needs === undefined) return false;
  if (AREA_NARROWED.includes(id) && !coversEverything(req)) return false;
  return needs === 'public' || can(principal, needs);
}

export async function collectionJson(req: Request, store: Store, base: string, id: CollectionId): Promise<OgcCollection> {
  const info = COLLECTIONS[id];
  return {
    id,
    title: info.title,
    description: info.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: extentJson(seesExtent(req, id) ? await EXTENTS[id](store) : { bbox: null }),
    links: [
      { href: `${base}/collections/${id}`, rel: 'self', type: JSON_TYPE, title: 'This collection' },
      { href: `${base}/collections/${id}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${info.title} (GeoJSON)` },
    ],
  };
}


/** A page of features with its counts and links; `next` only while features remain. */
export function sendItems(req: Request, res: Response, id: CollectionId, page: Page, total: number, features: FeatureOut[]): void {
  const base = baseUrl(req);
  const url = (offset: number) =>
    `${base}/collections/${id}/items${queryWithout(req, (query) => {
      query.set('limit', String(page.limit));
      if (offset > 0) query.set('offset', String(offset));
      else query.delete('offset');
    })}`;
  const links: Link[] = [
    { href: `${base}/collections/${id}/items${queryWithout(req)}`, rel: 'self', type: GEOJSON_TYPE, title: 'This page' },
    { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
  if (page.offset + features.length < total) links.push({ href: url(page.offset + page.limit), rel: 'next', type: GEOJSON_TYPE, title: 'Next page' });
  if (page.offset > 0) links.push({ href: url(Math.max(0, page.offset - page.limit)), rel: 'prev', type: GEOJSON_TYPE, title: 'Previous page' });
  res.set('Content-Crs', `<${CRS84}>`);
  sendJson(
    res,
    { type: 'FeatureCollection', numberMatched: total, numberReturned: features.length, timeStamp: new Date().toISOString(), links, features } satisfies OgcFeaturePage,
    GEOJSON_TYPE,
  );
}

export function sendFeature(req: Request, res: Response, id: CollectionId, feature: FeatureOut): void {
  const base = baseUrl(req);
  res.set('Content-Crs', `<${CRS84}>`);
  sendJson(
    res,
    {
      ...feature,
      links: [
        { href: `${base}/collections/${id}/items/${encodeURIComponent(String(feature.id))}`, rel: 'self', type: GEOJSON_TYPE, title: 'This feature' },
        { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
      ],
    } satisfies OgcFeatureAnswer,
    GEOJSON_TYPE,
  );
}


export function deviceFeature(device: StoredDevice, gridCode: string | null): FeatureOut {
  return {
    type: 'Feature',
    id: device.id,
    geometry: pointOf(device.lon, device.lat),
    properties: {
      kind: device.kind,
      name: device.name,
      idScheme: device.idScheme,
      gridCode,
      centerRegion: device.centerRegion,
      heightM: device.heightM,
      heading: device.heading,
      fov: device.fov,
      rangeM: device.rangeM,
      ptz: device.ptz,
      sensorType: device.sensorType,
      version: device.version,
      createdAt: device.createdAt,
      updatedAt: device.updatedAt,
    },
  };
}

export function incidentFeature(incident: OgcIncident, categoryNames: Map<string, string>): FeatureOut {
  const { id, lon, lat, ...properties } = incident;
  return {
    type: 'Feature',
    id,
    geometry: pointOf(lon, lat),
    properties: { ...properties, categoryName: categoryNames.get(incident.category) ?? null },
  };
}
