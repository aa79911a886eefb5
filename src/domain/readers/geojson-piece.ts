/** Parsing one piece the frame scanner found (a feature, or a top-level member), shared by the GeoJSON reader's parts. */
import { isUtf8 } from 'node:buffer';
import { FileUnreadableError } from '../errors.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import type { PrecisionCount } from './coordinate-precision.js';
import { findJsonError } from './json-error-position.js';
import type { FrameEvent } from './json-frame-scanner.js';
import { nestingTooDeep, fileSpot, repairJsonText, unreadFeature } from './read-problems.js';

/** True when the piece's bytes are all UTF-8 (isUtf8 of the range, without a copy). */
export function isUtf8Piece(event: FrameEvent): boolean {
  const { buf, start, end } = event.bytes;
  return isUtf8(buf.subarray(start, end));
}

/**
 * The piece with its bytes that are not UTF-8 read as Windows-1252, and the warning that
 * says where they were (`prefix`: the member the piece is the value of). Geometry hints are
 * dropped: they were positions in the old bytes.
 */
export function repairedPiece(event: FrameEvent, prefix?: string): { event: FrameEvent; warning: ReadWarning } {
  const { buf, start, end } = event.bytes;
  const { bytes, warning } = repairJsonText(buf, start, end, event.offset, event.line, prefix);
  return { event: { ...event, bytes: { buf: bytes, start: 0, end: bytes.length }, geometryStart: -1, geometryEnd: -1 }, warning };
}

/** The feature standing for an element of `features` that nests deeper than `limit`: reported, never parsed. */
export function tooDeepElement(event: FrameEvent, limit: number): SourceFeature {
  return unreadFeature(event.index, nestingTooDeep(`The feature at index ${event.index}`, limit, fileSpot(event.deepAt, event.deepLine)));
}

/** JSON.parse of one piece, turning its error into a sentence that says where in the file. */
export function parse(event: FrameEvent, what: string): unknown {
  const { buf, start, end } = event.bytes;
  const text = buf.toString('utf8', start, end);
  try {
    return JSON.parse(text);
  } catch (err) {
    const found = findJsonError(text);
    if (!found) throw new FileUnreadableError(`Invalid JSON in ${what}, which starts at byte offset ${event.offset} (line ${event.line}).`, undefined, err);
    const before = text.slice(0, found.position);
    const offset = event.offset + Buffer.byteLength(before);
    const line = event.line + countNewlines(before);
    throw new FileUnreadableError(`Invalid JSON at byte offset ${offset} (line ${line}) in ${what}: ${found.problem}.`, undefined, err);
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

export function build(index: number, geometry: unknown, properties: unknown, id: unknown, precision: PrecisionCount | undefined): SourceFeature {
  const out: SourceFeature = {
    index,
    geometry: geometry === undefined ? null : geometry,
    properties: isPlainObject(properties) ? properties : {},
  };
  if (typeof id === 'string' || typeof id === 'number') out.id = id;
  if (precision) out.precision = precision;
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
