/**
 * CRS recognition and the CGCS2000 Gauss–Krüger zones, checked against values computed
 * independently: PROJ 9 (cs2cs, GDAL 3.6) from the EPSG registry, and proj4 with definition
 * strings written here from the EPSG parameters (GRS80 = the CGCS2000 ellipsoid).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { CrsError, guessProjection, projectionByName, projectionFromPrj, type XY } from '../../server/geo/projection.js';
import { toWgs84 } from '../../server/geo/crs.js';
import { en } from '../support/i18n.js';

const prjDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'transfer', 'prj');
const prj = (name: string) => fs.readFileSync(path.join(prjDir, name), 'utf8');

/** Metres between two lon/lat points (equirectangular; fine at these distances). */
function metres([lon1, lat1]: XY, [lon2, lat2]: XY): number {
  const dx = (lon2 - lon1) * 111_320 * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const dy = (lat2 - lat1) * 110_574;
  return Math.hypot(dx, dy);
}

/** lon/lat → easting/northing by `cs2cs EPSG:4490 EPSG:<code>` (PROJ 9.1, GDAL 3.6.2). */
const CONTROL: { epsg: number; lonLat: XY; en: XY; what: string }[] = [
  { epsg: 4528, lonLat: [119.3, 26.08], en: [40429964.059346, 2885885.750117], what: 'Fuzhou, 3° zone 40 (CM 120°E), prefixed' },
  { epsg: 4549, lonLat: [119.3, 26.08], en: [429964.059346, 2885885.750117], what: 'Fuzhou, 3° CM 120°E, no prefix' },
  { epsg: 4498, lonLat: [119.3, 26.08], en: [20730152.74031, 2887729.216317], what: 'Fuzhou, 6° zone 20 (CM 117°E), prefixed' },
  { epsg: 4510, lonLat: [119.3, 26.08], en: [129656.725908, 2890959.480661], what: 'Fuzhou, 6° CM 123°E, no prefix (far west of its CM)' },
  { epsg: 4546, lonLat: [119.3, 26.08], en: [1332209.289841, 2912320.615727], what: 'Fuzhou in the CM 111°E zone (8° off: still the same maths)' },
  { epsg: 4527, lonLat: [116.397, 39.909], en: [39448439.045343, 4419599.03409], what: 'Beijing, 3° zone 39' },
  { epsg: 4494, lonLat: [87.6, 43.8], en: [16065407.037015, 4865796.795948], what: 'Urumqi, 6° zone 16 (CM 93°E)' },
  { epsg: 4509, lonLat: [114.3, 30.5], en: [240756.038227, 3378643.366657], what: 'Wuhan, 6° CM 117°E' },
  { epsg: 3857, lonLat: [119.3, 26.08], en: [13280415.251638, 3008992.664549], what: 'Web Mercator' },
];

