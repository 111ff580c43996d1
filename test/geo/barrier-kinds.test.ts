import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { otherTags, readBarrierKind } from '../../server/geo/barrier-kinds.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/barrier-kinds/${name}.geojson`, import.meta.url), 'utf8')) as FeatureCollection;

/** Each feature's reading, short: the barrier kind, `skip:<label>` or `unknown:<label>`. */
const readings = (name: string) =>
  fixture(name).features.map((f) => {
    const r = readBarrierKind(f.properties);
    return 'kind' in r ? r.kind : 'skip' in r ? `skip:${r.label}` : `unknown:${r.label}`;
  });

describe('readBarrierKind', () => {
  it('reads Tilezen/Nextzen kinds: roads, rail and water as barriers; ferries, construction, pools and fountains skipped', () => {
    expect(readings('tilezen')).toEqual([
      'major_road', 'major_road', 'minor_road', 'path', 'rail', 'major_road',
      'skip:construction', 'skip:ferry', 'river', 'river', 'water', 'water', 'water', 'skip:swimming_pool', 'skip:fountain',
    ]);
  });

  it('reads OpenStreetMap tags as ogr2ogr exports them, other_tags included', () => {
    expect(readings('osm-gdal')).toEqual([
      'major_road', 'major_road', 'minor_road', 'minor_road', 'path', 'skip:highway=construction',
      'river', 'river', 'rail', 'skip:railway=abandoned', 'water', 'skip:natural=wood', 'water', 'wall', 'skip:barrier=hedge', 'ridge',
      'skip:route=ferry', 'skip:aerialway=cable_car',
    ]);
  });

  it('reads the words of Chinese survey files', () => {
    expect(readings('chinese')).toEqual(['major_road', 'major_road', 'minor_road', 'path', 'rail', 'river', 'water', 'water', 'ridge', 'wall', 'skip:轮渡']);
  });

  it('reads the stored reference lines’ vocabulary (a road without class is major, as stored lines are)', () => {
    expect(readings('stored-lines')).toEqual(['major_road', 'minor_road', 'path', 'major_road', 'rail', 'river', 'ridge', 'water']);
  });

  it('refuses what nobody knows, naming it: a typo in kind or in a closed OSM key, a road class, or nothing at all', () => {
    expect(readBarrierKind({ kind: 'majr_road' })).toEqual({ unknown: true, label: 'majr_road', value: 'majr_road' });
    expect(readBarrierKind({ highway: 'primay' })).toMatchObject({ unknown: true, label: 'highway=primay' });
    expect(readBarrierKind({ kind: 'road', class: 'huge' })).toMatchObject({ unknown: true, label: 'road class=huge' });
    expect(readBarrierKind({ name: '解放路' })).toMatchObject({ unknown: true, label: 'kind', value: undefined });
    expect(readBarrierKind(null)).toMatchObject({ unknown: true, label: 'kind' });
  });

  it('reads values whatever their case and spacing; kind wins over OSM tags', () => {
    expect(readBarrierKind({ kind: ' Major_Road ' })).toMatchObject({ kind: 'major_road' });
    expect(readBarrierKind({ kind: 'path', highway: 'primary' })).toMatchObject({ kind: 'path' });
  });

  it('parses ogr2ogr other_tags, quotes escaped', () => {
    expect(otherTags('"railway"=>"rail","name:en"=>"Line \\"2\\""')).toEqual({ railway: 'rail', 'name:en': 'Line \\"2\\"' });
    expect(otherTags(undefined)).toEqual({});
  });
});

describe('parseDivisionInput with barriers from an OSM-derived file', () => {
  it('counts what it skips by value; a label point naming a barrier kind is told apart', async () => {
    const { parseDivisionInput } = await import('../../server/geo/divide/input.js');
    const area = { type: 'Polygon', coordinates: [[[114.38, 30.49], [114.4, 30.49], [114.4, 30.51], [114.38, 30.51], [114.38, 30.49]]] };
    const parsed = parseDivisionInput({ barriers: fixture('tilezen') }, area);
    expect(parsed.problems).toBeUndefined();
    // 15 features: 4 skipped (construction, ferry, swimming_pool, fountain); the subway is in a tunnel.
    expect(parsed.value!.barriers.map((b) => b.kind)).toEqual(['major_road', 'major_road', 'minor_road', 'path', 'major_road', 'river', 'river', 'water', 'water', 'water']);
    expect(parsed.value!.skippedBarriers).toEqual({ count: 4, byValue: { construction: 1, ferry: 1, swimming_pool: 1, fountain: 1 } });
    const label = { type: 'Feature', properties: { kind: 'water', label_placement: true }, geometry: { type: 'Point', coordinates: [114.39, 30.5] } };
    expect(parseDivisionInput({ barriers: { type: 'FeatureCollection', features: [label] } }, area).value!.skippedBarriers).toEqual({ count: 1, byValue: { 'water (Point)': 1 } });
  });
});
