/**
 * The division as it was before issue 14 (greedy grouping, major roads hard, a dual carriageway
 * two lines, no improvement phase), for `npm run bench:division` to compare against: the
 * server/geo tree of commit PREVIOUS_COMMIT, taken from git into node_modules/.cache once and
 * imported from there. Nothing of it is copied into the source tree.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The last commit of the previous method. */
export const PREVIOUS_COMMIT = 'e133834';

type Run = (input: unknown) => Promise<{ proposal: { features: { properties: { flags: unknown[] } }[] }; metrics: { runtimeMs: number } }>;
type Parse = (body: Record<string, unknown>, area: unknown) => { value?: unknown; problems?: { message: string }[] };

export async function previousMethod(): Promise<{ parse: Parse; run: Run }> {
  const dir = path.resolve('node_modules', '.cache', `gridgov-division-${PREVIOUS_COMMIT}`);
  if (!fs.existsSync(path.join(dir, 'geo', 'divide', 'run.ts'))) {
    fs.mkdirSync(dir, { recursive: true });
    execSync(`git archive --format=tar ${PREVIOUS_COMMIT} server/geo | tar -x -C ${JSON.stringify(dir)} --strip-components=1`);
  }
  const input = await import(pathToFileURL(path.join(dir, 'geo', 'divide', 'input.ts')).href);
  const run = await import(pathToFileURL(path.join(dir, 'geo', 'divide', 'run.ts')).href);
  return { parse: input.parseDivisionInput as Parse, run: run.runDivision as Run };
}
