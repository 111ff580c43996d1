/** The OGC collection `incidents`: reported incidents at their points, narrowed to a key's area. */
import type { Store } from '../../db/connect.js';
import { incidentPage, ogcIncident } from '../../db/ogc.js';
import type { IncidentFilter } from '../../db/incidents.js';
import type { IncidentService } from '../../services/incidents.js';
import { INCIDENT_STATUSES } from '../../incidents/states.js';
import { incidentPlace } from '../../access/places.js';
import { assertVisible, coversEverything, outOfScopeId, scopedPlaces, scopedPrefix } from '../../http/authorize.js';
import { text } from '../../i18n/catalogue.js';
import { incidentFeature } from './answers.js';
import { codeParam, datetimeParam, lightParam, listParam, regionPrefixParam } from './params.js';
import type { OgcCollection } from './collection.js';

export function incidentCollection(store: Store, incidents: IncidentService): OgcCollection {
  const categoryNames = () => new Map(incidents.rules.categories.map((category) => [category.code, category.name]));
  return {
    async items(req, page, bbox) {
      const categories = incidents.rules.categories;
      const time = datetimeParam(req);
      const filter: IncidentFilter = {
        statuses: listParam(req, 'status', INCIDENT_STATUSES) as IncidentFilter['statuses'],
        categories: listParam(req, 'category', categories.map((category) => category.code)),
        light: lightParam(req),
        gridCode: codeParam(req, 'grid', 15),
        regionPrefix: scopedPrefix(req, regionPrefixParam(req)),
        placePrefixes: scopedPlaces(req),
        from: time?.from,
        to: time?.to,
        bbox,
      };
      const result = await incidentPage(store.db, filter, page, incidents.clock.now());
      const names = categoryNames();
      return { total: result.total, features: result.items.map((incident) => incidentFeature(incident, names)) };
    },
    async item(req, featureId, missing) {
      if (!/^\d{1,15}$/.test(featureId)) throw missing();
      const incident = await ogcIncident(store.db, Number(featureId), incidents.clock.now());
      if (!incident) throw coversEverything(req) ? missing() : outOfScopeId(req, text('subject.incident'), featureId);
      assertVisible(req, incidentPlace(incident), text('subject.incident'), featureId);
      return incidentFeature(incident, categoryNames());
    },
  };
}
