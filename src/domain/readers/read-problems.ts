/**
 * The problems every reader words the same way: a feature nested over the depth limit
 * (NESTING_TOO_DEEP, the feature is not read) and text that is not UTF-8
 * (TEXT_ENCODING_INVALID, read as Windows-1252 and said so).
 */
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { describeFeaturePlace, jsonStringsHolding, short } from './json-text-places.js';
import { describeBytes, ENCODING_ADVICE, invalidUtf8Bytes, repairUtf8 } from './text-encoding.js';

type ReadProblem = NonNullable<SourceFeature['readProblem']>;

/** `what` ("The feature", "Row 3, column "geom"") nests deeper than `limit`; `where` says from where in the file, when known. */
export function nestingTooDeep(what: string, limit: number, where = ''): ReadProblem {
  return {
    code: 'NESTING_TOO_DEEP',
    message: `${what} nests arrays and objects more than ${limit} levels deep${where === '' ? '' : ` (${where.trim()})`}, beyond this server's limit (CANOPY_MAX_NESTING_DEPTH), so it was not read; flatten its properties or fix its geometry.`,
  };
}

/** A feature with nothing read but the reason. */
export function unreadFeature(index: number, problem: ReadProblem): SourceFeature {
  return { index, geometry: null, properties: {}, readProblem: problem };
}

/** " at byte offset 12, line 3": where in the file, for messages. */
export function fileSpot(offset: number, line?: number): string {
  return line === undefined ? ` at byte offset ${offset}` : ` at byte offset ${offset}, line ${line}`;
}

/**
 * The warning for text that is not UTF-8 found in `places` (each already worded, e.g.
 * `property "name"`), with `sample` the first of them as read and `bytes` the first bad bytes.
 */
export function undecodableText(places: string[], sample: string, bytes: string, spot: string): ReadWarning {
  const listed = places.length === 0 ? 'the feature' : places.length <= 3 ? places.join(', ') : `${places.slice(0, 3).join(', ')} and ${places.length - 3} more`;
  return {
    code: 'TEXT_ENCODING_INVALID',
    message: `${listed} held bytes that are not UTF-8 (${bytes}${bytes.includes(',') ? ', the first' : ''}${spot}), read as Windows-1252 ("${short(sample)}"); ${ENCODING_ADVICE}.`
      .replace(/^./, (c) => c.toUpperCase()),
  };
}

/**
 * A GeoJSON feature's (or member's) JSON text that is not all UTF-8, repaired (repairUtf8)
 * for JSON.parse, and the warning naming where the bytes were. `prefix` is the member the
 * text is the value of, for a lone Feature's members.
 */
export function repairJsonText(buf: Uint8Array, start: number, end: number, offset: number, line: number, prefix?: string): { bytes: Buffer; warning: ReadWarning } {
  const bad = invalidUtf8Bytes(buf, start, end);
  const found = jsonStringsHolding(buf, start, end, bad);
  const places = [...new Set(found.map((p) => describeFeaturePlace(prefix === undefined ? p : { ...p, path: [prefix, ...p.path] })))];
  let lines = 0;
  for (let i = start; i < bad[0]; i++) if (buf[i] === 0x0a) lines++;
  const warning = undecodableText(places, found[0]?.text ?? '', describeBytes(buf, bad), fileSpot(offset + bad[0] - start, line + lines));
  return { bytes: repairUtf8(buf, start, end), warning };
}
