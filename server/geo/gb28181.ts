/**
 * GB/T 28181-2016 device and platform IDs (编码规则 A, appendix D): 20 decimal digits,
 *
 *   1–8   center code 中心编码: 2 province + 2 city + 2 district/county + 2 grassroots unit,
 *         the monitoring center's GB/T 2260 division code, zero-filled below its level
 *   9–10  industry code 行业编码
 *   11–13 type code 类型编码
 *   14    network code 网络标识
 *   15–20 serial number 序号
 *
 * Only the codes below are accepted as types: the standard's "extension" ranges (119–129,
 * 140–199, 212–214, 217–299) carry no meaning that a camera map could use. Some vendors
 * mark hybrid recorders (HVR) 119; the standard's code is 130, so 119 is refused.
 */
import { text, translate, type MessageKey, type Text } from '../i18n/catalogue.js';

export interface Gb28181Id {
  id: string;
  /** Digits 1–8. */
  centerCode: string;
  /** The 12-digit division code the center code implies (see `regionOfCenter`). */
  regionCode: string;
  regionLevel: Gb28181RegionLevel;
  industryCode: string;
  /** The standard's name for the industry; null for reserved codes (12–39, 56–99). */
  industryName: string | null;
  typeCode: string;
  typeKind: string;
  networkCode: string;
  network: Gb28181Network;
  serial: string;
  /** Types 131 (camera) and 132 (IPC): the IDs that have a field of view. */
  isCamera: boolean;
}

export type Gb28181RegionLevel = 'province' | 'city' | 'county';
export type Gb28181Network = 'monitoring-private' | 'public-security' | 'government' | 'internet' | 'social-resources';
export type Gb28181Result = { ok: true; value: Gb28181Id } | { ok: false; reason: Text };

/** GB/T 2260 province-level codes, including Taiwan (71), Hong Kong (81) and Macao (82). */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** Table D.2: government (00–11) and enterprise (40–55) industries; the rest are reserved. */
const INDUSTRY_NAMES: Readonly<Record<string, string>> = {
  '00': '社会治安路面接入',
  '01': '社会治安社区接入',
  '02': '社会治安内部接入',
  '03': '社会治安其他接入',
  '04': '交通路面接入',
  '05': '交通卡口接入',
  '06': '交通内部接入',
  '07': '交通其他接入',
  '08': '城市管理接入',
  '09': '卫生环保接入',
  '10': '商检海关接入',
  '11': '教育部门接入',
  '40': '农林牧渔业接入',
  '41': '采矿企业接入',
  '42': '制造企业接入',
  '43': '冶金企业接入',
  '44': '电力企业接入',
  '45': '燃气企业接入',
  '46': '建筑企业接入',
  '47': '物流企业接入',
  '48': '邮政企业接入',
  '49': '信息企业接入',
  '50': '住宿和餐饮业接入',
  '51': '金融企业接入',
  '52': '房地产业接入',
  '53': '商务服务业接入',
  '54': '水利企业接入',
  '55': '娱乐企业接入',
};

/**
 * Table D.3: front-end main devices (111–130), front-end peripherals (131–139), platform devices
 * (200–216). Their names, in Chinese and English, are catalogue texts `gb28181.kind.<code>`.
 */
const TYPE_CODES: ReadonlySet<string> = new Set(['111', '112', '113', '114', '115', '116', '117', '118', '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '200', '201', '202', '203', '204', '205', '206', '207', '208', '209', '210', '211', '215', '216']);

/** The standard's name of a device or platform type, in the reader's language. */
export function typeKindText(typeCode: string): Text {
  return text(`gb28181.kind.${typeCode}` as MessageKey);
}

const CAMERA_TYPES = new Set(['131', '132']);

/** Network digit 0–8; 9 is reserved and refused. Digits 0–4 all mean the monitoring private network. */
const NETWORKS: readonly Gb28181Network[] = [
  'monitoring-private', 'monitoring-private', 'monitoring-private', 'monitoring-private', 'monitoring-private',
  'public-security', 'government', 'internet', 'social-resources',
];

/** Exactly 20 ASCII digits: the shape of an ID, before any of its parts are checked. */
export function isGb28181Shaped(id: string): boolean {
  return /^[0-9]{20}$/.test(id);
}

/**
 * The division a center code stands for. Its grassroots-unit digits (7–8) name a unit, not a
 * division, so they never deepen the level: `35010201` is still county 350102.
 */
function regionOfCenter(centerCode: string): { code: string; level: Gb28181RegionLevel } | { problem: Text } {
  const province = centerCode.slice(0, 2);
  const city = centerCode.slice(2, 4);
  const district = centerCode.slice(4, 6);
  if (!PROVINCE_CODES.has(province)) return { problem: text('gb28181.province', { province }) };
  if (city === '00' && district !== '00') return { problem: text('gb28181.district_without_city', { district }) };
  if (city === '00') return { code: province.padEnd(12, '0'), level: 'province' };
  if (district === '00') return { code: (province + city).padEnd(12, '0'), level: 'city' };
  return { code: (province + city + district).padEnd(12, '0'), level: 'county' };
}

/** Splits and checks a GB/T 28181 ID; the reason names the first part that is wrong. */
export function parseGb28181Id(id: string): Gb28181Result {
  if (!isGb28181Shaped(id)) return { ok: false, reason: text('gb28181.not_20_digits', { id }) };
  const centerCode = id.slice(0, 8);
  const industryCode = id.slice(8, 10);
  const typeCode = id.slice(10, 13);
  const networkCode = id.slice(13, 14);

  const region = regionOfCenter(centerCode);
  if ('problem' in region) return { ok: false, reason: text('gb28181.center', { center: centerCode, problem: region.problem }) };
  if (!TYPE_CODES.has(typeCode)) return { ok: false, reason: text('gb28181.type', { type: typeCode }) };
  // In English for the API's typeKind (a machine reads it); messages name it with typeKindText.
  const typeKind = translate(typeKindText(typeCode), 'en');
  const network = NETWORKS[Number(networkCode)];
  if (network === undefined) return { ok: false, reason: text('gb28181.network', { network: networkCode }) };

  return {
    ok: true,
    value: {
      id,
      centerCode,
      regionCode: region.code,
      regionLevel: region.level,
      industryCode,
      industryName: INDUSTRY_NAMES[industryCode] ?? null,
      typeCode,
      typeKind,
      networkCode,
      network,
      serial: id.slice(14),
      isCamera: CAMERA_TYPES.has(typeCode),
    },
  };
}
