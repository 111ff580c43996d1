/**
 * Text encodings of attribute files: a shapefile's .cpg names its DBF's code page; Chinese
 * shapefiles without one are GBK (code page 936, what ArcGIS on a Chinese Windows writes), and
 * so are CSV files saved by Excel there. iconv-lite does the GBK (and other code page) work.
 */
import iconv from 'iconv-lite';
import { text, type Text } from '../i18n/catalogue.js';

export interface EncodingChoice {
  /** An iconv-lite encoding name: 'utf-8', 'gbk', 'gb18030', 'big5', 'windows-1252'… */
  name: string;
  /** Why: 'parameter', 'cpg', 'ldid' (the DBF header's language driver), 'detected' or 'default'. */
  source: 'parameter' | 'cpg' | 'ldid' | 'detected' | 'default';
}

/** An encoding name as written in a .cpg or given by a user → an iconv-lite name, or undefined. */
export function encodingOfName(raw: string): string | undefined {
  const key = raw.trim().toLowerCase().replace(/^ansi[\s_]*/, '').replace(/[\s_-]+/g, '');
  if (key === '') return undefined;
  if (['utf8', '65001', 'cp65001'].includes(key)) return 'utf-8';
  if (['gbk', '936', 'cp936', 'gb2312', 'windows936', 'ms936', 'euccn'].includes(key)) return 'gbk';
  if (['gb18030', '54936'].includes(key)) return 'gb18030';
  if (['big5', '950', 'cp950'].includes(key)) return 'big5';
  if (['88591', '885901', 'iso88591', 'latin1', '1252', 'cp1252', 'windows1252'].includes(key)) return 'windows-1252';
  if (/^\d{3,5}$/.test(key) && iconv.encodingExists(`cp${key}`)) return `cp${key}`;
  return iconv.encodingExists(key) ? key : undefined;
}

export function decode(bytes: Uint8Array, encoding: string): string {
  return encoding === 'utf-8' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : iconv.decode(Buffer.from(bytes), encoding);
}

export function encode(text: string, encoding: string): Buffer {
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are valid UTF-8 with at least one non-ASCII character. */
export function looksLikeUtf8(bytes: Uint8Array): boolean {
  let ascii = true;
  for (const byte of bytes) {
    if (byte >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return false;
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * For text with no declared encoding: UTF-8 when the bytes are valid UTF-8 (GBK text of
 * Chinese characters almost never is), otherwise GBK.
 */
export function detectEncoding(bytes: Uint8Array): EncodingChoice {
  return looksLikeUtf8(bytes) ? { name: 'utf-8', source: 'detected' } : { name: isAscii(bytes) ? 'utf-8' : 'gbk', source: 'default' };
}

function isAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return false;
  return true;
}

/** Encodes `text` and cuts it to at most `maxBytes` without splitting a character. */
export function encodeTruncated(text: string, encoding: string, maxBytes: number): { bytes: Buffer; truncated: boolean } {
  let bytes = encode(text, encoding);
  if (bytes.length <= maxBytes) return { bytes, truncated: false };
  const chars = [...text];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (encode(chars.slice(0, mid).join(''), encoding).length <= maxBytes) low = mid;
    else high = mid - 1;
  }
  bytes = encode(chars.slice(0, low).join(''), encoding);
  return { bytes, truncated: true };
}

/**
 * Why a string cannot be stored as text, or undefined: PostgreSQL text holds no NUL, and a lone
 * UTF-16 surrogate has no UTF-8 form (it would be stored as U+FFFD, silently changed).
 */
export function unstorableText(value: string): Text | undefined {
  if (value.includes('\u0000')) return text('text.nul');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) return text('text.surrogate');
  return undefined;
}
