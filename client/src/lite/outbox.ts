/**
 * Things the phone must not lose when the connection drops (patrol pieces, visits): kept in
 * localStorage until the server has them, sent in order, again on every reconnect. Each item
 * carries its own idempotency id (clientId), so a piece that reached the server before the
 * connection dropped is not stored twice when it is sent again.
 */
import { ApiError } from '../api-error';
import { isOffline, type LiteApi } from './http.js';

export interface OutboxItem {
  id: string;
  path: string;
  json: unknown;
  /** What the user sees in the queue. */
  label: string;
  tries: number;
}

export interface OutboxState {
  pending: number;
  /** Items the server refused (4xx): not retried, shown to the user. */
  refused: { label: string; message: string }[];
  sending: boolean;
}

export class Outbox {
  private items: OutboxItem[];
  private readonly refused: OutboxState['refused'] = [];
  private sending = false;
  private readonly listeners = new Set<(state: OutboxState) => void>();

  constructor(
    private readonly api: LiteApi,
    private readonly storageKey: string,
  ) {
    this.items = this.load();
    window.addEventListener('online', () => void this.flush());
    setInterval(() => void this.flush(), 20_000);
  }

  onChange(listener: (state: OutboxState) => void): void {
    this.listeners.add(listener);
    listener(this.state());
  }

  state(): OutboxState {
    return { pending: this.items.length, refused: [...this.refused], sending: this.sending };
  }

  add(item: Omit<OutboxItem, 'tries'>): void {
    this.items.push({ ...item, tries: 0 });
    this.save();
    void this.flush();
  }

  /** Sends what is queued, oldest first; stops at the first item that finds no connection. */
  async flush(): Promise<void> {
    if (this.sending || this.items.length === 0) return;
    this.sending = true;
    this.emit();
    try {
      while (this.items.length > 0) {
        const item = this.items[0]!;
        try {
          await this.api.call(item.path, { json: item.json });
        } catch (error) {
          if (isOffline(error) || (error instanceof ApiError && (error.status >= 500 || error.status === 429))) {
            item.tries++;
            this.save();
            break;
          }
          this.refused.push({ label: item.label, message: error instanceof Error ? error.message : String(error) });
        }
        this.items.shift();
        this.save();
        this.emit();
      }
    } finally {
      this.sending = false;
      this.emit();
    }
  }

  private load(): OutboxItem[] {
    try {
      const stored = JSON.parse(localStorage.getItem(this.storageKey) ?? '[]') as unknown;
      return Array.isArray(stored) ? (stored as OutboxItem[]) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(this.items));
    } catch {
      // Storage full: what is in memory is still sent while the page is open.
    }
  }

  private emit(): void {
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }
}
