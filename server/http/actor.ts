/**
 * The person behind a request, from the X-Actor header: checked here, at the edge, because the
 * audit context (audit-scope.ts) records it for every write and routes name it in their steps.
 */
import type { Request } from 'express';
import { badRequest } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import { unstorableText } from '../formats/encoding.js';

const MAX_ACTOR_LENGTH = 100;

/**
 * Who makes a change: the person named in the `X-Actor` header (percent-encoded UTF-8, so
 * Chinese names fit in a header) working under the request's key, or else the key's name. The
 * audit log records the key as well, which is what the service vouches for.
 */
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function actorOf(req: Request): string {
  const raw = req.get('X-Actor');
  if (raw === undefined || raw.trim() === '') return req.principal?.name ?? 'anonymous';
  let actor: string;
  try {
    actor = decodeURIComponent(raw).trim();
  } catch {
    throw badRequest('invalid_header', text('invalid_header.actor_encoding'));
  }
  const broken = unstorableText(actor);
  if (broken) throw badRequest('invalid_header', text('invalid_header.actor_text', { problem: broken }));
  // An actor name is shown in the audit log and its exports: a line break would forge a line,
  // a bidi control would make one name read as another.
  if (CONTROL_OR_BIDI.test(actor)) throw badRequest('invalid_header', text('invalid_header.actor_control'));
  if (actor.length > MAX_ACTOR_LENGTH) throw badRequest('invalid_header', text('invalid_header.actor_length', { max: MAX_ACTOR_LENGTH }));
  return actor;
}
