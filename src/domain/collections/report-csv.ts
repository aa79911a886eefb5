import type { Issue } from '../features/types.js';
import { csvRow } from '../csv-field.js';

/** The columns of the report as CSV (GET /collections/{id}/report?format=csv, and validation.csv of an export). */
export const REPORT_CSV_HEADER = 'feature,plot_id,code,severity,message,lon,lat\n';

/** The report's JSON lines (one issue each) as CSV text, header first, one issue a row. */
export async function* reportCsv(lines: AsyncIterable<string>): AsyncGenerator<string> {
  yield REPORT_CSV_HEADER;
  for await (const line of lines) {
    if (!line) continue;
    const i = JSON.parse(line) as Issue;
    yield csvRow([i.feature, i.plot_id, i.code, i.severity, i.message, i.location?.[0], i.location?.[1]]);
  }
}
