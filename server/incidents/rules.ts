/**
 * Incident categories with their deadlines, and how device events become incidents: which
 * event type opens which category, and how long an open incident takes in further events of
 * the same category in the same grid (the merge window) instead of opening another.
 * The defaults below can be replaced as a whole by a JSON file (GRIDGOV_INCIDENT_RULES).
 */
import { assessmentRulesProblem, defaultAssessmentRules, normalizeAssessmentRules, type AssessmentRules } from '../staff/assessment.js';
export interface IncidentCategory {
  code: string;
  name: string;
  nameEn: string;
  /** Hours from report to deadline. */
  deadlineHours: number;
}

export interface IncidentRules {
  categories: IncidentCategory[];
  /** Device event type → category code; types not listed go to `fallbackCategory`. */
  eventCategories: Record<string, string>;
  fallbackCategory: string;
  /** Minutes during which a new event joins an open incident of its grid and category. */
  mergeWindowMinutes: number;
  /** Points and grades of the monthly assessment (考核) of grid workers; the defaults when left out. */
  assessment?: AssessmentRules;
}

export const defaultIncidentRules: IncidentRules = {
  categories: [
    { code: 'public_order', name: '治安防控', nameEn: 'Public order', deadlineHours: 24 },
    { code: 'dispute', name: '矛盾纠纷', nameEn: 'Dispute', deadlineHours: 72 },
    { code: 'hazard', name: '安全隐患', nameEn: 'Safety hazard', deadlineHours: 24 },
    { code: 'fire', name: '消防火情', nameEn: 'Fire', deadlineHours: 2 },
    { code: 'flood', name: '防汛内涝', nameEn: 'Flooding', deadlineHours: 4 },
    { code: 'sanitation', name: '环境卫生', nameEn: 'Sanitation', deadlineHours: 48 },
    { code: 'traffic', name: '交通秩序', nameEn: 'Traffic', deadlineHours: 12 },
    { code: 'facility', name: '设施损坏', nameEn: 'Damaged facility', deadlineHours: 72 },
    { code: 'other', name: '其他', nameEn: 'Other', deadlineHours: 72 },
  ],
  eventCategories: {
    // cameras (video analytics)
    intrusion: 'public_order',
    crowd: 'public_order',
    fight: 'public_order',
    loitering: 'public_order',
    fire: 'fire',
    smoke: 'fire',
    garbage: 'sanitation',
    street_vending: 'sanitation',
    illegal_parking: 'traffic',
    traffic_jam: 'traffic',
    // sensors
    smoke_alarm: 'fire',
    gas_leak: 'hazard',
    water_level: 'flood',
    manhole_cover: 'facility',
    door_open: 'public_order',
    air_quality: 'sanitation',
  },
  fallbackCategory: 'other',
  mergeWindowMinutes: 30,
};

/** Why a rules object is unusable, or undefined. */
export function rulesProblem(rules: IncidentRules): string | undefined {
  const codes = new Set(rules.categories.map((c) => c.code));
  if (codes.size === 0) return 'no categories';
  if (codes.size !== rules.categories.length) return 'category codes repeat';
  for (const c of rules.categories) {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(c.code)) return `category code "${c.code}" must be lower-case letters, digits and _`;
    if (!(c.deadlineHours > 0)) return `category ${c.code}: deadlineHours must be positive`;
  }
  for (const [type, code] of Object.entries(rules.eventCategories)) if (!codes.has(code)) return `event type ${type} maps to unknown category ${code}`;
  if (!codes.has(rules.fallbackCategory)) return `fallbackCategory ${rules.fallbackCategory} is not a category`;
  if (!(rules.mergeWindowMinutes >= 0)) return 'mergeWindowMinutes must be 0 or more';
  if (rules.assessment !== undefined) return assessmentRulesProblem(rules.assessment);
  return undefined;
}

/** The assessment rules in force: the file's, or the defaults. */
export function assessmentRulesOf(rules: IncidentRules): AssessmentRules {
  return rules.assessment ? normalizeAssessmentRules(rules.assessment) : defaultAssessmentRules;
}

export function categoryOf(rules: IncidentRules, code: string): IncidentCategory | undefined {
  return rules.categories.find((c) => c.code === code);
}

export function deadlineFor(category: IncidentCategory, reportedAt: Date): Date {
  return new Date(reportedAt.getTime() + category.deadlineHours * 3_600_000);
}
