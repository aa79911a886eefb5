/**
 * One CSV field as Canopy writes it in every CSV it serves (the report, the export's
 * evidence): quoted when it needs to be (RFC 4180), and text that a spreadsheet would take
 * for a formula (= + - @, a tab or a carriage return first) prefixed with `'`, so opening the
 * file runs nothing. Numbers are written as they are: -5.2 is a longitude, not a formula.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row, with its line break. */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\n';
}
