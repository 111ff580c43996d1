/**
 * Writing CSV that spreadsheets open safely: quoted where needed, and a text cell that starts
 * with = + - @ (or a tab or carriage return) prefixed with ' so that Excel and WPS show it as
 * text instead of running it as a formula (CSV injection). Numbers are written as numbers. A
 * UTF-8 BOM makes Excel read the Chinese. Pure.
 */

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: a header and rows, CRLF line ends, with a BOM. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
