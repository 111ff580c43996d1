/**
 * `npm start`: runs the service from its compiled bundle, dist/server/main.js, compiling it first
 * when it is missing or its sources changed. Plain JavaScript, so that no TypeScript loader has to
 * transpile ~200 modules at every start (that alone took 4–6 s on the 2-core development machine).
 *
 * The bundle holds gridgov's own modules (esbuild, packages left external, with a source map).
 * "Changed" is decided by a hash of every input the last build read (esbuild's metafile) and of
 * package-lock.json, stored in dist/server/build.json; a fresh clone has no bundle and compiles
 * in about a second. The bundle goes to a temporary file renamed into place, so two services
 * starting at once never load half a file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'server');
const bundle = path.join(outDir, 'main.js');
const stampFile = path.join(outDir, 'build.json');
const log = (message) => console.log(`[gridgov ${(performance.now() / 1000).toFixed(1)} s] ${message}`);

function hashOf(files) {
  const hash = createHash('sha256');
  for (const file of [...files, 'package-lock.json'].sort()) {
    hash.update(file).update('\0');
    try {
      hash.update(fs.readFileSync(path.join(root, file)));
    } catch {
      hash.update('missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

function staleReason() {
  if (!fs.existsSync(bundle)) return 'no compiled server yet';
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return 'the compiled server has no stamp';
  }
  if (!Array.isArray(stamp.inputs) || stamp.hash !== hashOf(stamp.inputs)) return 'the server sources changed';
  return undefined;
}

/**
 * Bundles: the service (main.js) and the worker threads' task module (tasks.js), which
 * server/workers/pool.ts finds beside itself with the workers' plain-JavaScript entry (bootstrap.mjs).
 */
export async function compileServer() {
  const started = performance.now();
  const { build } = await import('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  // Our modules bundled for Node 20; the packages stay in node_modules.
  const common = { absWorkingDir: root, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', metafile: true, logLevel: 'warning' };
  const workers = await build({ ...common, entryPoints: ['server/workers/tasks.ts'], outfile: path.join(outDir, 'tasks.js') });
  fs.copyFileSync(path.join(root, 'server', 'workers', 'bootstrap.mjs'), path.join(outDir, 'bootstrap.mjs'));
  const tmp = path.join(outDir, `.main-${process.pid}-${Date.now()}.js`);
  const result = await build({ ...common, entryPoints: ['server/main.ts'], outfile: tmp });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(workers.metafile.inputs), 'server/workers/bootstrap.mjs'])].filter(
    (file) => !file.startsWith('node_modules/'),
  );
  const text = fs.readFileSync(tmp, 'utf8').replace(path.basename(tmp) + '.map', 'main.js.map');
  fs.writeFileSync(tmp, text);
  fs.renameSync(`${tmp}.map`, `${bundle}.map`);
  fs.renameSync(tmp, bundle);
  fs.writeFileSync(stampFile, `${JSON.stringify({ hash: hashOf(inputs), inputs, builtAt: new Date().toISOString() }, null, 1)}\n`);
  return performance.now() - started;
}

async function main() {
  const reason = staleReason();
  if (reason) {
    log(`compiling the server (${reason}) …`);
    const ms = await compileServer();
    log(`server compiled in ${(ms / 1000).toFixed(1)} s → dist/server`);
  }
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error('[gridgov] start-up failed:', error);
    process.exit(1);
  });
}
