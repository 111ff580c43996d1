/**
 * Camera/sensor event snapshots: a base64 string (optionally a `data:image/…;base64,` URL) →
 * the original bytes, kept as sent (the caller stores them durably), plus a WebP thumbnail at
 * most 320 px on its longer side, never upscaled.
 *
 * No database, no HTTP: bad input never throws, it comes back as `{ ok: false, code, reason }`.
 * Checks run cheapest first, and nothing large is allocated before the size is known:
 *
 *   invalid_snapshot        not a string, or a data URL that is not `…;base64,…`
 *   invalid_base64          a character outside the base64 alphabet, or misplaced padding
 *   empty_snapshot          no data at all
 *   snapshot_too_large      decoded size over `maxBytes`, computed from the base64 text
 *                           (scanning stops at the limit) before anything is decoded
 *   unsupported_image_type  magic bytes neither JPEG (FF D8 FF) nor PNG (89 50 4E 47 0D 0A 1A 0A)
 *   image_type_mismatch     a data URL's declared type disagrees with the bytes
 *   zero_size_image         the JPEG/PNG header declares a zero width or height
 *   corrupt_image           sharp cannot read the header or decode the pixels (truncated too)
 *   image_too_large         width × height over `maxPixels`, read from the header before the
 *                           pixels are decoded (decompression bombs)
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { text, type Text } from '../i18n/catalogue.js';

export interface SnapshotLimits {
  /** Largest decoded snapshot, in bytes. */
  maxBytes: number;
  /** Most pixels (width × height) an image may declare. */
  maxPixels: number;
}

/** A phone's photo (a report, a step, a visit, a resident's 随手拍): a camera original fits. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** A JSON body carrying one such photo as base64 (4/3 of it), with room for the rest. */
export const PHOTO_JSON_BYTES = Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 1024 * 1024;

export const defaultSnapshotLimits: SnapshotLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 40_000_000,
};

export type SnapshotContentType = 'image/jpeg' | 'image/png';

export interface Snapshot {
  contentType: SnapshotContentType;
  /** The decoded bytes exactly as sent (EXIF and all). */
  bytes: Buffer;
  /** Size as displayed, i.e. after EXIF orientation (a portrait phone JPEG stored landscape reports portrait). */
  width: number;
  height: number;
  /** Lower-case hex SHA-256 of `bytes`. */
  sha256: string;
  /** WebP, auto-oriented, metadata stripped, longer side ≤ `THUMB_SIZE`. */
  thumb: Buffer;
  thumbWidth: number;
  thumbHeight: number;
}

export type SnapshotResult = { ok: true; value: Snapshot } | { ok: false; code: string; reason: Text };

/** Longer side of the thumbnail, in pixels. */
export const THUMB_SIZE = 320;
const THUMB_QUALITY = 70;

/** A data URL's header (`data:image/jpeg;name=x;base64,`) is short; don't hunt far for its comma. */
const MAX_DATA_URL_HEADER = 256;

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

type Refusal = { ok: false; code: string; reason: Text };
const refuse = (code: string, reason: Text): Refusal => ({ ok: false, code, reason });

export async function prepareSnapshot(input: unknown, limits: SnapshotLimits = defaultSnapshotLimits): Promise<SnapshotResult> {
  return withThumbnail(await checkSnapshot(input, limits), limits);
}

async function withThumbnail(checked: CheckResult, limits: SnapshotLimits): Promise<SnapshotResult> {
  if (!checked.ok) return checked;
  const thumb = await makeThumbnail(checked.value, limits);
  return thumb.ok ? { ok: true, value: { ...checked.value, ...thumb.value } } : thumb;
}

/** A snapshot whose header and structure passed every check; its pixels are not decoded yet. */
export type CheckedSnapshot = Omit<Snapshot, 'thumb' | 'thumbWidth' | 'thumbHeight'>;
export type CheckResult = { ok: true; value: CheckedSnapshot } | Refusal;

/**
 * Every check that needs no pixels (steps 1–6 above, and a JPEG or PNG cut short: no end
 * marker after its image data): cheap enough for the request's path. The pixels are decoded
 * by makeThumbnail, after the original is stored (a corrupt scan then shows as thumb_error).
 */
