import type { BBox, CheckedFeature, PlotGeometry } from '../features/types.js';

/**
 * A checked, loadable feature as the staging step stores it for the upload tasks to read
 * back, so an upload never re-parses or re-checks the source file. One line per feature,
 * six tab-separated fields:
 *
 *   index \t plot ID (JSON string or null) \t area ha ('' when unknown) \t
 *   bbox (4 numbers, comma-separated; '' when none) \t properties JSON \t geometry JSON
 *
 * JSON.stringify escapes every control character, so neither a tab nor a newline can occur
 * inside a field: a reader finds the fields with five indexOf calls and hands the geometry
 * and properties on as text (the plot store keeps JSON text) without parsing them.
 * Lines staged by earlier versions were one JSON object ({i, p, a, b, g, r}); they still read.
 */
export interface StagedFeature {
  /** 0-based index in the source file. */
  index: number;
  /** The file's own plot ID, or null. */
  plotId: string | null;
  /** Area in hectares. */
  areaHa: number | null;
  bbox: BBox | null;
  /** The feature's own properties, as JSON text. */
  propertiesJson: string;
  /** The checked 2D geometry, as GeoJSON text. */
  geometryJson: string;
}

export function stagedFeatureLine(f: CheckedFeature): string {
  const plotId = JSON.stringify(f.plotId);
  const properties = JSON.stringify(f.properties);
  const head = Buffer.allocUnsafe(stagedHeadRoom(plotId, properties));
  const end = writeStagedLineHead(f, plotId, properties, head, 0);
  return head.toString('utf8', 0, end) + (f.geometryText === undefined ? JSON.stringify(f.geometry) : textOf(f.geometryText));
}

/** Bytes a staged line's head may take, given its plot ID and properties as JSON. */
export function stagedHeadRoom(plotIdJson: string, propertiesJson: string): number {
  // Six tabs, an index and five numbers of at most 24 characters each (String() of a double).
  return 3 * (plotIdJson.length + propertiesJson.length) + 6 + 16 + 5 * 24;
}

/**
 * Writes a staged line up to its last field, the geometry (its tab included), into `out`
 * at `at` (with stagedHeadRoom bytes free there); returns where it ends. Numbers are written
 * straight as bytes (writeNumber), the two JSON fields are given.
 */
export function writeStagedLineHead(f: CheckedFeature, plotIdJson: string, propertiesJson: string, out: Buffer, at: number): number {
  at = writeNumber(f.index, out, at);
  out[at++] = TAB;
  at += out.write(plotIdJson, at, 'utf8');
  out[at++] = TAB;
  if (f.areaHa !== null) at = writeNumber(f.areaHa, out, at);
  out[at++] = TAB;
  const b = f.bbox;
  if (b !== null) {
    for (let k = 0; k < 4; k++) {
      if (k > 0) out[at++] = COMMA;
      at = writeNumber(b[k], out, at);
    }
  }
  out[at++] = TAB;
  at += out.write(propertiesJson, at, 'utf8');
  out[at++] = TAB;
  return at;
}

const TAB = 0x09, COMMA = 0x2c, ZERO = 0x30;
/** Powers of ten that are exact doubles, for decimals up to FAST_DECIMALS. */
const POW10 = Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));
const FAST_DECIMALS = 15;
const digits = new Uint8Array(24);

/**
 * Writes a decimal text of `v` that Number() reads back as exactly `v` (what String(v) gives
 * whenever v has at most 15 decimals and |v| < 2^53, without V8's shortest-form search): with
 * d the fewest decimals for which r = round(|v|·10^d) gives r / 10^d === |v|, the text is r
 * with a point d digits from its end. Both that division and Number()'s reading of the text
 * are the correctly rounded value of r/10^d, so they are the same double. Anything else is
 * written as String(v).
 */
export function writeNumber(v: number, out: Buffer, at: number): number {
  const a = Math.abs(v);
  let d = 0;
  while (d <= FAST_DECIMALS && a * POW10[d] < 9007199254740992 && Math.round(a * POW10[d]) / POW10[d] !== a) d++;
  if (d > FAST_DECIMALS || !(a * POW10[d] < 9007199254740992)) return at + out.write(String(v), at, 'latin1');
  let r = Math.round(a * POW10[d]);
  if (v < 0 && r !== 0) out[at++] = 0x2d;
  let n = 0;
  do {
    const digit = r % 10;
    digits[n++] = ZERO + digit;
    r = (r - digit) / 10;
  } while (r > 0 || n <= d); // at least one digit before the point
  for (let k = n - 1; k >= 0; k--) {
    if (k === d - 1) out[at++] = 0x2e;
    out[at++] = digits[k];
  }
  return at;
}

/** Text held as a string or as its UTF-8 bytes, as a string. */
export function textOf(text: string | Uint8Array): string {
  return typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
}

/** The fields of one staged line; geometry and properties stay text. */
export function readStagedLine(line: string): StagedFeature {
  if (line.charCodeAt(0) === 0x7b /* { */) return readLegacyLine(line);
  const t1 = line.indexOf('\t');
  const t2 = line.indexOf('\t', t1 + 1);
  const t3 = line.indexOf('\t', t2 + 1);
  const t4 = line.indexOf('\t', t3 + 1);
  const t5 = line.indexOf('\t', t4 + 1);
  if (t5 < 0) throw new RangeError('A staged feature line has fewer than six fields.');
  const plot = line.slice(t1 + 1, t2);
  const area = line.slice(t2 + 1, t3);
  const box = line.slice(t3 + 1, t4);
  return {
    index: Number(line.slice(0, t1)),
    plotId: plot === 'null' ? null : JSON.parse(plot) as string,
    areaHa: area === '' ? null : Number(area),
    bbox: box === '' ? null : box.split(',').map(Number) as BBox,
    propertiesJson: line.slice(t4 + 1, t5),
    geometryJson: line.slice(t5 + 1),
  };
}

/** Only the geometry of a staged line, parsed (the checks between features compare shapes). */
export function stagedGeometry(line: string): PlotGeometry {
  if (line.charCodeAt(0) === 0x7b) return (JSON.parse(line) as { g: PlotGeometry }).g;
  return JSON.parse(line.slice(line.lastIndexOf('\t') + 1)) as PlotGeometry;
}

function readLegacyLine(line: string): StagedFeature {
  const f = JSON.parse(line) as { i: number; p: string | null; a: number | null; b: BBox | null; g: PlotGeometry; r: Record<string, unknown> };
  return { index: f.i, plotId: f.p, areaHa: f.a, bbox: f.b, propertiesJson: JSON.stringify(f.r), geometryJson: JSON.stringify(f.g) };
}
