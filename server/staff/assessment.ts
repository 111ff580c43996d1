/**
 * The monthly assessment (考核) of grid workers and grids: what was done is counted elsewhere;
 * here it becomes points by rules and a grade by thresholds, both configurable in the incident
 * rules file (`assessment`, see server/incidents/rules.ts). Pure.
 *
 * The defaults follow common county practice: a report earns a point, a case handled two and
 * one more when on time, a late one costs one; a kilometre of patrol and a visit half a point
 * each; the patrol coverage of one's grids up to ten. 优秀 from 60 points, 良好 from 40, 称职
 * from 20, below that 不称职.
 */
import { text, type Text } from '../i18n/catalogue.js';

export interface AssessmentRules {
  points: {
    report: number;
    handled: number;
    onTime: number;
    late: number;
    patrolKm: number;
    visit: number;
    /** Points for full (100 %) patrol coverage; a share earns its share. */
    coverage: number;
  };
  /** Grades, highest first: the first whose minPoints the points reach; the last has none. */
  grades: { grade: string; minPoints: number }[];
}

export const defaultAssessmentRules: AssessmentRules = {
  points: { report: 1, handled: 2, onTime: 1, late: -1, patrolKm: 0.5, visit: 0.5, coverage: 10 },
  grades: [
    { grade: '优秀', minPoints: 60 },
    { grade: '良好', minPoints: 40 },
    { grade: '称职', minPoints: 20 },
    { grade: '不称职', minPoints: Number.NEGATIVE_INFINITY },
  ],
};

export interface Tally {
  reports: number;
  handled: number;
  onTime: number;
  patrolKm: number;
  /** Mean patrol coverage share of the grids concerned (0–1), or null with no grid. */
  coverage: number | null;
  visits: number;
}

export interface Assessed extends Tally {
  points: number;
  grade: string;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function assess(tally: Tally, rules: AssessmentRules = defaultAssessmentRules): Assessed {
  const p = rules.points;
  const late = tally.handled - tally.onTime;
  const points = round1(
    tally.reports * p.report + tally.handled * p.handled + tally.onTime * p.onTime + late * p.late + tally.patrolKm * p.patrolKm + tally.visits * p.visit + (tally.coverage ?? 0) * p.coverage,
  );
  const grade = rules.grades.find((g) => points >= g.minPoints)?.grade ?? rules.grades[rules.grades.length - 1]!.grade;
  return { ...tally, patrolKm: Math.round(tally.patrolKm * 100) / 100, coverage: tally.coverage === null ? null : Math.round(tally.coverage * 10_000) / 10_000, points, grade };
}

/** Why assessment rules from a file are unusable, or undefined. */
export function assessmentRulesProblem(rules: unknown): Text | undefined {
  if (rules === null || typeof rules !== 'object') return text('rules.assessment_object');
  const { points, grades } = rules as Partial<AssessmentRules>;
  for (const name of Object.keys(defaultAssessmentRules.points)) {
    const value = (points as Record<string, unknown> | undefined)?.[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return text('rules.assessment_points', { name });
  }
  if (!Array.isArray(grades) || grades.length === 0) return text('rules.assessment_grades');
  for (let i = 0; i < grades.length; i++) {
    const g = grades[i] as { grade?: unknown; minPoints?: unknown };
    if (typeof g?.grade !== 'string' || g.grade.trim() === '') return text('rules.assessment_grade_name', { index: i });
    // The last grade takes whatever is left; JSON cannot write -Infinity, so null stands for it there.
    if (i < grades.length - 1 && (typeof g.minPoints !== 'number' || !Number.isFinite(g.minPoints))) return text('rules.assessment_grade_min', { index: i });
    if (i > 0 && typeof g.minPoints === 'number' && g.minPoints > (grades[i - 1] as { minPoints: number }).minPoints) return text('rules.assessment_grade_order');
  }
  return undefined;
}

/** Rules from a file: the last grade catches every score below the others. */
export function normalizeAssessmentRules(rules: AssessmentRules): AssessmentRules {
  const grades = rules.grades.map((g, i) => (i === rules.grades.length - 1 ? { grade: g.grade, minPoints: Number.NEGATIVE_INFINITY } : g));
  return { points: { ...rules.points }, grades };
}
