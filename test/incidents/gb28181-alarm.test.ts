/**
 * GB/T 28181 alarm notifications, pure: the priority scale and its words, the MANSCDP XML as
 * platforms send it (GB18030 or UTF-8, declared or not, several in one body, broken ones
 * refused alone, DTDs refused), and the event each notification stands for.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseAlarmPriority } from '../../server/incidents/priority.js';
import { decodeManscdp, readNotifies, type NotifyResult } from '../../server/formats/manscdp.js';
import { alarmEvent, alarmTimeIso } from '../../server/incidents/gb28181-alarm.js';
import { deadlineHoursFor, defaultIncidentRules, rulesProblem, type IncidentCategory } from '../../server/incidents/rules.js';
import { en } from '../support/i18n.js';

const notify = (fields: string) => `<Notify>\r\n<CmdType>Alarm</CmdType>\r\n<SN>17</SN>\r\n<DeviceID>34020000001340000001</DeviceID>\r\n${fields}</Notify>\r\n`;
const ALARM = '<AlarmPriority>1</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime>';

function ok(result: NotifyResult) {
  if (!result.ok) throw new Error(en(result.message));
  return result.notify;
}

describe('alarm priority', () => {
  it('reads GB/T 28181 levels and the words people and platforms use; 1 is the most serious', () => {
    const cases: [unknown, number | undefined][] = [
      [1, 1], ['1', 1], ['一级', 1], ['一级警情', 1], ['高', 1], ['High', 1], ['urgent', 1], ['紧急', 1],
      [2, 2], ['二级', 2], ['中', 2], ['medium', 2],
      ['三级', 3], ['低', 3], ['LOW', 3], ['３', 3],
      [4, 4], ['四级', 4], ['四级警情', 4],
      [0, undefined], [5, undefined], ['五级', undefined], [1.5, undefined], [null, undefined], ['', undefined],
    ];
    for (const [value, priority] of cases) expect(parseAlarmPriority(value), String(value)).toBe(priority);
  });
});

describe('deadlines by priority (the rules file)', () => {
  it('gives a 一级 alarm the shortest deadline of its category, and never more time to a graver alarm', () => {
    for (const category of defaultIncidentRules.categories) {
      const hours = [1, 2, 3, 4].map((p) => deadlineHoursFor(category, p as 1 | 2 | 3 | 4));
      expect(hours[0], category.code).toBe(Math.min(category.deadlineHours, ...hours));
      expect([...hours].sort((a, b) => a - b), category.code).toEqual(hours);
      expect(deadlineHoursFor(category), category.code).toBe(category.deadlineHours);
    }
    const fire = defaultIncidentRules.categories.find((c) => c.code === 'fire')!;
    expect(deadlineHoursFor(fire, 1)).toBe(0.5);
    // Level 1 not listed: the shortest the category has.
    const custom: IncidentCategory = { code: 'noise', name: '噪音', nameEn: 'Noise', deadlineHours: 24, priorityDeadlineHours: { 2: 6 } };
    expect(deadlineHoursFor(custom, 1)).toBe(6);
    expect(deadlineHoursFor(custom, 3)).toBe(24);
  });

  it('refuses a rules file where a graver alarm gets longer, or a priority is not 1–4', () => {
    const base = { ...defaultIncidentRules, categories: [{ code: 'noise', name: '噪音', nameEn: 'Noise', deadlineHours: 24 }], eventCategories: {}, fallbackCategory: 'noise' };
    expect(rulesProblem(base)).toBeUndefined();
    const inverted = { ...base, categories: [{ ...base.categories[0], priorityDeadlineHours: { 1: 12, 2: 2 } }], eventCategories: {}, fallbackCategory: 'noise' };
    expect(en(rulesProblem(inverted))).toMatch(/priority 1 has a longer deadline \(12 h\) than priority 2 \(2 h\)/);
    const badKey = { ...inverted, categories: [{ ...base.categories[0], priorityDeadlineHours: { 5: 1 } as never }] };
    expect(en(rulesProblem(badKey))).toMatch(/priorityDeadlineHours/);
  });
});

describe('MANSCDP notifications', () => {
  it('decodes GB2312/GB18030 as declared, UTF-8 when valid, GB18030 otherwise, and a BOM', () => {
    const body = `<?xml version="1.0" encoding="GB2312"?>\r\n${notify(`${ALARM}<AlarmDescription>东门入侵</AlarmDescription>`)}`;
    expect(decodeManscdp(iconv.encode(body, 'gb18030'))).toContain('东门入侵');
    expect(decodeManscdp(Buffer.from(body.replace('GB2312', 'UTF-8'), 'utf8'))).toContain('东门入侵');
    // Declared nothing (or misspelt it): the bytes decide.
    const bare = body.replace(/<\?xml[^>]*\?>/, '<?xml version="1.0" encoding-"gb2312"?>');
    expect(decodeManscdp(iconv.encode(bare, 'gb18030'))).toContain('东门入侵');
    expect(decodeManscdp(Buffer.from(bare, 'utf8'))).toContain('东门入侵');
    expect(decodeManscdp(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]))).toContain('东门入侵');
    // The Content-Type charset when the document says nothing.
    expect(decodeManscdp(iconv.encode(notify('<AlarmDescription>西门</AlarmDescription>'), 'gb18030'), 'GBK')).toContain('西门');
  });

  it('reads each notification of a body on its own: a broken one, a DTD, another root are refused alone', () => {
    const body = [
      `<?xml version="1.0" encoding="UTF-8"?>${notify(ALARM)}`,
      `<?xml version="1.0"?><Notify><CmdType>Alarm</CmdType><SN>18</SN>`, // never closed
      `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${notify(`${ALARM}<AlarmDescription>&lol2;</AlarmDescription>`)}`,
      `<Notify><cmdType>Alarm</cmdType><SN>19</SN><DeviceID>34020000001340000001</DeviceID>${ALARM}<Info><AlarmType>6</AlarmType><AlarmTypeParam><EventType>1</EventType></AlarmTypeParam></Info><AlarmDescription>A &amp; B</AlarmDescription></Notify>`,
    ].join('\n');
    const results = readNotifies(body)!;
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'invalid_xml', 'xml_not_allowed', 'ok']);
    expect(ok(results[0])).toMatchObject({ cmdType: 'Alarm', sn: '17', deviceId: '34020000001340000001', alarmPriority: '1', alarmMethod: '5' });
    // Element names are read whatever their case (platforms write cmdType), entities of XML itself are read.
    expect(ok(results[3])).toMatchObject({ cmdType: 'Alarm', sn: '19', alarmType: '6', eventType: '1', alarmDescription: 'A & B' });
    expect(readNotifies('<Response><CmdType>Keepalive</CmdType></Response>')).toBeUndefined();
    expect(readNotifies('not xml at all')).toBeUndefined();
  });
});

describe('an alarm notification as a device event', () => {
  const event = (fields: string) => {
    const [read] = readNotifies(notify(fields))!;
    return alarmEvent(ok(read));
  };

  it('takes AlarmTime without a zone as China time, names the type by method and AlarmType, keeps the description', () => {
    expect(alarmTimeIso('2026-11-23T08:00:00')).toBe('2026-11-23T08:00:00+08:00');
    expect(alarmTimeIso('2026-11-23 08:00:00.5')).toBe('2026-11-23T08:00:00.5+08:00');
    expect(alarmTimeIso('2026-11-23T00:00:00Z')).toBe('2026-11-23T00:00:00Z');
    expect(alarmTimeIso('23/11/2026 08:00')).toBeUndefined();
    const intrusion = event(`${ALARM}<AlarmDescription>东门区域入侵</AlarmDescription><Longitude>119.2968</Longitude><Latitude>26.0935</Latitude><Info><AlarmType>6</AlarmType></Info>`);
    expect(intrusion).toEqual({
      ok: true,
      event: {
        deviceId: '34020000001340000001',
        eventId: 'sn17.20261123080000.m5.t6',
        type: 'intrusion',
        occurredAt: '2026-11-23T08:00:00+08:00',
        severity: '1',
        lon: 119.2968,
        lat: 26.0935,
        description: '东门区域入侵',
      },
    });
    const device = event('<AlarmPriority>4</AlarmPriority><AlarmMethod>2</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime><Longitude>0.000</Longitude><Latitude>0.000</Latitude><Info><AlarmType>2</AlarmType></Info>');
    // 0/0: no position known — placed at the device; no description: the standard's name.
    expect(device).toMatchObject({ ok: true, event: { type: 'device_tamper', description: '设备防拆报警' } });
    expect(device.ok && 'lon' in device.event).toBe(false);
    expect(event(`${ALARM}<Info><AlarmType>6</AlarmType><AlarmTypeParam><EventType>2</EventType></AlarmTypeParam></Info>`)).toMatchObject({ event: { description: '入侵检测报警（离开区域）' } });
    expect(event('<AlarmPriority>2</AlarmPriority><AlarmMethod>6</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime>')).toMatchObject({ event: { type: 'device_fault' } });
    expect(event('<AlarmPriority>2</AlarmPriority><AlarmMethod>25</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime><AlarmType>2</AlarmType>')).toMatchObject({ event: { type: 'motion_detection' } });
    expect(event('<AlarmPriority>2</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime><Info><AlarmType>42</AlarmType></Info>')).toMatchObject({ event: { type: 'video_alarm_42' } });
  });

  it('refuses what is not an alarm, or lacks what an alarm needs, with the reason', () => {
    const refused = (fields: string, cmdType = 'Alarm') => {
      const [read] = readNotifies(notify(fields).replace('<CmdType>Alarm</CmdType>', `<CmdType>${cmdType}</CmdType>`))!;
      const result = alarmEvent(ok(read));
      return result.ok ? 'accepted' : `${result.code}: ${en(result.message)}`;
    };
    expect(refused(ALARM, 'Keepalive')).toMatch(/^not_alarm: .*Keepalive/);
    expect(refused(ALARM.replace('<AlarmMethod>5</AlarmMethod>', '<AlarmMethod>9</AlarmMethod>'))).toMatch(/^invalid_alarm: AlarmMethod/);
    expect(refused(ALARM.replace('2026-11-23T08:00:00', '昨天'))).toMatch(/^invalid_alarm: AlarmTime/);
    expect(refused('<AlarmMethod>5</AlarmMethod><AlarmTime>2026-11-23T08:00:00</AlarmTime>')).toMatch(/no <AlarmPriority>/);
    expect(refused(`${ALARM}<Longitude>东经</Longitude><Latitude>26</Latitude>`)).toMatch(/Longitude\/Latitude must be numbers/);
  });
});