describe('CGCS2000 Gauss–Krüger and Web Mercator against PROJ control values', () => {
  for (const { epsg, lonLat, en, what } of CONTROL) {
    it(`EPSG:${epsg} — ${what}`, () => {
      const projection = projectionByName(`EPSG:${epsg}`);
      expect(projection.epsg).toBe(epsg);
      const [x, y] = projection.fromWgs84(...lonLat);
      expect(Math.abs(x - en[0])).toBeLessThan(0.001);
      expect(Math.abs(y - en[1])).toBeLessThan(0.001);
      const back = projection.toWgs84(...en);
      expect(metres(back, lonLat)).toBeLessThan(0.001);
      // Round trip through our own forward and inverse: < 1 cm.
      expect(metres(projection.toWgs84(x, y), lonLat)).toBeLessThan(0.01);
    });
  }

  it('agrees with proj4 given definition strings written from the EPSG parameters', () => {
    const cases: [number, string][] = [
      [4528, '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=40500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4513, '+proj=tmerc +lat_0=0 +lon_0=75 +k=1 +x_0=25500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4533, '+proj=tmerc +lat_0=0 +lon_0=135 +k=1 +x_0=45500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4534, '+proj=tmerc +lat_0=0 +lon_0=75 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4554, '+proj=tmerc +lat_0=0 +lon_0=135 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4491, '+proj=tmerc +lat_0=0 +lon_0=75 +k=1 +x_0=13500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4501, '+proj=tmerc +lat_0=0 +lon_0=135 +k=1 +x_0=23500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4502, '+proj=tmerc +lat_0=0 +lon_0=75 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
      [4512, '+proj=tmerc +lat_0=0 +lon_0=135 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'],
    ];
    for (const [epsg, definition] of cases) {
      const ours = projectionByName(String(epsg));
      const cm = Number(/lon_0=(\d+)/.exec(definition)![1]);
      for (const lonLat of [[cm - 1.2, 25.5], [cm + 0.7, 41.2], [cm, 18.3]] as XY[]) {
        const expected = proj4('EPSG:4326', definition, lonLat);
        const actual = ours.fromWgs84(...lonLat);
        expect(Math.hypot(actual[0] - expected[0], actual[1] - expected[1]), `EPSG:${epsg} at ${lonLat}`).toBeLessThan(0.001);
        expect(metres(ours.toWgs84(...actual), lonLat)).toBeLessThan(0.01);
      }
    }
  });

  it('takes CGCS2000 geographic as WGS84 and converts GCJ-02 / BD-09 as server/geo/crs.ts does', () => {
    expect(projectionByName('cgcs2000').toWgs84(119.3, 26.08)).toEqual([119.3, 26.08]);
    expect(projectionByName('EPSG:4490').epsg).toBe(4490);
    expect(projectionByName('gcj02').toWgs84(119.3, 26.08)).toEqual(toWgs84(119.3, 26.08, 'gcj02'));
    expect(projectionByName('BD-09').toWgs84(119.3, 26.08)).toEqual(toWgs84(119.3, 26.08, 'bd09'));
  });
});

describe('CRS by name or code', () => {
  it('reads EPSG codes in their usual spellings and GK zone names', () => {
    for (const name of ['EPSG:4528', '4528', 'epsg:4528', 'urn:ogc:def:crs:EPSG::4528', 'http://www.opengis.net/def/crs/EPSG/0/4528', 'CGCS2000_3_Degree_GK_Zone_40', 'CGCS2000 / 3-degree Gauss-Kruger zone 40']) {
      expect(projectionByName(name).epsg, name).toBe(4528);
    }
    expect(projectionByName('CGCS2000_3_Degree_GK_CM_117E').epsg).toBe(4548);
    expect(projectionByName('CGCS_2000_3_Degree_GK_CM_117E').epsg).toBe(4548);
    expect(projectionByName('CGCS2000_GK_Zone_20').epsg).toBe(4498);
    expect(projectionByName('CGCS2000 / Gauss-Kruger CM 117E').epsg).toBe(4509);
    expect(projectionByName('wgs84').epsg).toBe(4326);
    expect(projectionByName('CRS84').epsg).toBe(4326);
    expect(projectionByName('EPSG:3857').epsg).toBe(3857);
  });

  it('refuses what it does not know, and the old datums with the reason', () => {
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as CrsError;
      }
      throw new Error('no error');
    };
    expect(error(() => projectionByName('EPSG:2000')).code).toBe('invalid_crs');
    expect(error(() => projectionByName('EPSG:4555')).message).toMatch(/not supported/);
    expect(error(() => projectionByName('mars2000')).code).toBe('invalid_crs');
    const xian = error(() => projectionByName('Xian_1980_3_Degree_GK_Zone_40'));
    expect(xian.code).toBe('unsupported_crs');
    expect(xian.message).toMatch(/Xian 1980.*tens of metres/);
  });
});

