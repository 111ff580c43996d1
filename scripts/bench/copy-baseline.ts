/**
 * The ingest benchmarks' baseline: stored device events written again with COPY … FROM STDIN
 * (pg-copy-streams) into a plain table with the same key — the database's own pace for storing
 * those rows. Shared by bench:ingest and bench:scale so that both compare with the same thing.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The stored events matching `where` (SQL over device_events), one COPY text line each (tab-separated, \N for null). */
export function storedAsCopyText(where = 'TRUE'): string {
  return `
  SELECT concat_ws(E'\\t', device_id, event_id, type, priority, occurred_at, received_at, geom::text,
                   coalesce(grid_code, '\\N'), coalesce(incident_id::text, '\\N'), coalesce(media_id::text, '\\N')) AS line
  FROM device_events WHERE ${where}`;
}

export const COPY_TABLE = 'CREATE TABLE bench_copy (LIKE device_events INCLUDING DEFAULTS EXCLUDING GENERATED, PRIMARY KEY (device_id, event_id))';
export const COPY_INTO = 'COPY bench_copy (device_id, event_id, type, priority, occurred_at, received_at, geom, grid_code, incident_id, media_id)';

/** On a server database: read the rows, then time their COPY (in one transaction) into bench_copy. */
export async function copyRowsServer(url: string, where = 'TRUE'): Promise<{ rows: number; ms: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(storedAsCopyText(where));
    await client.query(COPY_TABLE);
    const text = rows.map((r) => r.line).join('\n') + '\n';
    const t = performance.now();
    await client.query('BEGIN');
    await pipeline(Readable.from([text]), client.query(copyFrom(`${COPY_INTO} FROM STDIN`)));
    await client.query('COMMIT');
    return { rows: rows.length, ms: performance.now() - t };
  } finally {
    await client.end();
  }
}
