/**
 * dBase III tables (a shapefile's attributes): read in any code page, written in UTF-8 (with a
 * .cpg saying so) or another encoding. Pure: bytes in, bytes out.
 */
import { decode, encode, encodeTruncated, looksLikeUtf8, type EncodingChoice } from './encoding.js';
import { fileError } from './source.js';
import { text } from '../i18n/catalogue.js';

export interface DbfField {
  name: string;
  /** C text, N/F number, L logical, D date (YYYYMMDD), I 32-bit integer, O/B double (Visual FoxPro). */
  type: string;
  /** Width in bytes. */
  length: number;
  decimals: number;
}

export interface DbfTable {
  fields: DbfField[];
  /** One per record in file order; null for a record marked deleted. */
  records: (Record<string, unknown> | null)[];
}

/**
 * The encoding of a DBF without a stated one: the language driver byte (29) when it names a
 * Chinese code page, UTF-8 when the text bytes are valid UTF-8, and GBK otherwise.
 */
export function dbfEncoding(bytes: Uint8Array): EncodingChoice {
  const ldid = bytes.length > 29 ? bytes[29] : 0;
  if (ldid === 0x4d || ldid === 0x7a) return { name: 'gbk', source: 'ldid' };
  if (ldid === 0x4f || ldid === 0x78) return { name: 'big5', source: 'ldid' };
  const headerLength = bytes.length >= 10 ? bytes[8] | (bytes[9] << 8) : 0;
  const sample = bytes.subarray(Math.min(headerLength, bytes.length), Math.min(bytes.length, headerLength + 4 * 1024 * 1024));
  // Field names (in the header) can be Chinese too.
  const names = bytes.subarray(32, Math.min(headerLength, bytes.length));
  if (looksLikeUtf8(sample) || (!hasHighBytes(sample) && looksLikeUtf8(names))) return { name: 'utf-8', source: 'detected' };
  return { name: 'gbk', source: 'default' };
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

function trimText(text: string): string {
  return text.replace(/\0/g, '').trim();
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

export function readDbf(bytes: Uint8Array, encoding: string): DbfTable {
  if (bytes.length < 32) throw fileError('invalid_dbf', text('invalid_dbf.short', { bytes: bytes.length }));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const recordCount = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  if (headerLength < 33 || headerLength > bytes.length) throw fileError('invalid_dbf', text('invalid_dbf.header_length', { length: headerLength, bytes: bytes.length }));

  const fields: DbfField[] = [];
  for (let offset = 32; offset + 32 <= headerLength && bytes[offset] !== 0x0d; offset += 32) {
    const rawName = bytes.subarray(offset, offset + 11);
    const end = rawName.indexOf(0);
    const name = trimText(decode(rawName.subarray(0, end < 0 ? 11 : end), encoding));
    fields.push({ name, type: String.fromCharCode(bytes[offset + 11]).toUpperCase(), length: bytes[offset + 16], decimals: bytes[offset + 17] });
  }
  const width = 1 + fields.reduce((sum, field) => sum + field.length, 0);
  if (recordLength < width) throw fileError('invalid_dbf', text('invalid_dbf.record_length', { length: recordLength, width }));
  const available = Math.floor((bytes.length - headerLength) / recordLength);
  if (available < recordCount) {
    throw fileError('invalid_dbf', text('invalid_dbf.truncated', { count: recordCount, available }));
  }
  // Two fields with one name (names cut to 10 bytes can collide): the later one gets a suffix.
  const keys = fields.map((field, i) => (fields.findIndex((other) => other.name === field.name) < i ? `${field.name}_${i + 1}` : field.name));

  const records: (Record<string, unknown> | null)[] = [];
  for (let r = 0; r < recordCount; r++) {
    let offset = headerLength + r * recordLength;
    if (bytes[offset] === 0x2a) {
      records.push(null);
      continue;
    }
    offset++;
    const record: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      record[keys[i]] = readValue(bytes.subarray(offset, offset + field.length), field, encoding, view, offset);
      offset += field.length;
    });
    records.push(record);
  }
  return { fields: fields.map((field, i) => ({ ...field, name: keys[i] })), records };
}

