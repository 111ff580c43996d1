/**
 * The rules for a new API key's fields, shared by POST /api/keys and `npm run keys -- create` so
 * that a key the CLI accepts is one the API would accept too. Pure: it returns the first problem
 * instead of throwing, and each caller says it its own way (a 400, or exit status 2). Messages
 * name a field by the caller's label for it (`role` in JSON, `--role` on the command line).
 */
import { isRole, ROLES, type Role } from './roles.js';

export const MAX_KEY_NAME = 100;
export const MAX_KEY_DEVICES = 10_000;
export const MAX_DEVICE_ID = 64;

export interface NewKey {
  name: string;
  role: Role;
  regionCode: string | null;
  deviceIds: string[] | null;
  /** A worker key's staff member. */
  staffId: number | null;
}

type Field = keyof NewKey;

export type NewKeyCheck = { ok: true; value: NewKey } | { ok: false; field: Field; message: string };

const JSON_LABELS: Record<Field, string> = { name: 'name', role: 'role', regionCode: 'regionCode', deviceIds: 'deviceIds', staffId: 'staffId' };

/** Checks the fields as given (absent: undefined or null); returns the key to make, or the first problem. */
export function checkNewKey(given: Record<Field, unknown>, labels: Record<Field, string> = JSON_LABELS): NewKeyCheck {
  const problem = (field: Field, message: string): NewKeyCheck => ({ ok: false, field, message });
  const { name, role, regionCode, deviceIds, staffId } = given;
  // The limit is on the name as stored, that is trimmed.
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > MAX_KEY_NAME) {
    return problem('name', `${labels.name} must be given: a non-empty text of at most ${MAX_KEY_NAME} characters`);
  }
  if (!isRole(role)) return problem('role', `${labels.role} must be one of ${ROLES.join(', ')}${role === undefined ? '' : `, got "${String(role)}"`}`);
  let region: string | null = null;
  if (regionCode !== undefined && regionCode !== null) {
    if (typeof regionCode !== 'string' || !/^\d{12}$/.test(regionCode)) {
      return problem('regionCode', `${labels.regionCode} must be a 12-digit region code, got "${String(regionCode)}"`);
    }
    region = regionCode;
  }
  const devices = deviceIds ?? null;
  const staff = staffId ?? null;
  if (role === 'worker') {
    // A worker's area is its staff member's grids: a region would only confuse it.
    if (region !== null) return problem('regionCode', `${labels.regionCode} does not apply to a worker key: it is scoped to its staff member's grids`);
    if (devices !== null) return problem('deviceIds', `${labels.deviceIds} belongs to device keys only (role device)`);
    const id = typeof staff === 'string' && /^\d{1,15}$/.test(staff) ? Number(staff) : staff;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      return problem('staffId', `a worker key needs ${labels.staffId}: the id of the staff member it stands for (a positive integer)${staff === null ? '' : `, got "${String(staff)}"`}`);
    }
    return { ok: true, value: { name: name.trim(), role, regionCode: null, deviceIds: null, staffId: id } };
  }
  if (staff !== null) return problem('staffId', `${labels.staffId} belongs to worker keys only (role worker)`);
  if (role !== 'device') {
    if (devices !== null) return problem('deviceIds', `${labels.deviceIds} belongs to device keys only (role device)`);
    return { ok: true, value: { name: name.trim(), role, regionCode: region, deviceIds: null, staffId: null } };
  }
  if (!Array.isArray(devices) || devices.length === 0) {
    return problem('deviceIds', `a device key needs ${labels.deviceIds}: the devices whose events it may send (1–${MAX_KEY_DEVICES} ids)`);
  }
  if (devices.length > MAX_KEY_DEVICES) return problem('deviceIds', `a device key has at most ${MAX_KEY_DEVICES} devices, got ${devices.length}`);
  const bad = devices.findIndex((id) => typeof id !== 'string' || id.length === 0 || id.length > MAX_DEVICE_ID);
  if (bad >= 0) return problem('deviceIds', `a device id is a text of 1–${MAX_DEVICE_ID} characters, got "${String(devices[bad])}"`);
  return { ok: true, value: { name: name.trim(), role, regionCode: region, deviceIds: [...new Set(devices as string[])], staffId: null } };
}
