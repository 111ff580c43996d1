/**
 * A GB/T 28181-2016 alarm notification → a device event, as POST /api/feeds/events takes it.
 *
 * - AlarmPriority (1 = 一级警情, the most serious … 4) is the event's severity.
 * - AlarmMethod says how the alarm was raised: 1 电话报警 telephone, 2 设备报警 device,
 *   3 短信报警 SMS, 4 GPS 报警, 5 视频报警 video (analytics), 6 设备故障报警 device fault,
 *   7 其他报警 other; several digits combine methods ("25"). AlarmType (under Info) then names
 *   the kind, by method (table below); EventType (AlarmTypeParam) says, for intrusion, whether
 *   the target entered (1) or left (2) the area.
 * - AlarmTime is local time without a zone in practice ("2026-11-23T08:00:00"): it is China
 *   time (UTC+8), as the standard's platforms keep it; a time with a zone is taken as written.
 * - Longitude/Latitude are where the alarm happened when the device knows; 0/0 means it does
 *   not (the event is then placed at the device).
 * - AlarmDescription becomes the incident's description.
 * - The event id (idempotency: the same notification sent again is a duplicate) is built from
 *   SN, AlarmTime, method and type: an SN alone repeats after a device restarts.
 */
import { text, type Text } from '../i18n/catalogue.js';
import type { AlarmNotify } from '../formats/manscdp.js';

/** The event type gridgov gives each (method, AlarmType), with the standard's name for it. */
const ALARM_TYPES: Record<string, Record<string, { type: string; name: string }>> = {
  // 设备报警
  '2': {
    '1': { type: 'video_loss', name: '视频丢失报警' },
    '2': { type: 'device_tamper', name: '设备防拆报警' },
    '3': { type: 'disk_full', name: '存储设备磁盘满报警' },
    '4': { type: 'device_high_temperature', name: '设备高温报警' },
    '5': { type: 'device_low_temperature', name: '设备低温报警' },
  },
  // 视频报警
  '5': {
    '1': { type: 'manual_video_alarm', name: '人工视频报警' },
    '2': { type: 'motion_detection', name: '运动目标检测报警' },
    '3': { type: 'left_object', name: '遗留物检测报警' },
    '4': { type: 'object_removal', name: '物体移除检测报警' },
    '5': { type: 'tripwire', name: '绊线检测报警' },
    '6': { type: 'intrusion', name: '入侵检测报警' },
    '7': { type: 'wrong_way', name: '逆行检测报警' },
    '8': { type: 'loitering', name: '徘徊检测报警' },
    '9': { type: 'flow_count', name: '流量统计报警' },
    '10': { type: 'crowd_density', name: '密度检测报警' },
    '11': { type: 'video_anomaly', name: '视频异常检测报警' },
    '12': { type: 'fast_moving', name: '快速移动报警' },
  },
  // 设备故障报警
  '6': {
    '1': { type: 'disk_fault', name: '存储设备磁盘故障报警' },
    '2': { type: 'fan_fault', name: '存储设备风扇故障报警' },
  },
};

/** Each method's own event type, when the notification names no AlarmType. */
const METHODS: Record<string, { type: string; name: string }> = {
  '1': { type: 'telephone_alarm', name: '电话报警' },
  '2': { type: 'device_alarm', name: '设备报警' },
  '3': { type: 'sms_alarm', name: '短信报警' },
  '4': { type: 'gps_alarm', name: 'GPS报警' },
  '5': { type: 'video_alarm', name: '视频报警' },
  '6': { type: 'device_fault', name: '设备故障报警' },
  '7': { type: 'other_alarm', name: '其他报警' },
};

const INTRUSION_EVENT: Record<string, string> = { '1': '进入区域', '2': '离开区域' };

/** China time: what a GB/T 28181 time without a zone is. */
const CHINA_OFFSET = '+08:00';

export interface AlarmEvent {
  deviceId: string;
  eventId: string;
  type: string;
  occurredAt: string;
  severity: string;
  lon?: number;
  lat?: number;
  description: string;
}

