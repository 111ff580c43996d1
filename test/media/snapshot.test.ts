/**
 * Event snapshots: base64 / data URL → original bytes + WebP thumbnail, and every refusal.
 * All images are made here with sharp; nothing touches the database.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkSnapshot, defaultSnapshotLimits, prepareSnapshot, type Snapshot, type SnapshotResult } from '../../server/media/snapshot.js';
import { translate } from '../../server/i18n/catalogue.js';

/** Noise, so JPEG sizes and decode work are like a camera frame's rather than a flat colour's. */
function noise(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
}

function solid(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } });
}

function valueOf(result: SnapshotResult): Snapshot {
  if (!result.ok) throw new Error(`expected a snapshot, got ${result.code}: ${translate(result.reason, 'en')}`);
  return result.value;
}

function refusalOf(result: SnapshotResult): { code: string; reason: string } {
  if (result.ok) throw new Error(`expected a refusal, got a ${result.value.width}×${result.value.height} snapshot`);
  return { code: result.code, reason: translate(result.reason, 'en') };
}

function isWebp(bytes: Buffer): boolean {
  return bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';
}

const b64 = (bytes: Buffer) => bytes.toString('base64');

let jpegLandscape: Buffer; // 1920×1080
let jpegPortrait: Buffer; // 1080×1920
let jpegSmall: Buffer; // 100×50
let png: Buffer; // 400×300
let gif: Buffer;
let webp: Buffer;

