/** The OGC collection `regions`: the administrative tree with boundaries (db/ogc.ts: regionPage). */
import type { Store } from '../../db/connect.js';
import { regionPage } from '../../db/ogc.js';
import { REGION_LEVELS } from '../../geo/codes.js';
import { codeParam, listParam } from './params.js';
import type { OgcCollection } from './collection.js';

export function regionCollection(store: Store): OgcCollection {
  return {
    async items(req, page, bbox) {
      const parent = codeParam(req, 'parent', 12);
      const result = await regionPage(store.db, { bbox, levels: listParam(req, 'level', REGION_LEVELS), parentCode: parent }, page);
      return { total: result.total, features: result.items };
    },
    async item(_req, featureId, missing) {
      if (!/^\d{12}$/.test(featureId)) throw missing();
      const { items } = await regionPage(store.db, { code: featureId }, { limit: 1, offset: 0 });
      if (!items.length) throw missing();
      return items[0];
    },
  };
}
