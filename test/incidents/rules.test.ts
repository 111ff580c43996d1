import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { defaultIncidentRules, rulesProblem } from '../../server/incidents/rules.js';

describe('incident rules', () => {
  it('are valid by default', () => {
    expect(rulesProblem(defaultIncidentRules)).toBeUndefined();
  });

  it('can be replaced by a JSON file, and a bad file stops the start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-rules-'));
    const file = path.join(dir, 'rules.json');
    const custom = {
      categories: [{ code: 'noise', name: '噪音扰民', nameEn: 'Noise', deadlineHours: 6 }],
      eventCategories: { loud_noise: 'noise' },
      fallbackCategory: 'noise',
      mergeWindowMinutes: 10,
    };
    fs.writeFileSync(file, JSON.stringify(custom));
    expect(loadConfig({ GRIDGOV_INCIDENT_RULES: file }).incidentRules).toEqual(custom);
    fs.writeFileSync(file, JSON.stringify({ ...custom, eventCategories: { loud_noise: 'music' } }));
    expect(() => loadConfig({ GRIDGOV_INCIDENT_RULES: file, GRIDGOV_LANG: 'en' })).toThrow(/unknown category music/);
    // Said in the operator's language: Chinese unless the locale or GRIDGOV_LANG says otherwise.
    expect(() => loadConfig({ GRIDGOV_INCIDENT_RULES: file, LANG: 'zh_CN.UTF-8' })).toThrow(/事件类型 loud_noise 对应的类别 music 不存在/);
    fs.writeFileSync(file, '{');
    expect(() => loadConfig({ GRIDGOV_INCIDENT_RULES: file })).toThrow(/cannot read/);
    fs.rmSync(dir, { recursive: true });
  });
});
