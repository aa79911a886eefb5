/**
 * Control characters (C0, DEL, C1) and the bidirectional-text controls, which a terminal
 * would obey: text from the server (names, file properties) could otherwise move the cursor,
 * retitle the window or make one name read as another.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Text as a terminal may show it: each invisible control written as \u{XXXX}. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** Prints rows as aligned columns with a header line, or one JSON array when asked (for scripts). */
export function printRows(rows: Record<string, string | number | boolean | null>[], columns: string[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cells = [columns, ...rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '-' : visible(String(row[c])))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  for (const line of cells) process.stdout.write(line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd() + '\n');
}
