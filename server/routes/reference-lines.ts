/**
 * A region's reference lines (roads, rivers, railways, ridges, water areas), under
 * /api/regions/:code/lines: PUT replaces them from a GeoJSON FeatureCollection, GET answers them.
 */
import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { badRequest } from '../errors.js';
import { regionLevel } from '../db/regions.js';
import { assertCovers } from '../http/authorize.js';
import { regionLines, replaceReferenceLines } from '../db/reference-lines.js';
import { parseReferenceLines } from '../geo/reference-lines.js';
import { bboxParam, codeParam, crsParam, jsonBody, stringParam } from './params.js';
import { text } from '../i18n/catalogue.js';
import type { ReferenceLinesAnswer, ReferenceLinesReplaced } from '../api-types/regions.js';

export function referenceLinesRouter(store: Store, limits: Limits): Router {
  const router = apiRouter();

  /** `?crs=gcj02|bd09` for lines traced on a Chinese web map; stored in WGS84. */
  router.put('/:code/lines', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    const crs = crsParam(stringParam(req, 'crs'));
    assertCovers(req, code, text('subject.region'));
    await regionLevel(store.db, code); // 404 for an unknown region
    const { lines, skipped, problems } = parseReferenceLines(jsonBody(req), limits, crs);
    if (problems.length > 0) throw badRequest(problems[0].code, problems[0].message, { problems });
    const { stored, outside } = await replaceReferenceLines(store.db, code, lines);
    const left = new Set(outside);
    const byKind: Record<string, number> = {};
    for (const line of lines) if (!left.has(line.feature)) byKind[line.kind] = (byKind[line.kind] ?? 0) + 1;
    const answer: ReferenceLinesReplaced = { regionCode: code, lines: stored, byKind, skipped, outside };
    res.json(answer);
  });

  router.get('/:code/lines', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    const bbox = bboxParam(req);
    // Roads and rivers are map data like grid geometry: any key that reads grids reads them.
    await regionLevel(store.db, code);
    res.json({ type: 'FeatureCollection', features: await regionLines(store.db, code, bbox) } satisfies ReferenceLinesAnswer);
  });

  return router;
}
