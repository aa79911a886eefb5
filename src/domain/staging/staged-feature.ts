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
  return stagedLineHead(f) + (f.geometryText === undefined ? JSON.stringify(f.geometry) : textOf(f.geometryText));
}

/** A staged line up to its last field, the geometry (its tab included). */
export function stagedLineHead(f: CheckedFeature): string {
  const b = f.bbox;
  return `${f.index}\t${JSON.stringify(f.plotId)}\t${f.areaHa ?? ''}\t${b === null ? '' : `${b[0]},${b[1]},${b[2]},${b[3]}`}\t${JSON.stringify(f.properties)}\t`;
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