export type AlarmEventResult = { ok: true; event: AlarmEvent } | { ok: false; code: string; message: Text };

const refuse = (message: Text): AlarmEventResult => ({ ok: false, code: 'invalid_alarm', message });

/** `2026-11-23T08:00:00` (or with a space, fractions, a zone) → ISO 8601 with a zone, China time when none. */
export function alarmTimeIso(raw: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/.exec(raw.trim());
  if (!match) return undefined;
  const iso = `${match[1]}T${match[2]}${match[3] ?? ''}${match[4] ?? CHINA_OFFSET}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/**
 * The method whose AlarmType table applies: of combined methods ("25"), the first with a
 * table — video, then device, then fault — else the first digit.
 */
function typedMethod(methods: string[]): string {
  return ['5', '2', '6'].find((m) => methods.includes(m)) ?? methods[0];
}

/** The event a notification stands for, or why it cannot be one. */
export function alarmEvent(notify: AlarmNotify): AlarmEventResult {
  if (notify.cmdType.toLowerCase() !== 'alarm') return { ok: false, code: 'not_alarm', message: text('not_alarm', { cmdType: notify.cmdType || '—' }) };
  if (!notify.deviceId) return refuse(text('invalid_alarm.missing', { name: 'DeviceID' }));
  if (!notify.sn || !/^\d{1,10}$/.test(notify.sn)) return refuse(text('invalid_alarm.sn', { got: notify.sn ?? '—' }));
  if (!notify.alarmPriority) return refuse(text('invalid_alarm.missing', { name: 'AlarmPriority' }));
  if (!notify.alarmMethod || !/^[1-7]{1,7}$/.test(notify.alarmMethod)) return refuse(text('invalid_alarm.method', { got: notify.alarmMethod ?? '—' }));
  if (!notify.alarmTime) return refuse(text('invalid_alarm.missing', { name: 'AlarmTime' }));
  const occurredAt = alarmTimeIso(notify.alarmTime);
  if (!occurredAt) return refuse(text('invalid_alarm.time', { got: notify.alarmTime }));
  if (notify.alarmType !== undefined && !/^\d{1,3}$/.test(notify.alarmType)) return refuse(text('invalid_alarm.type', { got: notify.alarmType }));

  const methods = [...new Set(notify.alarmMethod.split(''))];
  const method = typedMethod(methods);
  const known = notify.alarmType === undefined ? undefined : ALARM_TYPES[method]?.[String(Number(notify.alarmType))];
  // A type the standard does not list for the method is kept, numbered, rather than refused: the
  // alarm still happened (the rules' fallback category takes it).
  const type = known?.type ?? (notify.alarmType === undefined ? METHODS[method].type : `${METHODS[method].type}_${Number(notify.alarmType)}`);
  const name = known?.name ?? METHODS[method].name;
  const entering = known?.type === 'intrusion' && notify.eventType ? INTRUSION_EVENT[notify.eventType] : undefined;

  const event: AlarmEvent = {
    deviceId: notify.deviceId,
    eventId: `sn${notify.sn}.${occurredAt.replace(/\D/g, '').slice(0, 14)}.m${notify.alarmMethod}${notify.alarmType !== undefined ? `.t${Number(notify.alarmType)}` : ''}`,
    type,
    occurredAt,
    severity: notify.alarmPriority,
    description: notify.alarmDescription ?? (entering ? `${name}（${entering}）` : name),
  };
  if (notify.longitude !== undefined || notify.latitude !== undefined) {
    const [lon, lat] = [Number(notify.longitude), Number(notify.latitude)];
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      return refuse(text('invalid_alarm.position', { lon: notify.longitude ?? '—', lat: notify.latitude ?? '—' }));
    }
    // 0/0: the device does not know where; the event is placed where the device is.
    if (lon !== 0 || lat !== 0) Object.assign(event, { lon, lat });
  }
  return { ok: true, event };
}
