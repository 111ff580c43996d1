import { describe, expect, it } from 'vitest';
import { assess, assessmentRulesProblem, defaultAssessmentRules, normalizeAssessmentRules } from '../../server/staff/assessment.js';
import { dutyOf } from '../../server/staff/duties.js';
import { maskPhone, normalizePhone } from '../../server/staff/phone.js';
import { planStaffCarry } from '../../server/staff/carry.js';
import { defaultIncidentRules, rulesProblem } from '../../server/incidents/rules.js';
import { translate } from '../../server/i18n/catalogue.js';

describe('assessment rules', () => {
  const tally = { reports: 10, handled: 8, onTime: 6, patrolKm: 20, coverage: 0.5, visits: 12 };

  it('turn what was done into points and a grade by the default rules', () => {
    // 10 + 16 + 6 − 2 + 10 + 6 + 5 = 51 → 良好
    expect(assess(tally)).toMatchObject({ points: 51, grade: '良好' });
    expect(assess({ reports: 0, handled: 0, onTime: 0, patrolKm: 0, coverage: null, visits: 0 })).toMatchObject({ points: 0, grade: '不称职' });
  });

  it('follow a rules file: part-time workers paid per report, other thresholds', () => {
    const file = JSON.parse(JSON.stringify({ points: { ...defaultAssessmentRules.points, report: 5 }, grades: [{ grade: '优秀', minPoints: 100 }, { grade: '合格', minPoints: 50 }, { grade: '不合格', minPoints: null }] }));
    expect(assessmentRulesProblem(file)).toBeUndefined();
    expect(rulesProblem({ ...defaultIncidentRules, assessment: file })).toBeUndefined();
    expect(assess(tally, normalizeAssessmentRules(file))).toMatchObject({ points: 91, grade: '合格' });
    expect(translate(assessmentRulesProblem({ points: { report: 'x' }, grades: [] })!, 'en')).toMatch(/points\.report/);
    expect(translate(rulesProblem({ ...defaultIncidentRules, assessment: { ...file, grades: [{ grade: 'A', minPoints: 1 }, { grade: 'B', minPoints: 5 }, { grade: 'C' }] } })!, 'en')).toMatch(/highest/);
  });
});

describe('duties and phones', () => {
  it('take the words rosters use', () => {
    expect(['网格长', 'Leader', '专职网格员', '专职', '网格员', 'full-time', '兼职网格员', 'part_time', '协管员', '网格助理员'].map(dutyOf)).toEqual(['leader', 'leader', 'fulltime', 'fulltime', 'fulltime', 'fulltime', 'parttime', 'parttime', 'assistant', 'assistant']);
    expect(dutyOf('局长')).toBeUndefined();
    expect(normalizePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizePhone('0591-87654321')).toBe('0591-87654321');
    expect(normalizePhone('110')).toBeUndefined();
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0591-87654321')).toBe('0591-****4321');
  });
});

describe('staff follow lineage', () => {
  const holdings = [
    { staffId: 1, gridCode: 'A' },
    { staffId: 2, gridCode: 'B' },
    { staffId: 3, gridCode: 'Z' },
  ];

  it('staff both parts of a split and join a merge’s survivor', () => {
    // Split: A lives on, C is cut out of it.
    expect(planStaffCarry([{ oldCode: 'A', newKey: 'A', areaM2: 600 }, { oldCode: 'A', newKey: 'C', areaM2: 400 }], [], ['C'], holdings)).toEqual([{ staffId: 1, from: ['A'], to: ['A', 'C'] }]);
    // Merge: B retires into A.
    expect(planStaffCarry([{ oldCode: 'A', newKey: 'A', areaM2: 600 }, { oldCode: 'B', newKey: 'A', areaM2: 500 }], ['B'], [], holdings)).toEqual([{ staffId: 2, from: ['B'], to: ['A'] }]);
  });

  it('take each new grid its main predecessor’s staff and each retired grid’s staff to its main successor', () => {
    const overlaps = [
      { oldCode: 'A', newKey: 'N1', areaM2: 900 },
      { oldCode: 'A', newKey: 'N2', areaM2: 100 },
      { oldCode: 'B', newKey: 'N2', areaM2: 300 },
      { oldCode: 'B', newKey: 'N3', areaM2: 50 },
      // A shared edge is no area.
      { oldCode: 'B', newKey: 'N1', areaM2: 0.5 },
    ];
    expect(planStaffCarry(overlaps, ['A', 'B'], ['N1', 'N2', 'N3'], holdings)).toEqual([
      { staffId: 1, from: ['A'], to: ['N1'] },
      { staffId: 2, from: ['B'], to: ['N2', 'N3'] },
    ]);
    // A grid retired with nothing taking its area: its staff let it go.
    expect(planStaffCarry([], ['A'], [], holdings)).toEqual([{ staffId: 1, from: ['A'], to: [] }]);
  });
});