export async function checkSnapshot(input: unknown, limits: SnapshotLimits = defaultSnapshotLimits): Promise<CheckResult> {
  if (typeof input !== 'string') {
    return refuse('invalid_snapshot', text('invalid_snapshot', { got: describeValue(input) }));
  }

  // 1. Optional data URL header.
  const dataUrl = parseDataUrlHeader(input);
  if (dataUrl && !dataUrl.ok) return dataUrl;
  const start = dataUrl ? dataUrl.dataStart : 0;
  const declared = dataUrl ? dataUrl.mediaType : null;

  // 2. Validate the base64 text and compute the decoded size, without decoding anything.
  const scan = scanBase64(input, start, limits.maxBytes);
  if (!scan.ok) return scan;
  if (scan.decodedBytes === 0) return refuse('empty_snapshot', text('empty_snapshot'));

  // 3. Decode (Buffer.from skips the whitespace the scan allowed).
  const bytes = Buffer.from(start === 0 ? input : input.slice(start), 'base64');
  if (bytes.length !== scan.decodedBytes) {
    // Cannot happen for text the scan accepted; refuse rather than store something else.
    return refuse('invalid_base64', text('invalid_base64.length', { expected: scan.decodedBytes, got: bytes.length }));
  }

  return checkImage(bytes, limits, declared);
}

/**
 * The same checks and thumbnail for an image that came as bytes (a multipart upload: a phone's
 * photo), with the media type it was declared as, if any.
 */
export async function prepareImage(bytes: Buffer, limits: SnapshotLimits = defaultSnapshotLimits, declared: string | null = null): Promise<SnapshotResult> {
  return withThumbnail(await checkImage(bytes, limits, declared), limits);
}

/** Steps 4–7 for bytes: every check that needs no pixels decoded. */
async function checkImage(bytes: Buffer, limits: SnapshotLimits, declared: string | null): Promise<CheckResult> {
  if (bytes.length === 0) return refuse('empty_snapshot', text('empty_image'));
  if (bytes.length > limits.maxBytes) {
    return refuse('snapshot_too_large', text('image_too_large.bytes', { size: formatBytes(bytes.length), limit: formatBytes(limits.maxBytes) }));
  }
  // 4. Magic bytes, and the declared type.
  const contentType = sniffContentType(bytes);
  if (!contentType) {
    return refuse('unsupported_image_type', text('unsupported_image_type', { what: describeBytes(bytes) }));
  }
  if (declared !== null && !declaredMatches(declared, contentType)) {
    return refuse('image_type_mismatch', text('image_type_mismatch', { declared, actual: `${contentType === 'image/jpeg' ? 'JPEG' : 'PNG'} (${contentType})` }));
  }
  const kind = contentType === 'image/jpeg' ? 'JPEG' : 'PNG';

  // 5. Header dimensions: libvips refuses zero sizes as a "corrupt header"; say what it is.
  const header = contentType === 'image/jpeg' ? jpegHeaderSize(bytes) : pngHeaderSize(bytes);
  if (header && (header.width === 0 || header.height === 0)) {
    return refuse('zero_size_image', text('zero_size_image.header', { kind, width: header.width, height: header.height }));
  }

  // 6. Metadata (header only): decompression bombs are refused before any pixel is decoded.
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { failOn: 'error' }).metadata();
  } catch (error) {
    return refuse('corrupt_image', text('corrupt_image.header', { kind, detail: sharpMessage(error) }));
  }
  if (metadata.format !== (contentType === 'image/jpeg' ? 'jpeg' : 'png')) {
    return refuse('corrupt_image', text('corrupt_image.format', { kind, format: metadata.format }));
  }
  const { width, height } = metadata;
  if (!(width > 0) || !(height > 0)) {
    return refuse('zero_size_image', text('zero_size_image', { kind, width: width ?? 0, height: height ?? 0 }));
  }
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return refuse('image_too_large', text('image_too_large', { width, height, pixels: pixels.toLocaleString('en'), limit: limits.maxPixels.toLocaleString('en') }));
  }

  // 7. Cut short: the image data must be followed by its end marker (what a truncated upload loses first).
  if (!(contentType === 'image/jpeg' ? jpegHasEnd(bytes) : pngHasEnd(bytes))) {
    return refuse('corrupt_image', text('corrupt_image.truncated', { kind }));
  }

  const oriented = metadata.autoOrient ?? { width, height };
  return {
    ok: true,
    value: { contentType, bytes, width: oriented.width, height: oriented.height, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

export type ThumbnailResult = { ok: true; value: Pick<Snapshot, 'thumb' | 'thumbWidth' | 'thumbHeight'> } | Refusal;

/**
 * Decodes every pixel into the thumbnail (shrink-on-load still reads the whole scan).
 * failOn 'error' implies 'truncated': a truncated or broken scan is an error, not a grey lower
 * half. sharp 0.35's default, 'warning', would also refuse the libjpeg warnings ("N extraneous
 * bytes before marker") that some camera firmware produces on good frames. limitInputPixels
 * repeats the pixel limit inside libvips.
 */
export async function makeThumbnail(image: Pick<Snapshot, 'bytes' | 'contentType'>, limits: SnapshotLimits = defaultSnapshotLimits): Promise<ThumbnailResult> {
  const kind = image.contentType === 'image/jpeg' ? 'JPEG' : 'PNG';
  const pixelLimit = Number.isFinite(limits.maxPixels) ? Math.max(1, Math.floor(limits.maxPixels)) : false;
  try {
    const thumb = await sharp(image.bytes, { failOn: 'error', limitInputPixels: pixelLimit })
      .rotate() // no angle: orient by EXIF
      .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: THUMB_QUALITY }) // metadata is stripped: no withMetadata()/keepExif()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, value: { thumb: thumb.data, thumbWidth: thumb.info.width, thumbHeight: thumb.info.height } };
  } catch (error) {
    return refuse('corrupt_image', text('corrupt_image.decode', { kind, detail: sharpMessage(error) }));
  }
}

