/**
 * Embedded backend: create PostGIS and run the migrations once, dump the data folder, and let
 * every test file start from that dump (≈3 s) instead of creating PostGIS cold (≈10 s).
 * Server backend (DATABASE_URL set): each test file makes its own database, so nothing here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPGlite } from '../../server/db/connect.js';
import { openStoreOn } from './store.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templatePath: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    console.log(`[test] backend: postgres (${process.env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})`);
    project.provide('templatePath', '');
    return;
  }
  console.log('[test] backend: embedded (PGlite + PostGIS); building the template database');
  const pglite = await openPGlite({});
  const store = await openStoreOn(pglite);
  const dump = await pglite.dumpDataDir('none');
  await store.close();
  const templatePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-test-')), 'template.tar');
  fs.writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('templatePath', templatePath);
  return () => fs.rmSync(path.dirname(templatePath), { recursive: true, force: true });
}