beforeAll(async () => {
  [jpegLandscape, jpegPortrait, jpegSmall, png, gif, webp] = await Promise.all([
    noise(1920, 1080).jpeg({ quality: 85 }).toBuffer(),
    noise(1080, 1920).jpeg({ quality: 85 }).toBuffer(),
    noise(100, 50).jpeg().toBuffer(),
    noise(400, 300).png().toBuffer(),
    solid(40, 30).gif().toBuffer(),
    solid(40, 30).webp().toBuffer(),
  ]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('prepareSnapshot: accepted images', () => {
  it('keeps a 1920×1080 JPEG as sent and makes a 320×180 WebP thumbnail', async () => {
    const snapshot = valueOf(await prepareSnapshot(b64(jpegLandscape)));
    expect(snapshot.contentType).toBe('image/jpeg');
    expect(snapshot.bytes.equals(jpegLandscape)).toBe(true);
    expect([snapshot.width, snapshot.height]).toEqual([1920, 1080]);
    expect([snapshot.thumbWidth, snapshot.thumbHeight]).toEqual([320, 180]);
    expect(isWebp(snapshot.thumb)).toBe(true);
    const thumbMeta = await sharp(snapshot.thumb).metadata();
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['webp', 320, 180]);
  });

  it('hashes the original bytes with SHA-256 (hex), as node:crypto does', async () => {
    const snapshot = valueOf(await prepareSnapshot(b64(jpegLandscape)));
    expect(snapshot.sha256).toBe(createHash('sha256').update(jpegLandscape).digest('hex'));
    expect(snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('thumbnails a 400×300 PNG to 320×240', async () => {
    const snapshot = valueOf(await prepareSnapshot(b64(png)));
    expect(snapshot.contentType).toBe('image/png');
    expect(snapshot.bytes.equals(png)).toBe(true);
    expect([snapshot.width, snapshot.height]).toEqual([400, 300]);
    expect([snapshot.thumbWidth, snapshot.thumbHeight]).toEqual([320, 240]);
    expect(isWebp(snapshot.thumb)).toBe(true);
  });

  it('never upscales: a 100×50 JPEG keeps its size', async () => {
    const snapshot = valueOf(await prepareSnapshot(b64(jpegSmall)));
    expect([snapshot.width, snapshot.height]).toEqual([100, 50]);
    expect([snapshot.thumbWidth, snapshot.thumbHeight]).toEqual([100, 50]);
    expect(isWebp(snapshot.thumb)).toBe(true);
  });

  it('bounds a portrait 1080×1920 JPEG by its height: 180×320', async () => {
    const snapshot = valueOf(await prepareSnapshot(b64(jpegPortrait)));
    expect([snapshot.width, snapshot.height]).toEqual([1080, 1920]);
    expect([snapshot.thumbWidth, snapshot.thumbHeight]).toEqual([180, 320]);
  });

  it('orients the thumbnail by EXIF and strips metadata from it, keeping the original untouched', async () => {
    // Stored 400×200 landscape, EXIF Orientation 6 (rotate 90° clockwise to display): shown 200×400.
    const rotated = await noise(400, 200).jpeg().withMetadata({ orientation: 6 }).withExifMerge({ IFD0: { Make: 'TestCam' } }).toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const snapshot = valueOf(await prepareSnapshot(b64(rotated)));
    expect(snapshot.bytes.equals(rotated)).toBe(true);
    expect([snapshot.width, snapshot.height]).toEqual([200, 400]);
    expect([snapshot.thumbWidth, snapshot.thumbHeight]).toEqual([160, 320]);
    const thumbMeta = await sharp(snapshot.thumb).metadata();
    expect([thumbMeta.width, thumbMeta.height]).toEqual([160, 320]);
    expect(thumbMeta.exif).toBeUndefined();
    expect(thumbMeta.orientation).toBeUndefined();
  });

  it('accepts data URLs, matching the declared type case-insensitively', async () => {
    const jpeg = valueOf(await prepareSnapshot(`data:image/jpeg;base64,${b64(jpegSmall)}`));
    expect(jpeg.bytes.equals(jpegSmall)).toBe(true);
    expect(jpeg.contentType).toBe('image/jpeg');
    const pngResult = valueOf(await prepareSnapshot(`data:image/png;base64,${b64(png)}`));
    expect(pngResult.contentType).toBe('image/png');
    expect(valueOf(await prepareSnapshot(`DATA:Image/JPEG;BASE64,${b64(jpegSmall)}`)).bytes.equals(jpegSmall)).toBe(true);
    expect(valueOf(await prepareSnapshot(`data:image/jpg;base64,${b64(jpegSmall)}`)).contentType).toBe('image/jpeg');
    // Parameters before ;base64, and no declared type at all: the bytes decide.
    expect(valueOf(await prepareSnapshot(`data:image/jpeg;name=cam1.jpg;base64,${b64(jpegSmall)}`)).contentType).toBe('image/jpeg');
    expect(valueOf(await prepareSnapshot(`data:;base64,${b64(png)}`)).contentType).toBe('image/png');
  });

  it('tolerates whitespace and line breaks, and missing padding', async () => {
    const wrapped = b64(jpegSmall).replace(/.{76}/g, '$&\r\n');
    expect(valueOf(await prepareSnapshot(`  ${wrapped}\n`)).bytes.equals(jpegSmall)).toBe(true);
    expect(valueOf(await prepareSnapshot(`data:image/jpeg;base64,\n${wrapped}`)).bytes.equals(jpegSmall)).toBe(true);
    // Pick a length that needs padding, then drop it.
    const odd = jpegSmall.length % 3 === 0 ? Buffer.concat([jpegSmall, Buffer.from([0])]) : jpegSmall;
    const unpadded = b64(odd).replace(/=+$/, '');
    expect(unpadded.length % 4).not.toBe(0);
    expect(valueOf(await prepareSnapshot(unpadded)).bytes.equals(odd)).toBe(true);
  });

  it('prepares 20 snapshots in parallel', async () => {
    const inputs = Array.from({ length: 20 }, (_, k) => [jpegLandscape, png, jpegPortrait, jpegSmall][k % 4]);
    const results = await Promise.all(inputs.map((bytes) => prepareSnapshot(b64(bytes))));
    results.forEach((result, k) => {
      const snapshot = valueOf(result);
      expect(snapshot.bytes.equals(inputs[k])).toBe(true);
      expect(snapshot.sha256).toBe(createHash('sha256').update(inputs[k]).digest('hex'));
      expect(isWebp(snapshot.thumb)).toBe(true);
      expect(Math.max(snapshot.thumbWidth, snapshot.thumbHeight)).toBe(Math.min(320, Math.max(snapshot.width, snapshot.height)));
    });
  });
});

describe('prepareSnapshot: refusals', () => {
  it('invalid_snapshot: anything but a string', async () => {
    for (const [input, what] of [
      [null, 'null'],
      [undefined, 'undefined'],
      [42, 'a number'],
      [{ data: 'x' }, 'an object'],
      [['x'], 'an array'],
      [Buffer.from('x'), 'a Buffer'],
    ] as const) {
      const refusal = refusalOf(await prepareSnapshot(input));
      expect(refusal.code).toBe('invalid_snapshot');
      expect(refusal.reason).toContain(`got ${what}`);
    }
  });

  it('invalid_snapshot: a data URL that is not base64-encoded or has no data part', async () => {
    const plain = refusalOf(await prepareSnapshot('data:image/jpeg,%FF%D8%FF'));
    expect(plain.code).toBe('invalid_snapshot');
    expect(plain.reason).toContain('not base64-encoded');
    const noComma = refusalOf(await prepareSnapshot(`data:image/jpeg;base64${'A'.repeat(400)}`));
    expect(noComma.code).toBe('invalid_snapshot');
    expect(noComma.reason).toContain("no ','");
  });

  it('invalid_base64: characters outside the alphabet, say which and where', async () => {
    const at = refusalOf(await prepareSnapshot('@@@'));
    expect(at).toEqual({ code: 'invalid_base64', reason: expect.stringContaining("character '@' at offset 0") });
    const later = refusalOf(await prepareSnapshot('QUJD\nRA==!'));
    expect(later.code).toBe('invalid_base64');
    const url = refusalOf(await prepareSnapshot('ab-_'));
    expect(url.code).toBe('invalid_base64');
    expect(url.reason).toContain('base64url');
    const control = refusalOf(await prepareSnapshot('QUJD\u0000'));
    expect(control.reason).toContain('U+0000');
    const inDataUrl = refusalOf(await prepareSnapshot('data:image/jpeg;base64,/9j/#AAA'));
    expect(inDataUrl.code).toBe('invalid_base64');
    expect(inDataUrl.reason).toContain("character '#' at offset 27");
  });

  it('invalid_base64: misplaced or wrong padding, impossible lengths', async () => {
    for (const text of ['QQ==QQ==', 'QQ===', 'QUJDRA=', 'QUJD=', 'Q', 'QUJDR', '==']) {
      expect(refusalOf(await prepareSnapshot(text)).code, text).toBe('invalid_base64');
    }
  });

  it('empty_snapshot: no data', async () => {
    for (const text of ['', '  \r\n ', 'data:image/jpeg;base64,']) {
      expect(refusalOf(await prepareSnapshot(text)), JSON.stringify(text)).toEqual({ code: 'empty_snapshot', reason: expect.any(String) });
    }
  });

  it('snapshot_too_large: an 8 MB string, with the size and the limit', async () => {
    const refusal = refusalOf(await prepareSnapshot('A'.repeat(8 * 1024 * 1024)));
    expect(refusal.code).toBe('snapshot_too_large');
    expect(refusal.reason).toContain('6,291,456 bytes'); // 8 Mi base64 characters → 6 MiB
    expect(refusal.reason).toContain('5,242,880 bytes'); // the default 5 MiB limit
  });

  it('snapshot_too_large: decided from the base64 length, without decoding (100 MB string)', async () => {
    const from = vi.spyOn(Buffer, 'from');
    const huge = 'A'.repeat(100 * 1024 * 1024);
    const refusal = refusalOf(await prepareSnapshot(`data:image/jpeg;base64,${huge}`));
    expect(refusal.code).toBe('snapshot_too_large');
    expect(from.mock.calls.filter(([arg]) => typeof arg === 'string' && arg.length > 1024)).toHaveLength(0);
  });

  it('snapshot_too_large: a real JPEG over a custom limit', async () => {
    const refusal = refusalOf(await prepareSnapshot(b64(jpegLandscape), { ...defaultSnapshotLimits, maxBytes: 100_000 }));
    expect(refusal.code).toBe('snapshot_too_large');
    // The size is estimated from the base64 length without decoding: within the padding (≤ 2 bytes).
    const estimate = Number(/about ([\d,]+) bytes/.exec(refusal.reason)![1].replace(/,/g, ''));
    expect(Math.abs(estimate - jpegLandscape.length)).toBeLessThanOrEqual(2);
    expect(refusal.reason).toContain('100,000 bytes');
  });

  it('unsupported_image_type: GIF and WebP (made by sharp), and unknown bytes', async () => {
    const gifRefusal = refusalOf(await prepareSnapshot(b64(gif)));
    expect(gifRefusal.code).toBe('unsupported_image_type');
    expect(gifRefusal.reason).toContain('GIF');
    const webpRefusal = refusalOf(await prepareSnapshot(b64(webp)));
    expect(webpRefusal.code).toBe('unsupported_image_type');
    expect(webpRefusal.reason).toContain('WebP');
    // Even when a data URL declares them.
    expect(refusalOf(await prepareSnapshot(`data:image/gif;base64,${b64(gif)}`)).code).toBe('unsupported_image_type');
    const unknown = refusalOf(await prepareSnapshot(b64(Buffer.from('hello, world'))));
    expect(unknown.code).toBe('unsupported_image_type');
    expect(unknown.reason).toContain('unknown type (first bytes 68 65 6C 6C 6F 2C 20 77)');
    const svg = refusalOf(await prepareSnapshot(b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))));
    expect(svg.reason).toContain('SVG');
  });

  it('image_type_mismatch: a data URL declaring image/png with JPEG bytes, and the reverse', async () => {
    const refusal = refusalOf(await prepareSnapshot(`data:image/png;base64,${b64(jpegSmall)}`));
    expect(refusal).toEqual({ code: 'image_type_mismatch', reason: expect.stringMatching(/declares image\/png.*JPEG/) });
    expect(refusalOf(await prepareSnapshot(`data:image/jpeg;base64,${b64(png)}`)).code).toBe('image_type_mismatch');
    expect(refusalOf(await prepareSnapshot(`data:image/webp;base64,${b64(jpegSmall)}`)).code).toBe('image_type_mismatch');
  });

  it('corrupt_image: a JPEG truncated to half its bytes is refused, not thumbnailed grey', async () => {
    const half = jpegLandscape.subarray(0, jpegLandscape.length >> 1);
    const refusal = refusalOf(await prepareSnapshot(b64(half)));
    expect(refusal.code).toBe('corrupt_image');
    // Found without decoding a pixel (checkSnapshot runs on the request's path).
    const checked = await checkSnapshot(b64(half));
    expect(checked.ok ? checked : { ok: false, code: checked.code, reason: translate(checked.reason, 'en') }).toEqual({ ok: false, ...refusal });
    expect(refusal.reason).toMatch(/JPEG.*cut short/i);
  });

  it('corrupt_image: a truncated PNG, and JPEG magic followed by garbage', async () => {
    expect(refusalOf(await prepareSnapshot(b64(png.subarray(0, png.length >> 1)))).code).toBe('corrupt_image');
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x42)]);
    const refusal = refusalOf(await prepareSnapshot(b64(garbage)));
    expect(refusal.code).toBe('corrupt_image');
    expect(refusal.reason.length).toBeLessThan(300);
  });

  it('image_too_large: a 9000×9000 PNG (small in bytes) is refused from its header', async () => {
    const bomb = await sharp({ create: { width: 9000, height: 9000, channels: 3, background: 'white' } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(defaultSnapshotLimits.maxBytes);
    const refusal = refusalOf(await prepareSnapshot(b64(bomb)));
    expect(refusal.code).toBe('image_too_large');
    expect(refusal.reason).toContain('9000×9000 = 81,000,000 pixels');
    expect(refusal.reason).toContain('40,000,000');
  });

  it('image_too_large: a small maxPixels', async () => {
    const refusal = refusalOf(await prepareSnapshot(b64(jpegLandscape), { ...defaultSnapshotLimits, maxPixels: 1_000_000 }));
    expect(refusal.code).toBe('image_too_large');
    expect(refusal.reason).toContain('1920×1080 = 2,073,600 pixels');
  });

  it('zero_size_image: a PNG header of width 0 and a JPEG header of height 0', async () => {
    const zeroPng = Buffer.from(await solid(4, 4).png().toBuffer());
    zeroPng.writeUInt32BE(0, 16); // IHDR width
    zeroPng.writeUInt32BE(zlib.crc32(zeroPng.subarray(12, 29)) >>> 0, 29); // IHDR CRC
    const pngRefusal = refusalOf(await prepareSnapshot(b64(zeroPng)));
    expect(pngRefusal).toEqual({ code: 'zero_size_image', reason: expect.stringContaining('0×4') });

    const zeroJpeg = Buffer.from(await solid(8, 8).jpeg().toBuffer());
    let i = 2;
    while (zeroJpeg[i + 1] !== 0xc0) i += 2 + zeroJpeg.readUInt16BE(i + 2); // find SOF0
    zeroJpeg.writeUInt16BE(0, i + 5); // height
    const jpegRefusal = refusalOf(await prepareSnapshot(b64(zeroJpeg)));
    expect(jpegRefusal).toEqual({ code: 'zero_size_image', reason: expect.stringContaining('8×0') });
  });
});
