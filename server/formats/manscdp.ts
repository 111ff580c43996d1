/**
 * GB/T 28181-2016 MANSCDP messages (Content-Type: Application/MANSCDP+xml) as video platforms
 * forward them: the alarm notification,
 *
 *   <?xml version="1.0" encoding="GB2312"?>
 *   <Notify>
 *     <CmdType>Alarm</CmdType> <SN>51</SN> <DeviceID>34020000001340000001</DeviceID>
 *     <AlarmPriority>1</AlarmPriority> <AlarmMethod>5</AlarmMethod>
 *     <AlarmTime>2026-11-23T08:00:00</AlarmTime> <AlarmDescription>…</AlarmDescription>
 *     <Longitude>119.2968</Longitude> <Latitude>26.0935</Latitude>
 *     <Info><AlarmType>6</AlarmType><AlarmTypeParam><EventType>1</EventType></AlarmTypeParam></Info>
 *   </Notify>
 *
 * A body may hold several notifications one after another (a platform forwarding a backlog);
 * each is read on its own, so that one broken notification is refused alone and the others
 * count. Pure: bytes in, notifications (or each one's problem) out.
 *
 * Text encoding: a byte-order mark, else the XML declaration's `encoding` (GB2312 and GBK are read
 * as their superset GB18030), else the Content-Type charset, else UTF-8 when the bytes are valid
 * UTF-8 and GB18030 when not (platforms on Chinese Windows often declare nothing, or misspell it).
 *
 * Safety: a document type declaration (and so any entity of its own: the "billion laughs") is
 * refused before parsing; only XML's predefined entities and character references are read.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { text as msg, type Text } from '../i18n/catalogue.js';
import { looksLikeUtf8 } from './encoding.js';

/** The fields of an alarm notification, as written (element names are matched without regard to case). */
export interface AlarmNotify {
  cmdType: string;
  sn?: string;
  deviceId?: string;
  alarmPriority?: string;
  alarmMethod?: string;
  alarmTime?: string;
  alarmDescription?: string;
  longitude?: string;
  latitude?: string;
  /** Info/AlarmType (or AlarmType directly under Notify, as some platforms write it). */
  alarmType?: string;
  /** Info/AlarmTypeParam/EventType: 1 entering, 2 leaving an area (intrusion detection). */
  eventType?: string;
}

export type NotifyResult = { ok: true; notify: AlarmNotify } | { ok: false; code: string; message: Text };

/** Most notifications in one body (as POST /api/feeds/events takes at most that many events). */
export const MAX_NOTIFIES = 1000;

/** The text of a MANSCDP body, decoded as its BOM, declaration or charset says (see above). */
export function decodeManscdp(bytes: Uint8Array, charset?: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  const head = buffer.subarray(0, 200).toString('latin1');
  const declared = /<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1] ?? charset;
  const encoding = encodingOf(declared) ?? (looksLikeUtf8(buffer) ? 'utf-8' : 'gb18030');
  return encoding === 'utf-8' ? buffer.toString('utf8') : iconv.decode(buffer, encoding);
}

function encodingOf(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const key = name.trim().toLowerCase().replace(/[\s_-]/g, '');
  if (key === 'utf8') return 'utf-8';
  if (['gb2312', 'gbk', 'gb18030', 'cp936', 'euccn', 'x-gbk'].includes(key)) return 'gb18030';
  return undefined;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Values stay text: an SN of "007" or a DeviceID is not a number.
  parseTagValue: false,
  trimValues: true,
  // Only XML's own entities (&amp; &lt; … and &#…;): a DOCTYPE, the only way to declare others, is refused first.
  processEntities: true,
  htmlEntities: false,
});

/**
 * The notifications of a body, in order. Undefined when the body holds no `<Notify>` at all
 * (it is no MANSCDP notification: the request as a whole is wrong).
 */
