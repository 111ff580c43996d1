/**
 * Who may do what. A key has one role; a role is a set of permissions; every endpoint asks for
 * one permission (server/http/authorize.ts). Scope — which part of the region tree a key may
 * touch — is separate (server/access/principal.ts).
 */

export const ROLES = ['admin', 'planner', 'dispatcher', 'viewer', 'integrator', 'device', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Read regions, grids, their history, tiles and OGC grid collections. */
  'grids:read',
  /** Create, edit and retire regions and grids; buildings; import; auto-division. */
  'grids:write',
  /** Read the standard-address registry and a grid's households. */
  'addresses:read',
  /** Import addresses. */
  'addresses:write',
  /** Coordinates and addresses → grid codes. */
  'locate',
  /** Read incidents, their history, heatmap, statistics and the live stream. */
  'incidents:read',
  /** Report incidents and move them through their states. */
  'incidents:write',
  /** File and follow requests through Open311 GeoReport v2. */
  'open311',
  /** Read cameras, sensors and their snapshots. */
  'devices:read',
  /** Register, edit and remove cameras and sensors. */
  'devices:write',
  /** Send device events (only for the key's own devices when it is a device key). */
  'feeds:write',
  /** Read grid staff (names, duties, grids), staffing gaps, patrol coverage, work logs and assessments. */
  'staff:read',
  /** Add, change and remove grid staff; import rosters. */
  'staff:write',
  /** Read staff phone numbers in full (personal data; others see them masked). */
  'staff:contact',
  /** Record patrols and visits (a worker key: its own only). */
  'fieldwork',
  /** Create and revoke keys; read the audit log. */
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEW: Permission[] = ['grids:read', 'addresses:read', 'locate', 'incidents:read', 'devices:read', 'staff:read'];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  planner: [...VIEW, 'grids:write', 'addresses:write'],
  // The command centre assigns cases to people and calls them: it keeps the roster and sees phones.
  dispatcher: [...VIEW, 'incidents:write', 'open311', 'devices:write', 'staff:write', 'staff:contact'],
  viewer: VIEW,
  // Hotline and partner systems: turn places into grid codes, and file requests through Open311.
  integrator: ['locate', 'open311'],
  device: ['feeds:write'],
  // A 网格员's phone (/m/): one staff member, scoped to the grids they hold (server/access/principal.ts).
  worker: ['grids:read', 'addresses:read', 'incidents:read', 'incidents:write', 'staff:read', 'fieldwork'],
};

const granted = new Map<Role, ReadonlySet<Permission>>(ROLES.map((role) => [role, new Set(GRANTS[role])]));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return granted.get(role)!.has(permission);
}

/** The roles that hold a permission (for error messages and documentation). */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => roleAllows(role, permission));
}
