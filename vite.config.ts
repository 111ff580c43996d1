/**
 * The web client (client/) → dist/client, which express serves at /. Built by
 * `npm run build:client`, and by `npm start` when the build is missing or stale
 * (scripts/build-client.ts). No CDN: OpenLayers, turf and gcoord are bundled.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(root, 'client'),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist', 'client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // OpenLayers + turf are large; one chunk per library keeps the app chunk small to read.
    chunkSizeWarningLimit: 2000,
    // Three pages: the planner/command centre, and two small phone pages (网格员 /m/, 随手拍 /report)
    // that share none of the planner's libraries. One options object: Vite 8 bundles with
    // rolldown, and a rollupOptions beside rolldownOptions would be dropped.
    rolldownOptions: {
      input: {
        main: path.join(root, 'client', 'index.html'),
        field: path.join(root, 'client', 'm', 'index.html'),
        report: path.join(root, 'client', 'report', 'index.html'),
      },
      // Rolldown's timing report ([PLUGIN_TIMINGS]) is for whoever tunes the build, not for a user
      // watching `npm start`: it would land between gridgov's own start-up lines.
      checks: { bundlerTimings: false },
    },
  },
  server: {
    // `npx vite` for client work: the API comes from a running `npm start`.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
