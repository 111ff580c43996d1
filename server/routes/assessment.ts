/**
 * GET /api/assessment?region=<12 digits>&month=YYYY-MM — the month's assessment (考核) of a
 * region's grid workers and grids: reports, cases handled and on time, patrol kilometres and
 * coverage, visits, points and grade. `format=csv` (with `of=staff|grids`) downloads it for a
 * spreadsheet, with Chinese headers and no cell a spreadsheet would run as a formula.
 */
import type { Router } from 'express';
import type { Store } from '../db/connect.js';
import { regionExists } from '../db/regions.js';
import { badRequest, notFound } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import { assertCovers } from '../http/authorize.js';
import { apiRouter } from './router.js';
import { codeParam, stringParam } from './params.js';
import { assessRegion } from '../services/assessment.js';
import type { Assessment } from '../api-types/assessment.js';
import { assessmentRulesOf, type IncidentRules } from '../incidents/rules.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { DUTY_NAMES, isDuty } from '../staff/duties.js';
import { csvDocument } from '../formats/csv-write.js';
import type { Clock } from '../clock.js';

/** `month=YYYY-MM` (this month in China by default) → its first moment and the next month's, in China. */
export function monthParam(value: string | undefined, now: Date): { month: string; from: Date; to: Date } {
  const month = value ?? new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw badRequest('invalid_parameter', text('invalid_month', { value: String(value).slice(0, 40) }));
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  const at = (y: number, m: number) => new Date(Date.UTC(y, m, 1) - 8 * 3_600_000);
  return { month, from: at(year, index), to: at(year, index + 1) };
}

const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

function staffCsv(assessment: Assessment): string {
  return csvDocument(
    ['姓名', '职务', '网格', '上报', '办结', '按时办结', '巡查里程(公里)', '巡查覆盖率(%)', '走访', '积分', '等级'],
    assessment.workers.map((w) => [w.name, isDuty(w.duty) ? DUTY_NAMES[w.duty].zh : w.duty, w.gridCodes.join(' '), w.reports, w.handled, w.onTime, w.patrolKm, percent(w.coverage), w.visits, w.points, w.grade]),
  );
}

function gridsCsv(assessment: Assessment): string {
  return csvDocument(
    ['网格编码', '网格名称', '上报', '办结', '按时办结', '巡查里程(公里)', '巡查覆盖率(%)', '走访', '积分', '等级'],
    assessment.grids.map((g) => [g.code, g.name, g.reports, g.handled, g.onTime, g.patrolKm, percent(g.coverage), g.visits, g.points, g.grade]),
  );
}

export function assessmentRouter(store: Store, rules: IncidentRules, clock: Clock): Router {
  const router = apiRouter();
  router.get('/', async (req, res) => {
    const raw = stringParam(req, 'region');
    if (raw === undefined) throw badRequest('region_required', text('region_required'));
    const code = codeParam(raw, 12);
    const level = levelOfRegionCode(code);
    if (!level) throw badRequest('invalid_code', text('not_a_region_code', { code }));
    const window = monthParam(stringParam(req, 'month'), clock.now());
    const format = stringParam(req, 'format') ?? 'json';
    const of = stringParam(req, 'of') ?? 'staff';
    if (format !== 'json' && format !== 'csv') throw badRequest('invalid_parameter', text('one_of', { name: 'format', values: 'json, csv' }));
    if (of !== 'staff' && of !== 'grids') throw badRequest('invalid_parameter', text('one_of', { name: 'of', values: 'staff, grids' }));
    assertCovers(req, code, text('subject.region'));
    if (!(await regionExists(store.db, code))) throw notFound('unknown_region', text('staff_unknown_region', { code }));
    const assessment = await assessRegion(store.db, { code, prefix: regionPrefix(code, level) }, window.month, window, assessmentRulesOf(rules));
    if (format === 'csv') {
      const name = `assessment-${code}-${window.month}-${of}.csv`;
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` }).send(of === 'staff' ? staffCsv(assessment) : gridsCsv(assessment));
      return;
    }
    res.json(assessment);
  });
  return router;
}