describe('CRS from a .prj', () => {
  it('recognises the ESRI names of CGCS2000 GK zones (as ArcGIS and GDAL write them)', () => {
    const zone40 = prj('epsg4548-esri.prj')
      .replace('CGCS2000_3_Degree_GK_CM_117E', 'CGCS2000_3_Degree_GK_Zone_40')
      .replace('"Central_Meridian",117.0', '"Central_Meridian",120.0')
      .replace('"False_Easting",500000.0', '"False_Easting",40500000.0');
    expect(projectionFromPrj(zone40).epsg).toBe(4528);
    expect(projectionFromPrj(prj('epsg4548-esri.prj')).epsg).toBe(4548);
    const renamed = prj('epsg4548-esri.prj').replace('CGCS2000_3_Degree_GK_CM_117E', 'CGCS_2000_3_Degree_GK_CM_117E');
    expect(projectionFromPrj(renamed).epsg).toBe(4548);
  });

  it('takes the EPSG code of OGC WKT1 (AUTHORITY) and WKT2 (ID)', () => {
    expect(projectionFromPrj(prj('epsg4528-wkt1-gdal.prj')).epsg).toBe(4528);
    expect(projectionFromPrj(prj('epsg4528-wkt2.prj')).epsg).toBe(4528);
    expect(projectionFromPrj(prj('wgs84-wkt1-gdal.prj')).epsg).toBe(4326);
    expect(projectionFromPrj(prj('cgcs2000-esri.prj')).epsg).toBe(4490);
    expect(projectionFromPrj(prj('webmercator-esri.prj')).epsg).toBe(3857);
  });

  it('falls back on the parameters: a GK zone under another name, and other transverse Mercators', () => {
    const custom = prj('epsg4548-esri.prj')
      .replace('CGCS2000_3_Degree_GK_CM_117E', '福州市2000坐标系')
      .replace('"False_Easting",500000.0', '"False_Easting",40500000.0')
      .replace('"Central_Meridian",117.0', '"Central_Meridian",120.0');
    expect(projectionFromPrj(custom).epsg).toBe(4528);
    // A local grid (false northing, other CM): no EPSG code, still exact.
    const local = custom.replace('"False_Northing",0.0', '"False_Northing",-2000000.0').replace('"Central_Meridian",120.0', '"Central_Meridian",119.5');
    const projection = projectionFromPrj(local);
    expect(projection.epsg).toBeNull();
    const definition = '+proj=tmerc +lat_0=0 +lon_0=119.5 +k=1 +x_0=40500000 +y_0=-2000000 +ellps=GRS80 +units=m +no_defs';
    const [x, y] = proj4('EPSG:4326', definition, [119.3, 26.08]);
    expect(metres(projection.toWgs84(x, y), [119.3, 26.08])).toBeLessThan(0.01);
    // UTM zone 50N on WGS84 (k = 0.9996).
    const utm = projectionFromPrj(prj('utm50n-esri.prj'));
    const [ux, uy] = proj4('EPSG:4326', '+proj=utm +zone=50 +datum=WGS84 +units=m +no_defs', [117.2, 31.8]);
    expect(metres(utm.toWgs84(ux, uy), [117.2, 31.8])).toBeLessThan(0.01);
  });

  it('refuses Xian 1980 and Beijing 1954, and names what it cannot read', () => {
    for (const name of ['xian80-gk-cm114-esri.prj', 'beijing54-gk-cm117-esri.prj']) {
      expect(() => projectionFromPrj(prj(name))).toThrow(/Beijing 1954 or Xian 1980/);
    }
    expect(() => projectionFromPrj('PROJCS["x",GEOGCS')).toThrow(/not well-formed WKT/);
    expect(() => projectionFromPrj('')).toThrow(/empty/);
    const lambert = prj('epsg4548-esri.prj').replace('CGCS2000_3_Degree_GK_CM_117E', 'Asia_Lambert').replace('Gauss_Kruger', 'Lambert_Conformal_Conic');
    expect(() => projectionFromPrj(lambert)).toThrow(/Lambert_Conformal_Conic/);
  });
});

describe('guessing a CRS from coordinates without a .prj', () => {
  it('takes degrees as WGS84', () => {
    expect(guessProjection([[119.3, 26.08]]).projection.epsg).toBe(4326);
  });

  it('takes an 8-digit easting as the GK zone of its prefix, and says so', () => {
    const guess = guessProjection([[40429964.06, 2885885.75], [40430464.06, 2885885.75]]);
    expect(guess.projection.epsg).toBe(4528);
    expect(en(guess.assumption)).toMatch(/zone prefix 40/);
    expect(en(guess.assumption)).toMatch(/Xian 1980/);
    expect(guessProjection([[20730152.74, 2887729.22]]).projection.epsg).toBe(4498); // 6° zone 20
    expect(guessProjection([[12608045.53, 2647747.53]]).projection.epsg).toBe(3857); // Guangzhou, Web Mercator
  });

  it('refuses to guess what cannot be told apart', () => {
    expect(() => guessProjection([[429964.06, 2885885.75]])).toThrow(/without a zone prefix/);
    expect(() => guessProjection([[2885885.75, 40429964.06]])).toThrow(/swapped/);
    expect(() => guessProjection([[40429964.06, 2885885.75], [39448439.05, 4419599.03]])).toThrow(/different zone prefixes/);
    // x = 13.9e6, y = 4.87e6 is Web Mercator near Dandong and also GK 6° zone 13 in Xinjiang.
    expect(() => guessProjection([[13900000, 4870000]])).toThrow(/more than one CRS/);
  });
});
