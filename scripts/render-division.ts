/**
 * npx tsx scripts/render-division.ts proposal.geojson out.png [barriers.geojson …] [--buildings b.geojson] [--focus 012]
 * Draws a proposal (grids coloured, numbers, flags in red) over its barriers, for looking at;
 * with --focus, only the neighbourhood of one grid (by number), larger.
 */
import fs from 'node:fs';
import sharp from 'sharp';
import type { FeatureCollection, Position } from 'geojson';

const args = process.argv.slice(2);
const [proposalFile, outFile] = args;
const buildingsAt = args.indexOf('--buildings');
const buildingsFile = buildingsAt >= 0 ? args[buildingsAt + 1] : undefined;
const focusAt = args.indexOf('--focus');
const focus = focusAt >= 0 ? args[focusAt + 1] : undefined;
const barrierFiles = args.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as FeatureCollection;
const proposal = read(proposalFile);

const all: Position[] = [];
for (const f of proposal.features) {
  if (focus && f.properties?.number !== focus) continue;
  const g = f.geometry as { type: string; coordinates: Position[][] | Position[][][] };
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];
  for (const p of polys) all.push(...p[0]);
}
// Around a focused grid: 150 m on every side.
const margin = focus ? 150 / 111_000 : 0;
const extent = (i: number, pick: (a: number, b: number) => number) => all.reduce((m, p) => pick(m, p[i]), all[0][i]);
const [minX, maxX] = [extent(0, Math.min) - margin, extent(0, Math.max) + margin];
const [minY, maxY] = [extent(1, Math.min) - margin, extent(1, Math.max) + margin];
const kx = Math.cos(((minY + maxY) / 2) * (Math.PI / 180));
const W = 1400;
const scale = W / ((maxX - minX) * kx);
const H = Math.round((maxY - minY) * scale);
const xy = ([x, y]: Position) => `${((x - minX) * kx * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`;
const path = (rings: Position[][]) => rings.map((r) => `M${r.map(xy).join('L')}Z`).join('');
const palette = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#d9d9d9', '#bc80bd', '#ccebc5', '#ffed6f'];

let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>`;
proposal.features.forEach((f, i) => {
  const g = f.geometry as { type: string; coordinates: Position[][] | Position[][][] };
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];
  const flagged = ((f.properties?.flags as unknown[]) ?? []).length > 0;
  svg += `<path d="${polys.map(path).join('')}" fill="${palette[i % palette.length]}" fill-opacity="0.7" fill-rule="evenodd" stroke="${flagged ? '#d00' : '#222'}" stroke-width="${flagged ? 2.5 : 1.5}"/>`;
});
if (buildingsFile) {
  for (const f of read(buildingsFile).features) {
    const g = f.geometry as { type: string; coordinates: Position[][] | Position[][][] };
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') continue;
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];
    svg += `<path d="${polys.map(path).join('')}" fill="#555" fill-opacity="0.6"/>`;
  }
}
const colours: Record<string, string> = { major_road: '#c00', minor_road: '#e80', path: '#999', rail: '#000', river: '#06c', water: '#06c', ridge: '#6a3' };
for (const file of barrierFiles) {
  for (const f of read(file).features) {
    const g = f.geometry as { type: string; coordinates: unknown };
    const kind = String(f.properties?.kind);
    const lines: Position[][] =
      g.type === 'LineString' ? [g.coordinates as Position[]] : g.type === 'MultiLineString' || g.type === 'Polygon' ? (g.coordinates as Position[][]) : g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]).flat() : [];
    for (const line of lines) {
      svg += `<polyline points="${line.map(xy).join(' ')}" fill="none" stroke="${colours[kind] ?? '#888'}" stroke-width="${kind === 'major_road' ? 1.6 : 0.8}" stroke-dasharray="${kind === 'path' ? '3,3' : ''}"/>`;
    }
  }
}
for (const f of proposal.features) {
  const g = f.geometry as { type: string; coordinates: Position[][] | Position[][][] };
  const ring = ((g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][])[0][0];
  const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const [x, y] = xy([cx, cy]).split(',');
  svg += `<text x="${x}" y="${y}" font-size="14" font-family="sans-serif" text-anchor="middle" fill="#000">${f.properties?.number}·${f.properties?.households}</text>`;
}
svg += '</svg>';
await sharp(Buffer.from(svg)).png().toFile(outFile);
console.log(`${outFile}: ${W}×${H}`);