/** The last EOI (FF D9) comes after the first start of scan (FF DA): an embedded EXIF thumbnail's own EOI does not count. */
function jpegHasEnd(bytes: Buffer): boolean {
  const scan = bytes.indexOf(Buffer.from([0xff, 0xda]));
  return scan >= 0 && bytes.lastIndexOf(Buffer.from([0xff, 0xd9])) > scan;
}

/** An IEND chunk, which the PNG spec requires last. */
function pngHasEnd(bytes: Buffer): boolean {
  return bytes.lastIndexOf(Buffer.from('IEND', 'latin1')) >= 8;
}

// ---------------------------------------------------------------------------------------------
// Data URL and base64

interface DataUrlHeader {
  ok: true;
  /** Lower-cased declared media type; null when none was declared (`data:;base64,`). */
  mediaType: string | null;
  /** Index of the first character after the comma. */
  dataStart: number;
}

/** null: not a data URL (plain base64). */
function parseDataUrlHeader(input: string): DataUrlHeader | Refusal | null {
  let i = 0;
  while (i < input.length && isWhitespace(input.charCodeAt(i))) i++;
  if (input.slice(i, i + 5).toLowerCase() !== 'data:') return null;
  const comma = input.indexOf(',', i);
  if (comma < 0 || comma - i > MAX_DATA_URL_HEADER) {
    return refuse('invalid_snapshot', text('invalid_snapshot.data_url', { max: MAX_DATA_URL_HEADER }));
  }
  const header = input.slice(i + 5, comma);
  const parts = header.split(';').map((part) => part.trim());
  if (parts.length < 2 || parts[parts.length - 1].toLowerCase() !== 'base64') {
    return refuse('invalid_snapshot', text('invalid_snapshot.not_base64', { header: truncate(header, 60) }));
  }
  const mediaType = parts[0].toLowerCase();
  // RFC 2397: an empty type means text/plain, but no client means that for a snapshot; neither
  // empty nor application/octet-stream says anything about the bytes, so the bytes decide.
  return { ok: true, mediaType: mediaType === '' || mediaType === 'application/octet-stream' ? null : mediaType, dataStart: comma + 1 };
}

function declaredMatches(declared: string, actual: SnapshotContentType): boolean {
  if (actual === 'image/jpeg') return declared === 'image/jpeg' || declared === 'image/jpg' || declared === 'image/pjpeg';
  return declared === 'image/png';
}

type Base64Scan = { ok: true; decodedBytes: number } | Refusal;

/**
 * Strict base64 (RFC 4648 §4 alphabet, no base64url), padding optional but only at the end and
 * only as much as the data length calls for; spaces, tabs and line breaks anywhere are ignored.
 * One pass over the characters, nothing allocated, and the pass stops as soon as the data
 * characters seen would decode to more than `maxBytes`: a 100 MB string costs a few MB of
 * scanning, never a decode.
 */