function readValue(raw: Uint8Array, field: DbfField, encoding: string, view: DataView, offset: number): unknown {
  switch (field.type) {
    case 'C': {
      const text = trimText(decode(raw, encoding));
      return text === '' ? null : text;
    }
    case 'N':
    case 'F': {
      const text = trimText(ascii(raw));
      if (text === '' || /^\*+$/.test(text)) return null;
      const value = Number(text.replace(',', '.'));
      return Number.isFinite(value) ? value : text;
    }
    case 'L': {
      const text = ascii(raw).trim().toUpperCase();
      return 'TY'.includes(text) && text !== '' ? true : 'FN'.includes(text) && text !== '' ? false : null;
    }
    case 'D': {
      const text = ascii(raw).trim();
      return /^\d{8}$/.test(text) && text !== '00000000' ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : null;
    }
    case 'I':
      return field.length === 4 ? view.getInt32(offset, true) : null;
    case 'O':
    case 'B':
      return field.length === 8 ? view.getFloat64(offset, true) : null;
    default:
      // Memo pointers and binary types hold nothing readable without their side files.
      return null;
  }
}

export interface DbfFieldSpec {
  name: string;
  type: 'C' | 'N';
  /** Text: the most bytes (≤ 254; default: the longest value). Numbers: the width (default 18). */
  length?: number;
  decimals?: number;
}

export interface WrittenDbf {
  bytes: Uint8Array;
  /** Values cut to fit their field (text longer than 254 bytes). */
  truncated: { record: number; field: string }[];
}

/**
 * A dBase III table. Text is written in `encoding` (UTF-8 unless asked otherwise); field names
 * longer than 10 bytes are cut (the format's limit). `ldid` is the language driver byte (0 =
 * none stated: readers look at the .cpg).
 */
export function writeDbf(specs: DbfFieldSpec[], rows: Record<string, unknown>[], options: { encoding?: string; ldid?: number } = {}): WrittenDbf {
  const encoding = options.encoding ?? 'utf-8';
  const truncated: WrittenDbf['truncated'] = [];
  const fields = specs.map((spec) => {
    let length = spec.length;
    if (spec.type === 'C' && length === undefined) {
      length = rows.reduce((max, row) => (row[spec.name] === null || row[spec.name] === undefined ? max : Math.max(max, encode(String(row[spec.name]), encoding).length)), 1);
    }
    return { ...spec, length: Math.min(254, length ?? 18), decimals: spec.decimals ?? 0, nameBytes: encodeTruncated(spec.name, encoding, 10).bytes };
  });
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((sum, field) => sum + field.length, 0);
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1);
  const view = new DataView(out.buffer);
  const today = new Date();
  out[0] = 0x03;
  out[1] = today.getUTCFullYear() - 1900;
  out[2] = today.getUTCMonth() + 1;
  out[3] = today.getUTCDate();
  view.setUint32(4, rows.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  out[29] = options.ldid ?? 0;
  fields.forEach((field, i) => {
    const offset = 32 + 32 * i;
    out.set(field.nameBytes, offset);
    out[offset + 11] = field.type.charCodeAt(0);
    out[offset + 16] = field.length;
    out[offset + 17] = field.decimals;
  });
  out[headerLength - 1] = 0x0d;
  rows.forEach((row, r) => {
    let offset = headerLength + r * recordLength;
    out[offset++] = 0x20;
    for (const field of fields) {
      out.fill(0x20, offset, offset + field.length);
      const value = row[field.name];
      if (value !== null && value !== undefined) {
        if (field.type === 'C') {
          const { bytes, truncated: cut } = encodeTruncated(String(value), encoding, field.length);
          if (cut) truncated.push({ record: r + 1, field: field.name });
          out.set(bytes, offset);
        } else {
          const text = Number(value).toFixed(field.decimals);
          if (text.length <= field.length) out.set(Buffer.from(text, 'latin1'), offset + field.length - text.length);
          else truncated.push({ record: r + 1, field: field.name });
        }
      }
      offset += field.length;
    }
  });
  out[out.length - 1] = 0x1a;
  return { bytes: out, truncated };
}
