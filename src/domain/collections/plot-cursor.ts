import { BadRequestError, ConflictError } from '../errors.js';

/**
 * A /fetch_plots cursor: where the next page starts, opaque to clients (base64url). It holds
 * the load it was made in, since a collection loaded again has other plots and row keys, and
 * the row key of the last plot sent: pages are keyset pages, so none repeats or skips a plot.
 */
export interface PlotCursor {
  loadId: string;
  /** The row key of the last plot of the page before. */
  after: number;
}

const ENCODED = /^[A-Za-z0-9_-]{4,200}$/;
const DECODED = /^([A-Za-z0-9-]{1,64})\.([1-9][0-9]{0,15})$/;

/** The cursor's text. */
export function encodePlotCursor(cursor: PlotCursor): string {
  return Buffer.from(`${cursor.loadId}.${cursor.after}`, 'utf8').toString('base64url');
}

function decode(text: string): PlotCursor | null {
  if (!ENCODED.test(text)) return null;
  const match = DECODED.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) return null;
  const after = Number(match[2]);
  return Number.isSafeInteger(after) ? { loadId: match[1], after } : null;
}

/** True when `text` is a cursor this server could have written. */
export function isPlotCursor(text: string): boolean {
  return decode(text) !== null;
}

/** Where the page after `text` starts in the live load; 400 for a cursor we never wrote, 409 for one of an earlier load. */
export function assertPlotCursor(text: string, liveLoadId: string): PlotCursor {
  const cursor = decode(text);
  if (cursor === null) {
    throw new BadRequestError('The cursor is not one this server gave: send the X-Next-Cursor header of the page before, as it is, or no cursor for the first page.', 'BAD_CURSOR');
  }
  if (cursor.loadId !== liveLoadId) {
    throw new ConflictError('The collection\'s plots were loaded again after this cursor was given; start again from the first page (no cursor).', 'CURSOR_STALE');
  }
  return cursor;
}
