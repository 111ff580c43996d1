/**
 * Coordinate reference systems of the files planners and survey bureaus deliver → functions to
 * WGS84 lon/lat (and back, for exports).
 *
 * Supported:
 * - WGS84 (EPSG:4326) and CGCS2000 geographic (EPSG:4490). CGCS2000 is taken as equal to WGS84:
 *   the two frames differ by well under 1 m in China (centimetres at current epochs), far below
 *   the digitising accuracy of a grid boundary.
 * - CGCS2000 Gauss–Krüger zones (tmerc, k = 1, CGCS2000 ellipsoid a = 6378137, 1/f = 298.257222101):
 *   3° zones 25–45 with the zone number prefixed to the false easting (EPSG:4513–4533:
 *   x0 = zone·1e6 + 500000, CM = 3·zone) and without it (EPSG:4534–4554: CM 75°–135°E by 3°,
 *   x0 = 500000); 6° zones 13–23 prefixed (EPSG:4491–4501: CM = 6·zone − 3) and not
 *   (EPSG:4502–4512: CM 75°–135°E by 6°).
 * - Any other transverse Mercator on a CGCS2000/WGS84 ellipsoid described by a .prj's
 *   parameters (e.g. UTM), and Web Mercator (EPSG:3857).
 * - GCJ-02 and BD-09 (server/geo/crs.ts, by name only: no .prj describes them).
 *
 * Refused: Beijing 1954 and Xian 1980 (Krassovsky / IAG-75 ellipsoids). Their offset from
 * CGCS2000 is tens to a hundred metres and needs local transformation parameters that a .prj
 * does not carry; converting with the wrong ones would put grids in the wrong street silently.
 */
import proj4 from 'proj4';
import { fromWgs84 as fromShifted, toWgs84 as toShifted } from './crs.js';
import { insideChinaExtent } from './validate.js';
import { shown, text as msg, TextError, type Text } from '../i18n/catalogue.js';

export type XY = [number, number];

export interface Projection {
  /** EPSG-style name, e.g. "CGCS2000 / 3-degree Gauss-Kruger zone 40". */
  name: string;
  /** The EPSG code, when the system has one (GCJ-02 and BD-09 do not). */
  epsg: number | null;
  projected: boolean;
  /** Source coordinates → WGS84 [lon, lat]. */
  toWgs84(x: number, y: number): XY;
  /** WGS84 [lon, lat] → source coordinates. */
  fromWgs84(lon: number, lat: number): XY;
  /** ESRI-flavoured WKT for a .prj (what ArcGIS, QGIS and GDAL write and read), where there is one. */
  prj?: string;
}

/** A CRS that cannot be recognised or is not supported; `code` becomes the API error code. */
export class CrsError extends TextError {
  constructor(
    readonly code: 'invalid_crs' | 'unknown_crs' | 'unsupported_crs' | 'crs_required',
    message: Text,
  ) {
    super(message);
    this.name = 'CrsError';
  }
}

/** The CGCS2000 ellipsoid (numerically the GRS80 one). */
const CGCS2000_ELLIPSOID = '+a=6378137 +rf=298.257222101';
const CGCS2000_GEOGRAPHIC = `+proj=longlat ${CGCS2000_ELLIPSOID} +no_defs`;
const WGS84_GEOGRAPHIC = '+proj=longlat +datum=WGS84 +no_defs';

const ESRI_CGCS2000_GEOGCS =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const ESRI_WGS84_GEOGCS =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const identity = (x: number, y: number): XY => [x, y];

export const WGS84: Projection = {
  name: 'WGS 84',
  epsg: 4326,
  projected: false,
  toWgs84: identity,
  fromWgs84: identity,
  prj: ESRI_WGS84_GEOGCS,
};

export const CGCS2000: Projection = {
  name: 'China Geodetic Coordinate System 2000 (taken as WGS 84, < 1 m)',
  epsg: 4490,
  projected: false,
  toWgs84: identity,
  fromWgs84: identity,
  prj: ESRI_CGCS2000_GEOGCS,
};

