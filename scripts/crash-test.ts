/**
 * Crash safety: nothing acknowledged is ever lost.
 *
 * Starts the real service (`node --import tsx server/main.ts`) on a fresh database — embedded in
 * a temporary folder, or a new database on the server named by DATABASE_URL — registers a
 * sensor, sends device events at a steady rate (small batches, one after another, several
 * rounds), kills the service with SIGKILL in the middle of the stream, restarts it, and checks
 * that every event whose batch was acknowledged (200) is stored, each exactly once; then
 * re-sends everything and checks that nothing is stored twice. The service is given a random
 * GRIDGOV_ADMIN_KEY, which every request sends (the API refuses requests without a key).
 *
 *   npx tsx scripts/crash-test.ts [--rounds 3] [--seconds 4]
 *   DATABASE_URL=postgres://… npx tsx scripts/crash-test.ts
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openStore } from '../server/db/connect.js';
import { throwawayDatabase } from './bench/throwaway-store.js';
import { startInstance } from './bench/service.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '4' } } });
const ROUNDS = Number(values.rounds);
const STREAM_MS = Number(values.seconds) * 1000;
const BATCH = 20;
const DEVICE = 'crash-test-sensor';
const log = (message: string) => process.stderr.write(`[crash-test] ${message}\n`);
// Stored by the first start; later starts find it stored already and keep it.
const ADMIN_KEY = randomBytes(32).toString('hex');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` };

/** The service on a free port, with the demo and this run's admin key. */
const start = (env: Record<string, string>) => startInstance({ ...env, GRIDGOV_DEMO: '1' }, ADMIN_KEY, 180_000);

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const database = await throwawayDatabase('crash', process.env.DATABASE_URL);
const acknowledged = new Set<string>();
const sent: Record<string, unknown>[] = [];
let next = 0;
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const { child, url } = await start(database.env);
    if (round === 1) {
      const device = await fetch(`${url}/api/devices`, {
        method: 'POST',
        headers,
        // In the first demo grid (东街示范社区一), so its events open incidents there.
        body: JSON.stringify({ id: DEVICE, kind: 'sensor', sensorType: 'smoke', name: '崩溃测试烟感', lon: 119.2955, lat: 26.0885 }),
      });
      if (device.status !== 201) throw new Error(`registering the sensor: ${device.status} ${await device.text()}`);
    }
    // Stream until the kill; requests in flight when it lands may or may not have been stored,
    // but none of them was acknowledged, so none is counted.
    let killed = false;
    const stream = (async () => {
      while (!killed) {
        const batch = Array.from({ length: BATCH }, () => ({
          deviceId: DEVICE,
          eventId: `e-${next++}`,
          type: 'smoke_alarm',
          occurredAt: new Date().toISOString(),
          severity: 3,
        }));
        sent.push(...batch);
        try {
          const response = await fetch(`${url}/api/feeds/events`, { method: 'POST', headers, body: JSON.stringify({ events: batch }) });
          if (response.status === 200) {
            const report = (await response.json()) as { accepted: number };
            if (report.accepted !== BATCH) throw new Error(`a batch was only partly accepted: ${JSON.stringify(report)}`);
            for (const event of batch) acknowledged.add(event.eventId as string);
          } else {
            // Anything but 200 from a live service (a 401 for a key it lost, say) would leave
            // nothing acknowledged and the check below passing on nothing.
            throw new Error(`POST /api/feeds/events: ${response.status} ${await response.text()}`);
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, STREAM_MS * (0.5 + Math.random())));
    killed = true;
    await kill9(child);
    await stream;
    log(`round ${round}: SIGKILL after ${acknowledged.size} acknowledged events (${sent.length} sent)`);
  }

  // Restart once more: the service must come up on what the kills left, and accept re-sends as duplicates.
  const { child, url } = await start(database.env);
  const resend = await fetch(`${url}/api/feeds/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ events: [...acknowledged].slice(0, 1000).map((eventId) => sent.find((e) => e.eventId === eventId)) }),
  });
  const report = (await resend.json()) as { accepted: number; duplicates: number };
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));

  const store = await openStore(database.options);
  const rows = await store.db.selectFrom('device_events').select('event_id').where('device_id', '=', DEVICE).execute();
  await store.close();
  const stored = new Set(rows.map((row) => row.event_id));
  const lost = [...acknowledged].filter((id) => !stored.has(id));
  const twice = rows.length - stored.size;
  console.log(
    `crash test (${process.env.DATABASE_URL ? 'postgres' : 'embedded'}): ${ROUNDS} SIGKILLs, ${sent.length} events sent, ${acknowledged.size} acknowledged, ` +
      `${stored.size} stored, ${lost.length} acknowledged but lost, ${twice} stored twice; re-send of ${Math.min(1000, acknowledged.size)}: ${report.accepted} accepted, ${report.duplicates} duplicates`,
  );
  if (acknowledged.size === 0 || lost.length > 0 || twice > 0 || report.accepted !== 0) {
    console.error(`FAILED: lost ${lost.slice(0, 10).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await database.drop();
}
