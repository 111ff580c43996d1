/**
 * Residents' reports (随手拍) without a key: an incident from source `resident` in the grid at
 * the place given, with its photo checked as camera snapshots are, answered with a tracking
 * number that cannot be guessed (100 random bits). At most `perHour` reports an hour come from
 * one client address — counted in the database, so the limit holds across instances; the
 * address itself is kept only as a salted hash.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { insertPublicReport, publicReportSalt, reportsFromSource } from '../db/public-reports.js';
import { DomainError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import type { Incident } from '../db/incidents.js';
import type { IncidentService, ReportInput } from './incidents.js';

/** Crockford's base32: no I, L, O, U — nothing to misread on a phone screen or over the phone. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_NUMBER = /^SP-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

/** SP-XXXX-XXXX-XXXX-XXXX-XXXX: 20 base32 digits, 100 random bits. */
export function newTrackingNumber(): string {
  const bytes = randomBytes(20);
  const digits = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return `SP-${digits.match(/.{4}/g)!.join('-')}`;
}

export interface PublicReportOptions {
  /** Reports an hour from one client address (0: residents' reports are off). */
  perHour: number;
}

export const defaultPublicReportOptions: PublicReportOptions = { perHour: 5 };

export async function filePublicReport(
  db: Kysely<Database>,
  incidents: IncidentService,
  input: ReportInput,
  clientAddress: string,
  options: PublicReportOptions,
): Promise<{ trackingNumber: string; incident: Incident }> {
  const sourceHash = createHmac('sha256', await publicReportSalt(db)).update(clientAddress).digest('hex');
  const trackingNumber = newTrackingNumber();
  const since = new Date(incidents.clock.now().getTime() - 3_600_000);
  const incident = await incidents.report({ ...input, source: 'resident', reporter: null }, 'resident (随手拍)', undefined, {
    before: async (trx) => {
      if ((await reportsFromSource(trx, sourceHash, since)) >= options.perHour) {
        throw new DomainError('too_many', 'too_many_reports', text('public_too_many_reports', { perHour: options.perHour }), { perHour: options.perHour });
      }
    },
    after: (trx, id) => insertPublicReport(trx, trackingNumber, id, sourceHash, incidents.clock.now()),
  });
  return { trackingNumber, incident };
}
