/**
 * Migrations, in order. Listed here rather than read from the folder so that they work the
 * same under tsx, vitest and a bundler.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './001_initial.js';
import * as divisions from './002_divisions.js';
import * as buildings from './003_buildings.js';
import * as gridEpoch from './004_grid_epoch.js';
import * as addresses from './005_addresses.js';
import * as devicesIncidents from './006_devices_incidents.js';
import * as access from './007_access.js';
import * as referenceLines from './008_reference_lines.js';
import * as alarmPriority from './012_alarm_priority.js';
import * as householdsAndPhotos from './013_households_and_photos.js';
import * as staff from './014_staff.js';
import * as scaleOut from './015_scale_out.js';
import * as bulkIncidentAudit from './016_bulk_incident_audit.js';
import * as countBuckets from './017_count_buckets.js';
import * as referenceLineWalls from './021_reference_line_walls.js';

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_divisions': divisions,
  '003_buildings': buildings,
  '004_grid_epoch': gridEpoch,
  '005_addresses': addresses,
  '006_devices_incidents': devicesIncidents,
  '007_access': access,
  '008_reference_lines': referenceLines,
  '012_alarm_priority': alarmPriority,
  '013_households_and_photos': householdsAndPhotos,
  '014_staff': staff,
  '015_scale_out': scaleOut,
  '016_bulk_incident_audit': bulkIncidentAudit,
  '017_count_buckets': countBuckets,
  '021_reference_line_walls': referenceLineWalls,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
