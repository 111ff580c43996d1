/**
 * Alarm priority, as GB/T 28181-2016 defines it for alarm notifications (AlarmPriority): 1 is
 * 一级警情, the most serious, down to 4, 四级警情. A device event's `severity` follows it, and
 * an incident opened from events carries the most serious priority among them.
 *
 * Platforms and people write it in several ways; these are read as:
 *
 * | priority | accepted |
 * |---|---|
 * | 1 | 1, "1", 一级, 一级警情, 1级, 特别重大, 紧急, 高, high, urgent, critical |
 * | 2 | 2, "2", 二级, 二级警情, 2级, 重大, 重要, 中, medium, major |
 * | 3 | 3, "3", 三级, 三级警情, 3级, 较大, 一般, 低, low, minor |
 * | 4 | 4, "4", 四级, 四级警情, 4级, 提示, 轻微, info, informational |
 *
 * Before this scale (stored data up to migration 012) `severity` was 1 (lowest) … 5 (highest);
 * the migration maps it onto this one (5 → 1, 4 → 2, 3 → 3, 2 and 1 → 4) and renames the
 * column to `priority`, so that nothing reads an old value with the new meaning.
 */
export const ALARM_PRIORITIES = [1, 2, 3, 4] as const;
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number];

/** When an event says nothing: 三级, the middle of the scale, as the old default (3 of 1–5) was. */
export const DEFAULT_PRIORITY: AlarmPriority = 3;

const WORDS: Record<AlarmPriority, string[]> = {
  1: ['一级', '一级警情', '1级', '特别重大', '紧急', '高', 'high', 'urgent', 'critical'],
  2: ['二级', '二级警情', '2级', '重大', '重要', '中', 'medium', 'major'],
  3: ['三级', '三级警情', '3级', '较大', '一般', '低', 'low', 'minor'],
  4: ['四级', '四级警情', '4级', '提示', '轻微', 'info', 'informational'],
};

export function isAlarmPriority(value: unknown): value is AlarmPriority {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/** A priority as sent (number, digits or words), or undefined when it is none of the above. */
export function parseAlarmPriority(value: unknown): AlarmPriority | undefined {
  if (isAlarmPriority(value)) return value;
  if (typeof value !== 'string') return undefined;
  const key = value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');
  if (/^[1-4]$/.test(key)) return Number(key) as AlarmPriority;
  for (const priority of ALARM_PRIORITIES) if (WORDS[priority].includes(key)) return priority;
  return undefined;
}