export function readNotifies(body: string): NotifyResult[] | undefined {
  const notifies = [...body.matchAll(/<Notify\b/gi)].map((match) => match.index);
  if (notifies.length === 0) return undefined;
  // Each document starts with its own prolog (declaration, DOCTYPE, comments) before its <Notify>.
  const starts = notifies.map((at, i) => (i === 0 ? 0 : prologStart(body, notifies[i - 1] + 1, at)));
  return starts.map((start, i) => readNotify(body.slice(start, starts[i + 1] ?? body.length)));
}

/**
 * Where the prolog right before `end` begins (no earlier than `from`): walking back over white
 * space, XML declarations, comments and a DOCTYPE (with its internal subset), so that they go
 * with the notification they precede.
 */
function prologStart(body: string, from: number, end: number): number {
  const lower = body.toLowerCase();
  let start = end;
  for (;;) {
    let at = start;
    while (at > from && /\s/.test(body[at - 1])) at--;
    const open = body.startsWith('?>', at - 2)
      ? lower.lastIndexOf('<?xml', at - 2)
      : body.startsWith('-->', at - 3)
        ? lower.lastIndexOf('<!--', at - 3)
        : body[at - 1] === '>'
          ? lower.lastIndexOf('<!doctype', at - 1)
          : -1;
    if (open < from) return at;
    start = open;
  }
}

/** The number of notifications a body announces, counted before any is parsed. */
export function countNotifies(body: string): number {
  return [...body.matchAll(/<Notify\b/gi)].length;
}

function readNotify(chunk: string): NotifyResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(chunk)) return { ok: false, code: 'xml_not_allowed', message: msg('xml_not_allowed') };
  const document = chunk.replace(/<\?xml[^>]*\?>/gi, '').trim();
  const valid = XMLValidator.validate(document);
  if (valid !== true) {
    return { ok: false, code: 'invalid_xml', message: msg('invalid_xml', { line: valid.err.line, col: valid.err.col, detail: valid.err.msg }) };
  }
  const parsed = parser.parse(document) as Record<string, unknown>;
  const rootName = Object.keys(parsed).find((name) => name.toLowerCase() === 'notify');
  const root = rootName ? parsed[rootName] : undefined;
  if (!rootName || Object.keys(parsed).length !== 1 || root === null || typeof root !== 'object') {
    return { ok: false, code: 'invalid_xml', message: msg('invalid_xml.root') };
  }
  const element = (parent: unknown, name: string): unknown => {
    if (parent === null || typeof parent !== 'object') return undefined;
    const key = Object.keys(parent).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : (parent as Record<string, unknown>)[key];
  };
  const value = (parent: unknown, name: string): string | undefined => {
    const found = element(parent, name);
    if (Array.isArray(found)) return undefined; // repeated: not one value
    if (typeof found === 'string') return found.trim() === '' ? undefined : found.trim();
    if (typeof found === 'number') return String(found);
    return undefined;
  };
  for (const name of ['CmdType', 'SN', 'DeviceID', 'AlarmPriority', 'AlarmMethod', 'AlarmTime']) {
    if (Array.isArray(element(root, name))) return { ok: false, code: 'invalid_alarm', message: msg('invalid_alarm.repeated', { name }) };
  }
  const info = element(root, 'Info');
  return {
    ok: true,
    notify: {
      cmdType: value(root, 'CmdType') ?? '',
      sn: value(root, 'SN'),
      deviceId: value(root, 'DeviceID'),
      alarmPriority: value(root, 'AlarmPriority'),
      alarmMethod: value(root, 'AlarmMethod'),
      alarmTime: value(root, 'AlarmTime'),
      alarmDescription: value(root, 'AlarmDescription'),
      longitude: value(root, 'Longitude'),
      latitude: value(root, 'Latitude'),
      alarmType: value(info, 'AlarmType') ?? value(root, 'AlarmType'),
      eventType: value(element(info, 'AlarmTypeParam'), 'EventType'),
    },
  };
}
