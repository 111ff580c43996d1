/** The OGC collection `grids`: the live map, or the grids in force at a moment (`datetime`). */
import type { Store } from '../../db/connect.js';
import { getGrid } from '../../db/grids.js';
import { gridPage } from '../../db/ogc.js';
import { GRID_KINDS } from '../../geo/codes.js';
import { datetimeParam, listParam, regionPrefixParam } from './params.js';
import type { OgcCollection } from './collection.js';

export function gridCollection(store: Store): OgcCollection {
  return {
    async items(req, page, bbox) {
      const time = datetimeParam(req);
      // The grids in force at the last moment of the instant or interval; an open end is now.
      const asOf = time?.to ? new Date(time.to.getTime() - 1) : undefined;
      const result = await gridPage(store.db, { regionPrefix: regionPrefixParam(req), kinds: listParam(req, 'kind', GRID_KINDS), bbox, asOf }, page);
      return { total: result.total, features: result.items };
    },
    async item(_req, featureId, missing) {
      if (!/^\d{15}$/.test(featureId)) throw missing();
      // The live grid: 404 for a code never issued, 410 for a retired grid (getGrid says when).
      return getGrid(store.db, featureId);
    },
  };
}
