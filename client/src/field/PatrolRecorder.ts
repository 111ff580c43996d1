/**
 * Records a patrol while the page is open: GPS fixes from watchPosition, the poor ones dropped
 * (accuracy worse than 60 m, or standing still), cut into pieces every 30 s or 100 fixes; each
 * piece starts where the last ended and goes to the outbox (kept in localStorage until sent,
 * idempotent on `<walk id>:<piece>`), so a dropped connection loses nothing.
 */
import type { Outbox } from '../lite/outbox.js';
import { clientId } from '../lite/http.js';
import { positionError } from '../lite/geolocation.js';

interface Fix {
  lon: number;
  lat: number;
  t: number;
}

export interface PatrolState {
  running: boolean;
  startedAt: number | null;
  metres: number;
  fixes: number;
  pieces: number;
  error: string | null;
}

const MAX_ACCURACY_M = 60;
const MIN_STEP_M = 3;
const PIECE_MS = 30_000;
const PIECE_FIXES = 100;

function metres(a: Fix, b: Fix): number {
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.hypot(x, y) * 6_371_008.8;
}

export class PatrolRecorder {
  private watch: number | undefined;
  private walk = '';
  private piece: Fix[] = [];
  private last: Fix | undefined;
  private pieceStarted = 0;
  private wakeLock: { release(): Promise<void> } | undefined;
  private state: PatrolState = { running: false, startedAt: null, metres: 0, fixes: 0, pieces: 0, error: null };
  private readonly listeners = new Set<(state: PatrolState) => void>();

  constructor(private readonly outbox: Outbox) {}

  onChange(listener: (state: PatrolState) => void): void {
    this.listeners.add(listener);
    listener(this.state);
  }

  start(): void {
    if (this.state.running) return;
    if (!('geolocation' in navigator)) return this.update({ error: '此浏览器无法定位' });
    this.walk = clientId('walk');
    this.piece = [];
    this.last = undefined;
    this.pieceStarted = Date.now();
    this.update({ running: true, startedAt: Date.now(), metres: 0, fixes: 0, pieces: 0, error: null });
    this.watch = navigator.geolocation.watchPosition((p) => this.fix(p), (e) => this.update({ error: positionError(e) }), { enableHighAccuracy: true, maximumAge: 5_000, timeout: 60_000 });
    // Keep the screen on while patrolling, where the browser allows it.
    (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock
      ?.request('screen')
      .then((lock) => (this.wakeLock = lock))
      .catch(() => undefined);
  }

  stop(): void {
    if (!this.state.running) return;
    if (this.watch !== undefined) navigator.geolocation.clearWatch(this.watch);
    this.watch = undefined;
    this.send();
    void this.wakeLock?.release().catch(() => undefined);
    this.wakeLock = undefined;
    this.update({ running: false });
  }

  private fix(position: GeolocationPosition): void {
    if (position.coords.accuracy > MAX_ACCURACY_M) return;
    const fix = { lon: position.coords.longitude, lat: position.coords.latitude, t: Math.max(position.timestamp, (this.last?.t ?? 0) + 1) };
    if (this.last && metres(this.last, fix) < MIN_STEP_M && fix.t - this.last.t < 60_000) return;
    const step = this.last ? metres(this.last, fix) : 0;
    this.last = fix;
    this.piece.push(fix);
    this.update({ metres: this.state.metres + step, fixes: this.state.fixes + 1, error: null });
    if (this.piece.length >= PIECE_FIXES || Date.now() - this.pieceStarted >= PIECE_MS) this.send();
  }

  /** The fixes so far as one piece, into the outbox; the next piece starts at its last fix. */
  private send(): void {
    this.pieceStarted = Date.now();
    if (this.piece.length < 2) return;
    const fixes = this.piece;
    this.piece = [fixes[fixes.length - 1]!];
    const number = this.state.pieces;
    this.outbox.add({
      id: `${this.walk}:${number}`,
      path: '/api/patrols',
      label: `巡查轨迹第 ${number + 1} 段`,
      json: { clientId: `${this.walk}:${number}`, crs: 'wgs84', track: { type: 'LineString', coordinates: fixes.map((f) => [f.lon, f.lat]) }, times: fixes.map((f) => new Date(f.t).toISOString()) },
    });
    this.update({ pieces: number + 1 });
  }

  private update(change: Partial<PatrolState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener(this.state);
  }
}