function scanBase64(input: string, start: number, maxBytes: number): Base64Scan {
  // floor(data × 3/4) > maxBytes  ⇔  data ≥ ceil((maxBytes + 1) × 4/3)
  const tooManyData = Math.ceil(((Math.floor(maxBytes) + 1) * 4) / 3);
  let data = 0;
  let padding = 0;
  for (let i = start; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (isWhitespace(c)) continue;
    if (c === 0x3d /* = */) {
      padding++;
      if (padding > 2) return refuse('invalid_base64', text('invalid_base64.padding_count', { offset: i }));
      continue;
    }
    if (isBase64Char(c)) {
      if (padding > 0) return refuse('invalid_base64', text('invalid_base64.after_padding', { offset: i }));
      data++;
      if (data >= tooManyData) return tooLarge(input, start, i, data, maxBytes);
      continue;
    }
    const hint = c === 0x2d || c === 0x5f ? text('invalid_base64.url_hint') : '';
    return refuse('invalid_base64', text('invalid_base64.character', { character: describeChar(input, i), offset: i, hint }));
  }
  const rest = data % 4;
  if (rest === 1) {
    return refuse('invalid_base64', text('invalid_base64.whole_bytes', { data }));
  }
  if (padding > 0 && padding !== 4 - rest) {
    return refuse('invalid_base64', text('invalid_base64.padding', { padding, data, expected: rest === 0 ? 0 : 4 - rest }));
  }
  return { ok: true, decodedBytes: Math.floor((data * 3) / 4) };
}

/**
 * The scan stopped at `stoppedAt` with `data` data characters, already over the limit. The rest
 * is not scanned; the decoded size is extrapolated from the share of data characters so far
 * (exact, up to padding, for base64 without whitespace).
 */
function tooLarge(input: string, start: number, stoppedAt: number, data: number, maxBytes: number): Refusal {
  const length = input.length - start;
  const estimatedData = Math.round((data / (stoppedAt + 1 - start)) * length);
  const estimate = Math.floor((estimatedData * 3) / 4);
  return refuse('snapshot_too_large', text('snapshot_too_large', { length: length.toLocaleString('en'), size: formatBytes(estimate), limit: formatBytes(maxBytes) }));
}

function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c;
}

// ---------------------------------------------------------------------------------------------
// Magic bytes and headers

function startsWith(bytes: Buffer, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, k) => bytes[at + k] === b);
}

function ascii(bytes: Buffer, from: number, to: number): string {
  return bytes.length >= to ? bytes.toString('latin1', from, to) : '';
}

function sniffContentType(bytes: Buffer): SnapshotContentType | null {
  if (startsWith(bytes, JPEG_MAGIC)) return 'image/jpeg';
  if (startsWith(bytes, PNG_MAGIC)) return 'image/png';
  return null;
}

/** What an unsupported snapshot looks like, for the refusal's reason. */
function describeBytes(bytes: Buffer): Text {
  const named = (format: string) => text('file.named', { format });
  const head = ascii(bytes, 0, 6);
  if (head === 'GIF87a' || head === 'GIF89a') return named('GIF');
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return named('WebP');
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (brand === 'avif' || brand === 'avis') return named('AVIF');
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return named('HEIF/HEIC');
    return named(`ISO media (brand "${brand.replace(/[^\x20-\x7e]/g, '?')}")`);
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return named('TIFF');
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 14) return named('BMP');
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return named('JPEG XL');
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return named('JPEG 2000');
  if (startsWith(bytes, [0, 0, 1, 0])) return named('ICO');
  if (ascii(bytes, 0, 5) === '%PDF-') return named('PDF');
  const start = bytes.toString('latin1', 0, Math.min(bytes.length, 64)).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (start.startsWith('<')) return named('SVG/XML/HTML');
  const first = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  return text('file.unknown', { bytes: first });
}

interface HeaderSize {
  width: number;
  height: number;
}

/** IHDR, which the PNG spec requires to be the first chunk. */
function pngHeaderSize(bytes: Buffer): HeaderSize | null {
  if (bytes.length < 24 || ascii(bytes, 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The first SOFn segment's size; null when the markers before it cannot be followed. */
function jpegHeaderSize(bytes: Buffer): HeaderSize | null {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2; // standalone markers
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI / SOS before any SOF
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Messages

function describeValue(value: unknown): Text {
  if (value === null) return text('value.null');
  if (Array.isArray(value)) return text('value.array');
  if (typeof value === 'object' && !Buffer.isBuffer(value)) return text('value.object');
  if (value === undefined) return text('value.undefined');
  return text('value.other', { type: Buffer.isBuffer(value) ? 'Buffer' : typeof value });
}

function describeChar(input: string, i: number): string {
  const code = input.codePointAt(i) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0x21 && code <= 0x7e ? `'${String.fromCodePoint(code)}'` : hex;
}

function formatBytes(n: number): Text {
  const mib = n / (1024 * 1024);
  const bytes = n.toLocaleString('en');
  return mib >= 0.1 ? text('size.bytes_mib', { bytes, mib: mib.toFixed(1) }) : text('size.bytes', { bytes });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** libvips messages run over several lines and repeat themselves; keep each line once, briefly. */
function sharpMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [...new Set(message.split('\n').map((line) => line.trim()).filter(Boolean))];
  return truncate(lines.join('; ') || 'unknown error', 200);
}
