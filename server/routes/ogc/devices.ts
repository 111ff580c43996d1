/** The OGC collection `devices`: cameras and sensors with the live grid each stands in, narrowed to a key's area. */
import type { Store } from '../../db/connect.js';
import type { GridLocator } from '../../services/grid-locator.js';
import { placedDevice, placedDevicePage } from '../../services/device-places.js';
import { assertVisible, coversEverything, outOfScopeId, scopedPrefix } from '../../http/authorize.js';
import { devicePlace } from '../../access/places.js';
import { text } from '../../i18n/catalogue.js';
import { deviceFeature } from './answers.js';
import { codeParam, listParam, regionPrefixParam } from './params.js';
import type { OgcCollection } from './collection.js';

export function deviceCollection(store: Store, locator: GridLocator): OgcCollection {
  return {
    async items(req, page, bbox) {
      const kinds = listParam(req, 'kind', ['camera', 'sensor']);
      const grid = codeParam(req, 'grid', 15);
      const prefix = scopedPrefix(req, regionPrefixParam(req));
      const result = await placedDevicePage(store.db, locator, { kinds, bbox, gridCode: grid, placePrefix: prefix }, page);
      return { total: result.total, features: result.devices.map(({ device, gridCode }) => deviceFeature(device, gridCode)) };
    },
    async item(req, featureId, missing) {
      const placed = await placedDevice(store.db, locator, featureId);
      // For a key of one area, an unknown id answers as one outside the area (outOfScopeId).
      if (!placed) throw coversEverything(req) ? missing() : outOfScopeId(req, text('subject.device'), featureId);
      assertVisible(req, devicePlace(placed.gridCode, placed.device.centerRegion), text('subject.device'), featureId);
      return deviceFeature(placed.device, placed.gridCode);
    },
  };
}
