/**
 * The rules for a new API key's fields, shared by POST /api/keys and `npm run keys -- create` so
 * that a key the CLI accepts is one the API would accept too. Pure: it returns the first problem
 * instead of throwing, and each caller says it its own way (a 400, or exit status 2). Messages
 * name a field by the caller's label for it (`role` in JSON, `--role` on the command line).
 */
import { isRole, ROLES, type Role } from './roles.js';
import { text, type Text } from '../i18n/catalogue.js';

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

export type NewKeyCheck = { ok: true; value: NewKey } | { ok: false; field: Field; message: Text };

const JSON_LABELS: Record<Field, string> = { name: 'name', role: 'role', regionCode: 'regionCode', deviceIds: 'deviceIds', staffId: 'staffId' };

/** Checks the fields as given (absent: undefined or null); returns the key to make, or the first problem. */
export function checkNewKey(given: Record<Field, unknown>, labels: Record<Field, string> = JSON_LABELS): NewKeyCheck {
  const problem = (field: Field, message: Text): NewKeyCheck => ({ ok: false, field, message });
  const { name, role, regionCode, deviceIds, staffId } = given;
  // The limit is on the name as stored, that is trimmed.
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > MAX_KEY_NAME) {
    return problem('name', text('new_key.name', { label: labels.name, max: MAX_KEY_NAME }));
  }
  if (!isRole(role)) {
    return problem('role', text('new_key.role', { label: labels.role, allowed: ROLES, got: role === undefined ? '' : text('new_key.got', { value: String(role) }) }));
  }
  let region: string | null = null;
  if (regionCode !== undefined && regionCode !== null) {
    if (typeof regionCode !== 'string' || !/^\d{12}$/.test(regionCode)) {
      return problem('regionCode', text('new_key.region', { label: labels.regionCode, got: String(regionCode) }));
    }
    region = regionCode;
  }
  const devices = deviceIds ?? null;
  const staff = staffId ?? null;
  if (role === 'worker') {
    // A worker's area is its staff member's grids: a region would only confuse it.
    if (region !== null) return problem('regionCode', text('new_key.worker_region', { label: labels.regionCode }));
    if (devices !== null) return problem('deviceIds', text('new_key.devices_only', { label: labels.deviceIds }));
    const id = typeof staff === 'string' && /^\d{1,15}$/.test(staff) ? Number(staff) : staff;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      return problem('staffId', text(staff === null ? 'new_key.worker_staff' : 'new_key.worker_staff_got', { label: labels.staffId, got: String(staff) }));
    }
    return { ok: true, value: { name: name.trim(), role, regionCode: null, deviceIds: null, staffId: id } };
  }
  if (staff !== null) return problem('staffId', text('new_key.staff_only_worker', { label: labels.staffId }));
  if (role !== 'device') {
    if (devices !== null) return problem('deviceIds', text('new_key.devices_only', { label: labels.deviceIds }));
    return { ok: true, value: { name: name.trim(), role, regionCode: region, deviceIds: null, staffId: null } };
  }
  if (!Array.isArray(devices) || devices.length === 0) {
    return problem('deviceIds', text('new_key.devices_needed', { label: labels.deviceIds, max: MAX_KEY_DEVICES }));
  }
  if (devices.length > MAX_KEY_DEVICES) return problem('deviceIds', text('new_key.devices_many', { max: MAX_KEY_DEVICES, count: devices.length }));
  const bad = devices.findIndex((id) => typeof id !== 'string' || id.length === 0 || id.length > MAX_DEVICE_ID);
  if (bad >= 0) return problem('deviceIds', text('new_key.device_id', { max: MAX_DEVICE_ID, got: String(devices[bad]) }));
  return { ok: true, value: { name: name.trim(), role, regionCode: region, deviceIds: [...new Set(devices as string[])], staffId: null } };
}
