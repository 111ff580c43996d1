/**
 * Staff phone numbers: personal data (个人信息, PIPL). Stored as written after a light
 * normalisation, shown in full only to callers who may contact staff (see server/access/roles.ts,
 * `staff:contact`) and to the staff member themself; everyone else sees them masked.
 */

/** A mobile (1xx xxxx xxxx, optionally +86) or a landline with its area code (0591-87654321, extension allowed). */
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/;

/** The number in one form (spaces and the country code dropped), or undefined when it is no Chinese phone number. */
export function normalizePhone(value: string): string | undefined {
  const text = value.normalize('NFKC').trim().replace(/[\s()（）]/g, '');
  const mobile = text.replace(/-/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  if (MOBILE.test(mobile)) return mobile;
  // A landline written without the hyphen after its area code: 059187654321 is ambiguous; keep it only as written with one.
  if (LANDLINE.test(text)) return text;
  return undefined;
}

/** 13800138000 → 138****8000; 0591-87654321 → 0591-****4321. */
export function maskPhone(phone: string): string {
  if (MOBILE.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const [area, number, extension] = phone.split('-');
  if (number === undefined) return `${'*'.repeat(Math.max(0, phone.length - 4))}${phone.slice(-4)}`;
  return `${area}-****${number.slice(-4)}${extension ? '-*' : ''}`;
}