const WEB_MERCATOR: Projection = (() => {
  const converter = proj4(WGS84_GEOGRAPHIC, '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs');
  return {
    name: 'WGS 84 / Pseudo-Mercator',
    epsg: 3857,
    projected: true,
    toWgs84: (x, y) => converter.inverse([x, y]) as XY,
    fromWgs84: (lon, lat) => converter.forward([lon, lat]) as XY,
    prj: 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]',
  };
})();

function shifted(name: 'gcj02' | 'bd09'): Projection {
  return {
    name: name === 'gcj02' ? 'GCJ-02 (Amap, Tencent)' : 'BD-09 (Baidu)',
    epsg: null,
    projected: false,
    toWgs84: (x, y) => toShifted(x, y, name),
    fromWgs84: (lon, lat) => fromShifted(lon, lat, name),
  };
}

interface TransverseMercator {
  centralMeridian: number;
  falseEasting: number;
  falseNorthing: number;
  scale: number;
  latitudeOfOrigin: number;
  /** Metres per unit of the projected coordinates. */
  toMetre: number;
  /** proj4 ellipsoid parameters. */
  ellipsoid: string;
}

function transverseMercator(name: string, epsg: number | null, tm: TransverseMercator, prj?: string): Projection {
  const definition =
    `+proj=tmerc +lat_0=${tm.latitudeOfOrigin} +lon_0=${tm.centralMeridian} +k=${tm.scale} ` +
    `+x_0=${tm.falseEasting} +y_0=${tm.falseNorthing} ${tm.ellipsoid} +units=m +no_defs` +
    (tm.toMetre !== 1 ? ` +to_meter=${tm.toMetre}` : '');
  // The geographic side on the same ellipsoid: no datum step, CGCS2000 lon/lat = WGS84 lon/lat.
  const geographic = tm.ellipsoid === CGCS2000_ELLIPSOID ? CGCS2000_GEOGRAPHIC : `+proj=longlat ${tm.ellipsoid} +no_defs`;
  const converter = proj4(geographic, definition);
  return {
    name,
    epsg,
    projected: true,
    toWgs84: (x, y) => converter.inverse([x, y]) as XY,
    fromWgs84: (lon, lat) => converter.forward([lon, lat]) as XY,
    prj,
  };
}

interface GaussKruger {
  epsg: number;
  width: 3 | 6;
  centralMeridian: number;
  /** The zone number when it is prefixed to the false easting. */
  zone: number | null;
}

/** The CGCS2000 Gauss–Krüger zone of an EPSG code in 4491–4554, or undefined. */
function gaussKrugerOfEpsg(epsg: number): GaussKruger | undefined {
  if (epsg >= 4491 && epsg <= 4501) return { epsg, width: 6, zone: epsg - 4478, centralMeridian: 6 * (epsg - 4478) - 3 };
  if (epsg >= 4502 && epsg <= 4512) return { epsg, width: 6, zone: null, centralMeridian: 75 + 6 * (epsg - 4502) };
  if (epsg >= 4513 && epsg <= 4533) return { epsg, width: 3, zone: epsg - 4488, centralMeridian: 3 * (epsg - 4488) };
  if (epsg >= 4534 && epsg <= 4554) return { epsg, width: 3, zone: null, centralMeridian: 75 + 3 * (epsg - 4534) };
  return undefined;
}

/** The EPSG code of a CGCS2000 GK zone given as width and zone number (prefixed) or CM (not). */
export function gaussKrugerEpsg(width: 3 | 6, options: { zone: number } | { centralMeridian: number }): number | undefined {
  if ('zone' in options) {
    const { zone } = options;
    if (width === 3 && zone >= 25 && zone <= 45) return 4488 + zone;
    if (width === 6 && zone >= 13 && zone <= 23) return 4478 + zone;
    return undefined;
  }
  const cm = options.centralMeridian;
  if (width === 3 && cm >= 75 && cm <= 135 && cm % 3 === 0) return 4534 + (cm - 75) / 3;
  if (width === 6 && cm >= 75 && cm <= 135 && (cm - 75) % 6 === 0) return 4502 + (cm - 75) / 6;
  return undefined;
}

