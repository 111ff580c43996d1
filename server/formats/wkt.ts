/**
 * Geometries as WKT text (a CSV's geometry column): POINT, LINESTRING, POLYGON and their MULTI
 * forms, with Z/M ordinates dropped and an optional EWKT "SRID=4528;" prefix. Pure.
 */
import type { Geometry, Position } from 'geojson';
import { shown, text as msg, TextError } from '../i18n/catalogue.js';

export interface WktGeometry {
  geometry: Geometry | null;
  /** The EWKT SRID, when the text had one. */
  srid?: number;
}

export class WktError extends TextError {}

export function parseWktGeometry(input: string): WktGeometry {
  let text = input.trim();
  let srid: number | undefined;
  const prefix = /^SRID=(\d+);/i.exec(text);
  if (prefix) {
    srid = Number(prefix[1]);
    text = text.slice(prefix[0].length).trim();
  }
  const head = /^([A-Za-z]+)\s*(ZM|Z|M)?\s*/.exec(text);
  if (!head) throw new WktError(msg('wkt.not_wkt', { got: shown(input, 40) }));
  const type = head[1].toUpperCase();
  const body = text.slice(head[0].length).trim();
  if (/^EMPTY$/i.test(body)) return { geometry: null, srid };
  const tree = nest(body);
  const position = (node: Nested): Position => {
    if (typeof node !== 'string') throw new WktError(msg('wkt.pair_expected'));
    const numbers = node.trim().split(/\s+/).map(Number);
    if (numbers.length < 2 || !numbers.every(Number.isFinite)) throw new WktError(msg('wkt.bad_coordinates', { got: shown(node.trim(), 40) }));
    return [numbers[0], numbers[1]];
  };
  const list = (node: Nested): Nested[] => {
    if (typeof node === 'string') throw new WktError(msg('wkt.list_expected'));
    return node;
  };
  // A flat coordinate list inside one pair of parentheses is "x y, x y": split on commas.
  const positions = (node: Nested): Position[] => list(node).flatMap((item) => (typeof item === 'string' ? item.split(',').filter((s) => s.trim() !== '').map(position) : [position(list(item)[0])]));
  const rings = (node: Nested) => list(node).map(positions);
  switch (type) {
    case 'POINT':
      return { geometry: { type: 'Point', coordinates: positions(tree)[0] }, srid };
    case 'MULTIPOINT':
      return { geometry: { type: 'MultiPoint', coordinates: positions(tree) }, srid };
    case 'LINESTRING':
      return { geometry: { type: 'LineString', coordinates: positions(tree) }, srid };
    case 'MULTILINESTRING':
      return { geometry: { type: 'MultiLineString', coordinates: rings(tree) }, srid };
    case 'POLYGON':
      return { geometry: { type: 'Polygon', coordinates: rings(tree) }, srid };
    case 'MULTIPOLYGON':
      return { geometry: { type: 'MultiPolygon', coordinates: list(tree).map(rings) }, srid };
    default:
      throw new WktError(msg('wkt.type_not_read', { type }));
  }
}

type Nested = string | Nested[];

/** "((1 2, 3 4), (5 6))" → [["1 2, 3 4"], ["5 6"]]: parentheses to arrays, text kept. */
function nest(body: string): Nested {
  if (!body.startsWith('(')) throw new WktError(msg('wkt.open_expected'));
  const stack: Nested[][] = [];
  let current: Nested[] | undefined;
  let root: Nested[] | undefined;
  let text = '';
  const flush = () => {
    if (text.trim().replace(/,/g, '') !== '' && current) current.push(text);
    text = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '(') {
      flush();
      const next: Nested[] = [];
      if (current) {
        current.push(next);
        stack.push(current);
      } else if (root) {
        throw new WktError(msg('wkt.trailing_text'));
      } else {
        root = next;
      }
      current = next;
    } else if (c === ')') {
      flush();
      if (!current) throw new WktError(msg('wkt.unbalanced_close'));
      current = stack.pop();
    } else if (!current) {
      if (c.trim() !== '') throw new WktError(msg('wkt.trailing_text'));
    } else {
      text += c;
    }
  }
  if (current || !root) throw new WktError(msg('wkt.unbalanced_open'));
  return root;
}

const number = (value: number) => String(value);
const ring = (positions: Position[]) => `(${positions.map((p) => `${number(p[0])} ${number(p[1])}`).join(', ')})`;

/** WKT of a Polygon or MultiPolygon (what exports write). */
export function polygonalToWkt(geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] }): string {
  if (geometry.type === 'Polygon') return `POLYGON (${geometry.coordinates.map(ring).join(', ')})`;
  return `MULTIPOLYGON (${geometry.coordinates.map((polygon) => `(${polygon.map(ring).join(', ')})`).join(', ')})`;
}
