/**
 * The demo feed: while the demo area is loaded, its cameras and sensors keep reporting, through
 * the same ingest path as POST /api/feeds/events (FeedIngest: idempotency, grid snapping, the
 * merge window, incidents opened or updated), so the command centre's live stream, lights and
 * statistics move on their own. One event every `intervalMs` (default 20 s), from a device
 * chosen at random, of a type that device reports.
 *
 * Started by main.ts only when the demo's devices are in the database (never without the demo
 * data) and GRIDGOV_DEMO_FEED is not 0.
 */
import type { FeedIngest, IngestReport } from '../services/feed-ingest.js';

export interface FeedDevice {
  id: string;
  kind: 'camera' | 'sensor';
  sensorType: string | null;
}

/** Event types a camera's video analytics report, most common first (duplicates weight them). */
const CAMERA_TYPES = ['illegal_parking', 'illegal_parking', 'garbage', 'garbage', 'crowd', 'street_vending', 'loitering', 'intrusion'];
const SENSOR_TYPES: Record<string, string> = { smoke: 'smoke_alarm', water_level: 'water_level', manhole_cover: 'manhole_cover', gas: 'gas_leak', air: 'air_quality', door: 'door_open' };

export class DemoFeed {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  /** The event being ingested, if any (a stop waits for it). */
  private inFlight: Promise<IngestReport | undefined> | undefined;

  constructor(
    private readonly ingest: Pick<FeedIngest, 'ingest'>,
    private readonly devices: FeedDevice[],
    private readonly intervalMs: number,
    private readonly log: (message: string) => void,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.timer || this.devices.length === 0) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sending; resolves once the event being ingested, if any, is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Sends one event (skipped while the previous one is still being ingested). */
  tick(): Promise<IngestReport | undefined> {
    if (this.inFlight) return Promise.resolve(undefined);
    this.inFlight = this.send().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async send(): Promise<IngestReport | undefined> {
    try {
      const device = this.devices[Math.floor(this.random() * this.devices.length)];
      const type = device.kind === 'camera' ? CAMERA_TYPES[Math.floor(this.random() * CAMERA_TYPES.length)] : SENSOR_TYPES[device.sensorType ?? ''] ?? 'door_open';
      const event = {
        deviceId: device.id,
        eventId: `demo-${Date.now().toString(36)}-${(++this.sent).toString(36)}`,
        type,
        occurredAt: new Date().toISOString(),
        severity: 3,
      };
      const report = await this.ingest.ingest([event], 'wgs84');
      if (report.rejected > 0) this.log(`demo feed: event refused: ${JSON.stringify(report.results[0])}`);
      return report;
    } catch (error) {
      this.log(`demo feed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
