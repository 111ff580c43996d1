/**
 * Word between instances on one PostgreSQL: LISTEN/NOTIFY. A notification is sent by the
 * database when the transaction that raised it commits (migration 015's trigger on api_keys
 * raises `gridgov_keys` when a key is revoked — through the API, the CLI or plain SQL), and
 * reaches every instance listening within milliseconds.
 *
 * One dedicated connection listens (a pooled one would be handed to queries); when it drops it
 * is opened again, and every handler is called once as if everything had changed, since
 * notifications sent meanwhile are lost.
 */
import pg from 'pg';

export type SignalChannel = 'gridgov_keys';
const CHANNELS: readonly SignalChannel[] = ['gridgov_keys'];
const RECONNECT_MS = 1000;

export class Signals {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<SignalChannel, Set<(payload: string | undefined) => void>>();
  private closed = false;

  private constructor(private readonly databaseUrl: string) {}

  /** Listens on the server at `databaseUrl`; resolves once listening. */
  static async listen(databaseUrl: string): Promise<Signals> {
    const signals = new Signals(databaseUrl);
    await signals.connect();
    return signals;
  }

  on(channel: SignalChannel, handler: (payload: string | undefined) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
  }

  private emit(channel: SignalChannel, payload: string | undefined) {
    for (const handler of this.handlers.get(channel) ?? []) handler(payload);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if ((CHANNELS as readonly string[]).includes(message.channel)) this.emit(message.channel as SignalChannel, message.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  private reconnect(dead: pg.Client) {
    if (this.closed || this.client !== dead) return;
    this.client = undefined;
    const retry = () =>
      this.connect()
        .then(() => {
          // Whatever was sent while nobody listened is lost: everyone looks again.
          for (const channel of CHANNELS) this.emit(channel, undefined);
        })
        .catch(() => !this.closed && setTimeout(retry, RECONNECT_MS).unref());
    setTimeout(retry, RECONNECT_MS).unref();
  }
}