function gaussKrugerNames(gk: GaussKruger): { epsgName: string; esriName: string } {
  const three = gk.width === 3;
  if (gk.zone !== null) {
    return {
      epsgName: `CGCS2000 / ${three ? '3-degree ' : ''}Gauss-Kruger zone ${gk.zone}`,
      esriName: `CGCS2000_${three ? '3_Degree_' : ''}GK_Zone_${gk.zone}`,
    };
  }
  return {
    epsgName: `CGCS2000 / ${three ? '3-degree ' : ''}Gauss-Kruger CM ${gk.centralMeridian}E`,
    esriName: `CGCS2000_${three ? '3_Degree_' : ''}GK_CM_${gk.centralMeridian}E`,
  };
}

function gaussKruger(gk: GaussKruger): Projection {
  const falseEasting = (gk.zone ?? 0) * 1e6 + 500_000;
  const { epsgName, esriName } = gaussKrugerNames(gk);
  const prj =
    `PROJCS["${esriName}",${ESRI_CGCS2000_GEOGCS},PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${falseEasting.toFixed(1)}],` +
    `PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${gk.centralMeridian.toFixed(1)}],PARAMETER["Scale_Factor",1.0],` +
    `PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
  return transverseMercator(
    epsgName,
    gk.epsg,
    { centralMeridian: gk.centralMeridian, falseEasting, falseNorthing: 0, scale: 1, latitudeOfOrigin: 0, toMetre: 1, ellipsoid: CGCS2000_ELLIPSOID },
    prj,
  );
}

/** A projection by EPSG code, or undefined when the code is not one gridgov supports. */
export function projectionOfEpsg(epsg: number): Projection | undefined {
  if (epsg === 4326) return WGS84;
  if (epsg === 4490) return CGCS2000;
  if (epsg === 3857 || epsg === 900913 || epsg === 102100 || epsg === 102113) return WEB_MERCATOR;
  const gk = gaussKrugerOfEpsg(epsg);
  return gk ? gaussKruger(gk) : undefined;
}

const SUPPORTED = msg('crs.supported');

/** Old-datum names and ellipsoids: recognised so that they are refused with the reason. */
const OLD_DATUM = /beijing|1954|krass|xian|xi'an|1980|iag.?75|iag.?1975/i;

/**
 * A CGCS2000 Gauss–Krüger zone from a name in EPSG or ESRI style:
 * "CGCS2000 / 3-degree Gauss-Kruger zone 40", "CGCS2000_3_Degree_GK_Zone_40",
 * "CGCS_2000_3_Degree_GK_CM_117E", "CGCS2000 / Gauss-Kruger CM 117E", "CGCS2000_GK_Zone_20".
 */
function gaussKrugerOfName(name: string): Projection | undefined {
  const text = name.replace(/[\s_/-]+/g, ' ').trim();
  const match = /^CGCS ?2000 (3 degree )?(?:Gauss Kr(?:u|ü|ue)ger|GK) (?:zone (\d+)|CM (\d+) ?E)$/i.exec(text);
  if (!match) return undefined;
  const width = match[1] ? 3 : 6;
  const epsg = match[2] ? gaussKrugerEpsg(width, { zone: Number(match[2]) }) : gaussKrugerEpsg(width, { centralMeridian: Number(match[3]) });
  return epsg === undefined ? undefined : projectionOfEpsg(epsg);
}

/**
 * A CRS given by name or code (an API parameter, a GeoJSON `crs` member, an EWKT SRID):
 * wgs84, cgcs2000, gcj02, bd09, webmercator, 4528, EPSG:4528, urn:ogc:def:crs:EPSG::4528,
 * CRS84, or a CGCS2000 GK zone name. Throws CrsError('invalid_crs') otherwise.
 */
export function projectionByName(input: string): Projection {
  const raw = input.trim();
  const key = raw.toLowerCase().replace(/[\s_-]+/g, '');
  if (key === 'wgs84' || key === 'crs84' || key === 'urn:ogc:def:crs:ogc:1.3:crs84' || key === 'urn:ogc:def:crs:ogc::crs84') return WGS84;
  if (key === 'cgcs2000' || key === 'chinageodeticcoordinatesystem2000') return CGCS2000;
  if (key === 'gcj02') return shifted('gcj02');
  if (key === 'bd09') return shifted('bd09');
  if (key === 'webmercator' || key === 'pseudomercator') return WEB_MERCATOR;
  const code = /^(?:epsg:+|urn:ogc:def:crs:epsg:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/0\/)?(\d{4,6})$/.exec(key);
  if (code) {
    const projection = projectionOfEpsg(Number(code[1]));
    if (projection) return projection;
    throw new CrsError('invalid_crs', msg('invalid_crs.epsg', { code: code[1], supported: SUPPORTED }));
  }
  const gk = gaussKrugerOfName(raw);
  if (gk) return gk;
  if (OLD_DATUM.test(raw)) throw oldDatum(raw);
  throw new CrsError('invalid_crs', msg('invalid_crs.unknown', { got: shown(input, 100), supported: SUPPORTED }));
}

function oldDatum(what: string): CrsError {
  return new CrsError('unsupported_crs', msg('unsupported_crs.old_datum', { what: what.slice(0, 120) }));
}

// ---------------------------------------------------------------------------------------------
// WKT (.prj) parsing: WKT1 (OGC and ESRI flavours) and WKT2 are all "KEYWORD[arg, …]" trees.

export type WktValue = string | number | WktNode;
export interface WktNode {
  keyword: string;
  args: WktValue[];
}

/** Parses WKT into its keyword tree; throws CrsError on malformed text. */
export function parseWkt(text: string): WktNode {
  let pos = 0;
  const fail = (what: 'keyword' | 'open' | 'comma' | 'unterminated' | 'value' | 'trailing'): never => {
    throw new CrsError('unknown_crs', msg('unknown_crs.malformed', { what: msg(`wkt_prj.${what}`), pos }));
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const node = (): WktNode => {
    skip();
    const keyword = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos))?.[0];
    if (!keyword) fail('keyword');
    pos += keyword!.length;
    skip();
    const open = text[pos];
    if (open !== '[' && open !== '(') fail('open');
    const close = open === '[' ? ']' : ')';
    pos++;
    const args: WktValue[] = [];
    for (;;) {
      skip();
      if (text[pos] === close) {
        pos++;
        return { keyword: keyword!.toUpperCase(), args };
      }
      if (args.length > 0) {
        if (text[pos] !== ',') fail('comma');
        pos++;
        skip();
      }
      args.push(value());
    }
  };
  const value = (): WktValue => {
    const c = text[pos];
    if (c === '"') {
      let out = '';
      pos++;
      for (;;) {
        if (pos >= text.length) fail('unterminated');
        if (text[pos] === '"') {
          if (text[pos + 1] === '"') {
            out += '"';
            pos += 2;
            continue;
          }
          pos++;
          return out;
        }
        out += text[pos++];
      }
    }
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (number) {
      pos += number[0].length;
      return Number(number[0]);
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (word) {
      const after = text.slice(pos + word[0].length).trimStart()[0];
      if (after === '[' || after === '(') return node();
      pos += word[0].length;
      return word[0];
    }
    return fail('value');
  };
  const root = node();
  skip();
  if (pos < text.length) fail('trailing');
  return root;
}

const children = (node: WktNode, ...keywords: string[]) =>
  node.args.filter((arg): arg is WktNode => typeof arg === 'object' && keywords.includes(arg.keyword));
const child = (node: WktNode, ...keywords: string[]) => children(node, ...keywords)[0];

/** Depth-first search for the first node with one of the keywords. */
function find(node: WktNode, ...keywords: string[]): WktNode | undefined {
  for (const arg of node.args) {
    if (typeof arg !== 'object') continue;
    if (keywords.includes(arg.keyword)) return arg;
    const deeper = find(arg, ...keywords);
    if (deeper) return deeper;
  }
  return undefined;
}

/** The node's own EPSG code (WKT1 AUTHORITY["EPSG","4528"], WKT2 ID["EPSG",4528]). */
function epsgOf(node: WktNode): number | undefined {
  const authority = child(node, 'AUTHORITY', 'ID');
  if (!authority || String(authority.args[0]).toUpperCase() !== 'EPSG') return undefined;
  const code = Number(authority.args[1]);
  return Number.isInteger(code) ? code : undefined;
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'];
const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEOGRAPHICCRS', 'GEODCRS', 'GEODETICCRS', 'BASEGEOGCRS', 'BASEGEODCRS'];

interface Datum {
  name: string;
  a: number | undefined;
  rf: number | undefined;
}

function datumOf(geographic: WktNode | undefined): Datum {
  const datum = geographic && (child(geographic, 'DATUM', 'TRF', 'GEODETICDATUM') ?? find(geographic, 'DATUM', 'TRF'));
  const spheroid = datum && child(datum, 'SPHEROID', 'ELLIPSOID');
  return {
    name: `${String(datum?.args[0] ?? '')} ${String(spheroid?.args[0] ?? '')} ${String(geographic?.args[0] ?? '')}`,
    a: typeof spheroid?.args[1] === 'number' ? spheroid.args[1] : undefined,
    rf: typeof spheroid?.args[2] === 'number' ? spheroid.args[2] : undefined,
  };
}

type DatumClass = 'cgcs2000' | 'wgs84' | 'old' | 'unknown';

function classifyDatum(datum: Datum): DatumClass {
  if (OLD_DATUM.test(datum.name) || datum.a === 6378245 || datum.a === 6378140) return 'old';
  if (/china.?2000|cgcs.?2000|china.geodetic.coordinate.system.2000/i.test(datum.name)) return 'cgcs2000';
  if (/wgs.?(19)?84/i.test(datum.name)) return 'wgs84';
  // An unnamed datum on the GRS80/CGCS2000/WGS84 ellipsoid: centimetres apart, taken as CGCS2000.
  if (datum.a === 6378137 && datum.rf !== undefined && Math.abs(datum.rf - 298.257) < 0.001) return 'cgcs2000';
  return 'unknown';
}

function parameters(node: WktNode): Map<string, number> {
  const out = new Map<string, number>();
  const conversion = child(node, 'CONVERSION') ?? node;
  for (const parameter of children(conversion, 'PARAMETER')) {
    const value = parameter.args[1];
    if (typeof value === 'number') out.set(String(parameter.args[0]).toLowerCase().replace(/[\s_]+/g, '_'), value);
  }
  return out;
}

function parameter(params: Map<string, number>, ...names: string[]): number | undefined {
  for (const name of names) if (params.has(name)) return params.get(name);
  return undefined;
}

/** A projected CRS recognised from its parameters (no known name or code). */
function fromParameters(node: WktNode, name: string): Projection {
  const geographic = GEOGRAPHIC.map((keyword) => child(node, keyword)).find(Boolean);
  const datum = datumOf(geographic);
  const datumClass = classifyDatum(datum);
  if (datumClass === 'old') throw oldDatum(`"${name}"`);
  const method = String((child(node, 'PROJECTION') ?? child(child(node, 'CONVERSION') ?? node, 'METHOD'))?.args[0] ?? '');
  const methodKey = method.toLowerCase().replace(/[\s_-]+/g, '');
  const params = parameters(node);
  const units = children(node, 'UNIT', 'LENGTHUNIT').at(-1);
  const toMetre = typeof units?.args[1] === 'number' ? units.args[1] : 1;

  if (/mercatorauxiliarysphere|popularvisualisationpseudomercator|pseudomercator/.test(methodKey)) return WEB_MERCATOR;
  if (!/gausskruger|transversemercator|tmerc|gauss/.test(methodKey)) {
    throw new CrsError('unknown_crs', msg('unknown_crs.projection', { name, method, supported: SUPPORTED }));
  }
  if (datumClass === 'unknown') {
    throw new CrsError('unknown_crs', msg('unknown_crs.datum', { name, datum: datum.name.trim() || msg('unknown_crs.no_datum') }));
  }
  const centralMeridian = parameter(params, 'central_meridian', 'longitude_of_origin', 'longitude_of_natural_origin', 'longitude_of_center');
  if (centralMeridian === undefined) throw new CrsError('unknown_crs', msg('unknown_crs.no_meridian', { name }));
  const tm: TransverseMercator = {
    centralMeridian,
    falseEasting: (parameter(params, 'false_easting') ?? 0) * toMetre,
    falseNorthing: (parameter(params, 'false_northing') ?? 0) * toMetre,
    scale: parameter(params, 'scale_factor', 'scale_factor_at_natural_origin') ?? 1,
    latitudeOfOrigin: parameter(params, 'latitude_of_origin', 'latitude_of_natural_origin') ?? 0,
    toMetre,
    ellipsoid: datumClass === 'wgs84' ? '+ellps=WGS84' : CGCS2000_ELLIPSOID,
  };
  // A CGCS2000 GK zone under another name ("Gauss_Kruger_CM_120" etc.): give it its EPSG identity.
  // (An unprefixed CM that is both a 3° and a 6° meridian projects identically either way.)
  if (datumClass === 'cgcs2000' && tm.scale === 1 && tm.falseNorthing === 0 && tm.latitudeOfOrigin === 0 && toMetre === 1) {
    const prefix = Math.floor(tm.falseEasting / 1e6);
    const epsg =
      tm.falseEasting === 500_000
        ? (gaussKrugerEpsg(3, { centralMeridian }) ?? gaussKrugerEpsg(6, { centralMeridian }))
        : tm.falseEasting !== prefix * 1e6 + 500_000
          ? undefined
          : 3 * prefix === centralMeridian
            ? gaussKrugerEpsg(3, { zone: prefix })
            : 6 * prefix - 3 === centralMeridian
              ? gaussKrugerEpsg(6, { zone: prefix })
              : undefined;
    if (epsg !== undefined) return projectionOfEpsg(epsg)!;
  }
  return transverseMercator(
    `${name} (transverse Mercator, CM ${centralMeridian}°, false easting ${tm.falseEasting} m, k ${tm.scale})`,
    null,
    tm,
  );
}

/**
 * The CRS of a .prj: by its EPSG code (AUTHORITY / ID), else by its name (CGCS2000 GK zones in
 * ESRI and EPSG spelling, WGS84, CGCS2000, Web Mercator), else by its parameters. Throws
 * CrsError('unknown_crs' | 'unsupported_crs') with the reason.
 */
export function projectionFromPrj(text: string): Projection {
  const wkt = text.replace(/^\uFEFF/, '').trim();
  if (wkt === '') throw new CrsError('unknown_crs', msg('unknown_crs.empty'));
  let root = parseWkt(wkt);
  if (root.keyword === 'COMPD_CS' || root.keyword === 'COMPOUNDCRS') {
    const horizontal = root.args.find((arg): arg is WktNode => typeof arg === 'object' && [...PROJECTED, ...GEOGRAPHIC].includes(arg.keyword));
    if (!horizontal) throw new CrsError('unknown_crs', msg('unknown_crs.compound'));
    root = horizontal;
  }
  const name = String(root.args[0] ?? '');
  const epsg = epsgOf(root);
  if (epsg !== undefined) {
    const byCode = projectionOfEpsg(epsg);
    if (byCode) return byCode;
  }
  if (PROJECTED.includes(root.keyword)) {
    const byName = gaussKrugerOfName(name);
    if (byName) return byName;
    if (/web.?mercator|pseudo.?mercator/i.test(name)) return WEB_MERCATOR;
    return fromParameters(root, name);
  }
  if (GEOGRAPHIC.includes(root.keyword)) {
    const datumClass = classifyDatum(datumOf(root));
    if (datumClass === 'cgcs2000') return CGCS2000;
    if (datumClass === 'wgs84') return WGS84;
    if (datumClass === 'old') throw oldDatum(`"${name}"`);
    throw new CrsError('unknown_crs', msg('unknown_crs.geographic_datum', { name }));
  }
  throw new CrsError('unknown_crs', msg('unknown_crs.not_crs', { keyword: root.keyword, name }));
}

// ---------------------------------------------------------------------------------------------
// Guessing from the coordinates alone (a file without .prj and no crs given).

export interface Guess {
  projection: Projection;
  /** What was assumed, in words, for the import report. */
  assumption: Text;
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toString() : String(n));

/**
 * The CRS that coordinates given without a .prj must be in:
 * - all within ±180 → lon/lat, taken as WGS84 (= CGCS2000 to < 1 m);
 * - x with 8 digits whose leading two are a zone number (13–23: a 6° zone, 25–45: a 3° zone)
 *   → that CGCS2000 Gauss–Krüger zone, when the points then land in China;
 * - Web Mercator metres, when only that reading lands in China.
 * Anything else (a GK easting without the zone prefix, mixed zones, swapped axes) cannot be
 * guessed: CrsError('crs_required') says what the numbers look like and what to send.
 */
export function guessProjection(points: XY[]): Guess {
  // (|y| up to 180: lat/lon swapped on some rows is still degrees; the rows' checks name it.)
  if (points.length === 0 || points.every(([x, y]) => Math.abs(x) <= 180 && Math.abs(y) <= 180)) {
    return { projection: WGS84, assumption: msg('crs.assumed_degrees') };
  }
  const [x0, y0] = points[0];
  const sample = `x = ${fmt(x0)}, y = ${fmt(y0)}`;
  const candidates: Guess[] = [];
  const zones = new Set(points.map(([x]) => Math.floor(x / 1e6)));
  if (zones.size === 1 && x0 >= 1e7 && x0 < 1e8) {
    const zone = Math.floor(x0 / 1e6);
    const epsg = zone >= 13 && zone <= 23 ? gaussKrugerEpsg(6, { zone }) : gaussKrugerEpsg(3, { zone });
    if (epsg !== undefined) {
      const projection = projectionOfEpsg(epsg)!;
      candidates.push({
        projection,
        assumption: msg('crs.assumed_zone', { sample, zone, name: projection.name, epsg }),
      });
    }
  }
  if (points.every(([x, y]) => Math.abs(x) <= 20_037_508.35 && Math.abs(y) <= 20_048_966.11)) {
    candidates.push({ projection: WEB_MERCATOR, assumption: msg('crs.assumed_web_mercator', { sample }) });
  }
  const landing = candidates.filter(({ projection }) => points.every(([x, y]) => insideChinaExtent(projection.toWgs84(x, y))));
  if (landing.length === 1) return landing[0];
  if (landing.length > 1) {
    throw new CrsError('crs_required', msg('crs_required.ambiguous', { sample, candidates: landing.map((c) => c.projection.name) }));
  }
  if (zones.size > 1 && x0 >= 1e7) {
    throw new CrsError('crs_required', msg('crs_required.mixed_zones', { zones: [...zones].sort() }));
  }
  if (y0 >= 1e7 && y0 < 1e8 && x0 < 1e7) {
    throw new CrsError('crs_required', msg('crs_required.swapped', { sample }));
  }
  if (Math.abs(x0) < 1e7 && Math.abs(y0) < 1e7 && x0 > 0 && x0 < 1e6) {
    throw new CrsError('crs_required', msg('crs_required.no_zone', { sample }));
  }
  throw new CrsError('crs_required', msg('crs_required.unknown', { sample }));
}

/** A short description for reports: "CGCS2000 / 3-degree Gauss-Kruger zone 40 (EPSG:4528)". */
export function describeProjection(projection: Projection): string {
  return projection.epsg === null ? projection.name : `${projection.name} (EPSG:${projection.epsg})`;
}
