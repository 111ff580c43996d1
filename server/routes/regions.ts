import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { badRequest, forbidden, unprocessable } from '../errors.js';
import { assertCovers } from '../http/authorize.js';
import type { Problem } from '../geo/validate.js';
import { parseBuildings } from '../geo/divide/input.js';
import { regionBuildings, replaceBuildings } from '../db/buildings.js';
import { householdPoints } from '../db/households.js';
import { parseRegionFeature } from '../geo/features.js';
import { createRegion, getRegion, listRegions, regionCoverage, regionLevel } from '../db/regions.js';
import { asOfParam, codeParam, jsonBody, stringParam } from './params.js';
import { text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';
import type { BuildingsAnswer, BuildingsReplaced, RegionCollection, RegionCoverage } from '../api-types/regions.js';

export function regionsRouter(store: Store, limits: Limits): Router {
  const router = apiRouter();

  router.post('/', async (req, res) => {
    const parsed = parseRegionFeature(jsonBody(req), { maxVertices: limits.regionVertices });
    if (parsed.problems) {
      const [first] = parsed.problems;
      throw badRequest(first.code, first.message, { problems: parsed.problems });
    }
    // A key adds regions inside its own area only (a township planner: its villages).
    assertCovers(req, parsed.value.code, text('subject.region'));
    if (req.principal?.regionCode === parsed.value.code) throw forbidden('out_of_scope', text('out_of_scope.own_region'));
    const region = await createRegion(store.db, parsed.value);
    res.status(201).location(`/api/regions/${region.properties.code}`).json(region);
  });

  router.get('/', async (req, res) => {
    const parent = stringParam(req, 'parent');
    const regions = await listRegions(store.db, parent === undefined ? null : codeParam(parent, 12));
    res.json({ type: 'FeatureCollection', features: regions } satisfies RegionCollection);
  });

  router.get('/:code', async (req, res) => {
    res.json(await getRegion(store.db, codeParam(req.params.code, 12)));
  });

  /**
   * Replaces a village's buildings layer (households for divisions). `?households=footprint`
   * estimates households from each footprint by the frozen rule instead of reading them.
   */
  router.put('/:code/buildings', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    assertCovers(req, code, text('subject.village'));
    const level = await regionLevel(store.db, code);
    if (level !== 'village') throw unprocessable('not_a_village', text('not_a_village.buildings', { code, level: levelWord(level) }));
    const rule = stringParam(req, 'households');
    if (rule !== undefined && rule !== 'footprint') throw badRequest('invalid_parameter', text('invalid_parameter.households_rule'));
    const problems: Problem[] = [];
    const body = jsonBody(req);
    // parseBuildings reads a missing layer as none (divisions may leave it out); a PUT must send one.
    if (body === null || typeof body !== 'object') throw badRequest('invalid_geojson', text('invalid_geojson.buildings'));
    const buildings = parseBuildings(body, problems, { householdsRule: rule });
    if (problems.length > 0) throw badRequest(problems[0].code, problems[0].message, { problems });
    const count = await replaceBuildings(
      store.db,
      code,
      buildings.map((b) => ({ geometry: b.geometry, households: b.households, compound: b.compound, properties: b.properties })),
    );
    const answer: BuildingsReplaced = { regionCode: code, buildings: count, households: buildings.reduce((sum, b) => sum + b.households, 0) };
    res.json(answer);
  });

  router.get('/:code/buildings', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    // Buildings carry households (who lives where): a key reads its own area's only.
    assertCovers(req, code, text('subject.village'));
    await regionLevel(store.db, code); // 404 for an unknown region
    res.json({ type: 'FeatureCollection', features: await regionBuildings(store.db, code) } satisfies BuildingsAnswer);
  });

  /**
   * What the web client needs to estimate a village's grid households while their borders
   * move, by the same rule as the server (db/households.ts): the source, and the building
   * anchors with their households or the registered addresses with their parsed levels.
   */
  router.get('/:code/households', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    const level = await regionLevel(store.db, code); // 404 for an unknown region
    if (level !== 'village') throw unprocessable('not_a_village', text('not_a_village.households', { code, level }));
    res.json(await householdPoints(store.db, code));
  });

  router.get('/:code/coverage', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    assertCovers(req, code, text('subject.region'));
    const answer: RegionCoverage = await regionCoverage(store.db, code, asOfParam(req));
    res.json(answer);
  });

  return router;
}
