/**
 * Incident categories with their deadlines, and how device events become incidents: which
 * event type opens which category, and how long an open incident takes in further events of
 * the same category in the same grid (the merge window) instead of opening another.
 * The defaults below can be replaced as a whole by a JSON file (GRIDGOV_INCIDENT_RULES).
 *
 * An incident opened from device events (camera and sensor alarms) carries their alarm priority
 * (server/incidents/priority.ts: 1 = 一级警情, the most serious … 4): its deadline is the
 * category's deadline for that priority. A 一级 alarm always gets the category's shortest.
 */
import { assessmentRulesProblem, defaultAssessmentRules, normalizeAssessmentRules, type AssessmentRules } from '../staff/assessment.js';
import { text, type Text } from '../i18n/catalogue.js';
import { ALARM_PRIORITIES, type AlarmPriority } from './priority.js';

export interface IncidentCategory {
  code: string;
  name: string;
  nameEn: string;
  /** Hours from report to deadline. */
  deadlineHours: number;
  /**
   * Hours from report to deadline by alarm priority ("1" = 一级 … "4"), for incidents opened
   * from device events. A priority not listed takes `deadlineHours` — except 1, which takes the
   * shortest deadline of the category. A more serious priority never has a longer deadline.
   */
  priorityDeadlineHours?: Partial<Record<`${AlarmPriority}`, number>>;
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
    { code: 'public_order', name: '治安防控', nameEn: 'Public order', deadlineHours: 24, priorityDeadlineHours: { 1: 1, 2: 4, 3: 12 } },
    { code: 'dispute', name: '矛盾纠纷', nameEn: 'Dispute', deadlineHours: 72, priorityDeadlineHours: { 1: 12, 2: 24 } },
    { code: 'hazard', name: '安全隐患', nameEn: 'Safety hazard', deadlineHours: 24, priorityDeadlineHours: { 1: 2, 2: 8 } },
    { code: 'fire', name: '消防火情', nameEn: 'Fire', deadlineHours: 2, priorityDeadlineHours: { 1: 0.5, 2: 1 } },
    { code: 'flood', name: '防汛内涝', nameEn: 'Flooding', deadlineHours: 4, priorityDeadlineHours: { 1: 1, 2: 2 } },
    { code: 'sanitation', name: '环境卫生', nameEn: 'Sanitation', deadlineHours: 48, priorityDeadlineHours: { 1: 12, 2: 24 } },
    { code: 'traffic', name: '交通秩序', nameEn: 'Traffic', deadlineHours: 12, priorityDeadlineHours: { 1: 1, 2: 4 } },
    { code: 'facility', name: '设施损坏', nameEn: 'Damaged facility', deadlineHours: 72, priorityDeadlineHours: { 1: 8, 2: 24 } },
    { code: 'other', name: '其他', nameEn: 'Other', deadlineHours: 72, priorityDeadlineHours: { 1: 12, 2: 24 } },
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
    // GB/T 28181 alarm notifications (server/incidents/gb28181-alarm.ts names their types)
    manual_video_alarm: 'public_order',
    motion_detection: 'public_order',
    left_object: 'public_order',
    object_removal: 'public_order',
    tripwire: 'public_order',
    wrong_way: 'traffic',
    flow_count: 'public_order',
    crowd_density: 'public_order',
    fast_moving: 'public_order',
    telephone_alarm: 'public_order',
    sms_alarm: 'public_order',
    gps_alarm: 'public_order',
    video_alarm: 'public_order',
    device_tamper: 'facility',
    video_loss: 'facility',
    video_anomaly: 'facility',
    disk_full: 'facility',
    device_high_temperature: 'facility',
    device_low_temperature: 'facility',
    disk_fault: 'facility',
    fan_fault: 'facility',
    device_alarm: 'facility',
    device_fault: 'facility',
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
export function rulesProblem(rules: IncidentRules): Text | undefined {
  const codes = new Set(rules.categories.map((c) => c.code));
  if (codes.size === 0) return text('rules.no_categories');
  if (codes.size !== rules.categories.length) return text('rules.codes_repeat');
  for (const c of rules.categories) {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(c.code)) return text('rules.category_code', { code: c.code });
    if (!(c.deadlineHours > 0)) return text('rules.deadline', { code: c.code });
    const problem = priorityDeadlineProblem(c);
    if (problem) return problem;
  }
  for (const [type, code] of Object.entries(rules.eventCategories)) if (!codes.has(code)) return text('rules.unknown_category', { type, code });
  if (!codes.has(rules.fallbackCategory)) return text('rules.fallback', { code: rules.fallbackCategory });
  if (!(rules.mergeWindowMinutes >= 0)) return text('rules.merge_window');
  if (rules.assessment !== undefined) return assessmentRulesProblem(rules.assessment);
  return undefined;
}

/** The assessment rules in force: the file's, or the defaults. */
export function assessmentRulesOf(rules: IncidentRules): AssessmentRules {
  return rules.assessment ? normalizeAssessmentRules(rules.assessment) : defaultAssessmentRules;
}

function priorityDeadlineProblem(category: IncidentCategory): Text | undefined {
  const listed = category.priorityDeadlineHours;
  if (listed === undefined) return undefined;
  if (listed === null || typeof listed !== 'object' || Array.isArray(listed)) return text('rules.priority_deadlines', { code: category.code });
  for (const [key, hours] of Object.entries(listed)) {
    if (!/^[1-4]$/.test(key) || typeof hours !== 'number' || !(hours > 0)) return text('rules.priority_deadlines', { code: category.code });
  }
  // A more serious alarm is never given longer than a less serious one.
  const hours = ALARM_PRIORITIES.map((priority) => deadlineHoursFor(category, priority));
  for (let i = 1; i < hours.length; i++) {
    if (hours[i - 1] > hours[i]) return text('rules.priority_order', { code: category.code, serious: i, hours: hours[i - 1], other: i + 1, otherHours: hours[i] });
  }
  return undefined;
}

/**
 * The deadline in hours of an incident of `category` opened by an alarm of `priority` (none:
 * the category's deadline). Priority 1 takes the shortest the category has.
 */
export function deadlineHoursFor(category: IncidentCategory, priority?: AlarmPriority): number {
  if (priority === undefined) return category.deadlineHours;
  const listed = category.priorityDeadlineHours ?? {};
  const own = listed[`${priority}`];
  if (own !== undefined) return own;
  return priority === 1 ? Math.min(category.deadlineHours, ...Object.values(listed).filter((h): h is number => typeof h === 'number')) : category.deadlineHours;
}

export function categoryOf(rules: IncidentRules, code: string): IncidentCategory | undefined {
  return rules.categories.find((c) => c.code === code);
}

export function deadlineFor(category: IncidentCategory, reportedAt: Date): Date {
  return new Date(reportedAt.getTime() + category.deadlineHours * 3_600_000);
}
