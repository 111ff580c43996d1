/**
 * Writing CSV that spreadsheets open safely. A text cell that begins with = + - @ (or a tab or
 * carriage return) would be read by Excel or WPS as a formula — a grid named `=HYPERLINK(…)`
 * would run when a planner opens the export — so such a cell is written with a leading `'`, as
 * spreadsheets themselves do to keep text as text (OWASP's advice on CSV injection). Numbers are
 * written as they are.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}
