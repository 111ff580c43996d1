/**
 * A year of events: device_events is partitioned by month (both backends: PGlite is PostgreSQL
 * 18, the server 15), months are made ahead and on demand, an event older than the retention
 * window is refused on its own, and expired months are dropped whole — their events and the
 * snapshots only they held go, incidents and their own snapshots stay.
 *
 * And the plan for more than one database server (docs/scale.md): every large table carries
 * its county code, the column a Citus cluster would distribute it by.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import request from 'supertest';
import sharp from 'sharp';
import { signedAs, useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { EventPartitions } from '../../server/jobs/event-partitions.js';
import { eventMonths } from '../../server/db/event-partitions.js';

const context = useTestService();
let now = new Date('2026-07-10T08:00:00Z');
const clock = { now: () => new Date(now) };
let api: ReturnType<typeof request>;
let partitions: EventPartitions;

beforeAll(async () => {
  await seedHalves(context);
  partitions = new EventPartitions(context.store.db, clock, 90);
  api = signedAs(createApp(context.store, defaultLimits, { clock, partitions }), context.adminKey);
  expect((await api.post('/api/devices').send({ id: 'smoke-1', kind: 'sensor', sensorType: 'smoke', name: '烟感1', lon: 114.301, lat: 30.501 })).status).toBe(201);
});

describe('device_events by month', () => {
  it('is one partitioned table with a partition a month, made ahead and for late events', async () => {
    const { rows } = await sql<{ relkind: string }>`SELECT relkind FROM pg_class WHERE relname = 'device_events'`.execute(context.store.db);
    expect(rows[0].relkind).toBe('p');
    await partitions.maintain();
    const months = await eventMonths(context.store.db);
    // From the start of the 90-day window to two months ahead.
    expect(months[0]).toBe('2026-04-01');
    expect(months).toContain('2026-09-01');
  });

  it('refuses an event older than the window on its own; keeps the rest', async () => {
    const jpeg = (await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer()).toString('base64');
    const response = await api.post('/api/feeds/events').send({
      events: [
        { deviceId: 'smoke-1', eventId: 'old', type: 'smoke_alarm', occurredAt: '2026-03-01T00:00:00Z', severity: 3 },
        { deviceId: 'smoke-1', eventId: 'april', type: 'smoke_alarm', occurredAt: '2026-04-20T00:00:00Z', severity: 3, snapshot: jpeg },
        { deviceId: 'smoke-1', eventId: 'july', type: 'smoke_alarm', occurredAt: '2026-07-10T07:00:00Z', severity: 3, snapshot: jpeg },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['event_expired', 'accepted', 'accepted']);
  });

  it('drops whole months once they leave the window; incidents and their snapshots stay', async () => {
    const db = context.store.db;
    const incidentsBefore = (await db.selectFrom('incidents').select('id').execute()).length;
    const april = await db.selectFrom('device_events').select(['incident_id', 'media_id']).where('event_id', '=', 'april').executeTakeFirstOrThrow();
    // An incident's own snapshot is kept; give the April incident none, so that April's snapshot is the event's alone.
    await db.updateTable('incidents').set({ media_id: null }).where('id', '=', april.incident_id!).execute();
    now = new Date('2026-08-15T00:00:00Z'); // 90 days back: 2026-05-17; April has left the window
    const dropped = await partitions.maintain();
    expect(dropped).toContain('2026-04-01');
    expect(await eventMonths(db)).not.toContain('2026-04-01');
    const left = await db.selectFrom('device_events').select('event_id').execute();
    expect(left.map((r) => r.event_id)).toEqual(['july']);
    expect((await db.selectFrom('incidents').select('id').execute()).length).toBe(incidentsBefore);
    expect(await db.selectFrom('media').select('id').where('id', '=', april.media_id!).executeTakeFirst()).toBeUndefined();
    // The July incident keeps its snapshot, thumbnail made after the answer (on request if not yet).
    const july = await db.selectFrom('device_events').select('incident_id').where('event_id', '=', 'july').executeTakeFirstOrThrow();
    const incident = (await api.get(`/api/incidents/${july.incident_id}`)).body;
    expect((await api.get(`/api/media/${incident.mediaId}?size=thumb`)).headers['content-type']).toBe('image/webp');
  });
});

describe('the county code on every large table', () => {
  // The tables that grow with the territory, the devices or time (docs/scale.md: co-located
  // distributed tables of a Citus cluster). Regions, keys and categories stay small (reference tables).
  const LARGE = ['grids', 'grid_versions', 'buildings', 'addresses', 'reference_lines', 'devices', 'incidents', 'device_events'];

  it('is a column of each, filled from the codes the rows carry', async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns WHERE column_name = 'county_code' AND table_schema = current_schema()`.execute(context.store.db);
    const have = new Set(rows.map((r) => r.table_name));
    expect(LARGE.filter((t) => !have.has(t))).toEqual([]);
    const grid = await sql<{ county_code: string }>`SELECT county_code FROM grids LIMIT 1`.execute(context.store.db);
    expect(grid.rows[0].county_code).toBe(tree.county.code.slice(0, 6));
    const event = await sql<{ county_code: string }>`SELECT county_code FROM device_events LIMIT 1`.execute(context.store.db);
    expect(event.rows[0].county_code).toBe(tree.county.code.slice(0, 6));
  });
});
