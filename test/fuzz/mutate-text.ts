/**
 * Mutations of text formats (GeoJSON, GeoJSONSeq, CSV) that keep the file mostly well formed,
 * so the damage reaches the readers and checks instead of stopping at the first byte: numbers
 * no float holds, nesting no stack holds, encodings the file does not declare, huge rows.
 * Text is handled as Latin-1 strings, one character per byte, so no byte is lost in between.
 */
import type { SeedFormat } from './corpus.js';
import type { Rng } from './rng.js';

export interface TextMutation {
  name: string;
  formats: SeedFormat[];
  apply(text: string, rng: Rng, format: SeedFormat): { text: string; detail: string };
}

const JSON_FORMATS: SeedFormat[] = ['geojson', 'geojsonseq'];
const TEXT_FORMATS: SeedFormat[] = ['geojson', 'geojsonseq', 'csv'];

/** A UTF-8 string as a Latin-1 string of its bytes. */
export const utf8Bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

const NUMBERS = [
  '1e308', '-1e308', '1e309', '-1e309', '-0', '-0.0', '0e0', 'NaN', 'Infinity', '-Infinity', '1e-400', '5e-324',
  '9007199254740993', '0x1F', '+5', '.5', '5.', '1_000', '1e+9999999999', '--1', '1e', '١٢٣',
];

function hugeNumber(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => rng.pick(NUMBERS)],
    [2, () => '9'.repeat(400)],
    [2, () => `-${rng.between(1, 9)}.${'3'.repeat(400)}`],
    [1, () => `1${'0'.repeat(rng.pick([400, 5000, 100_000]))}`],
  ])();
}

/** Where a replaceable value or a number sits. */
function numberSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/-?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?/g)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

const splice = (text: string, from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);

/** `[[[…x…]]]` or `{"a":{"a":…x…}}` nested `depth` times, optionally left open. */
function nested(depth: number, kind: 'array' | 'object', inner: string, closed: boolean): string {
  const open = kind === 'array' ? '[' : '{"a":';
  const close = kind === 'array' ? ']' : '}';
  return open.repeat(depth) + inner + (closed ? close.repeat(depth) : '');
}

/** Non-ASCII text a supplier's spreadsheet really holds, plus characters names should never take. */
const LATIN1_WORDS = ['Coopérative Café Ñandú', "Côte d'Ivoire", 'São Tomé', 'Ørsted ß'];
const HOSTILE = ['\u0000', '\u0007', '\u001b[31m', '\u202e', '\u2066', '\u200b', '\ufeff', '\ud800', '=cmd|" /C calc"!A0', '<script>alert(1)</script>'];
const INVALID_UTF8 = [[0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** A position inside a quoted JSON string, or inside a CSV field that is not a coordinate. */
function textPosition(text: string, rng: Rng, format: SeedFormat): number {
  const anchors: number[] = [];
  const pattern = format === 'csv' ? /[A-Za-z]{3,}/g : /"(?:plot_id|ProducerName|farmer|name|ProducerCountry)"\s*:\s*"/g;
  for (const m of text.matchAll(pattern)) anchors.push(m.index + m[0].length);
  return anchors.length > 0 ? rng.pick(anchors) : rng.int(text.length + 1);
}

export const TEXT_MUTATIONS: TextMutation[] = [
  {
    name: 'huge-number',
    formats: TEXT_FORMATS,
    apply(text, rng) {
      const spans = numberSpans(text);
      const n = Math.min(spans.length, rng.between(1, 3));
      const chosen = Array.from({ length: n }, () => rng.pick(spans)).sort((a, b) => b[0] - a[0]);
      const used: string[] = [];
      let out = text;
      let last = Infinity;
      for (const [from, to] of chosen) {
        if (to > last) continue;
        const number = hugeNumber(rng);
        used.push(number.length > 24 ? `${number.slice(0, 12)}…(${number.length} chars)` : number);
        out = splice(out, from, to, number);
        last = from;
      }
      return { text: out, detail: `numbers replaced by ${used.join(', ')}` };
    },
  },
  {
    name: 'deep-nesting',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      const depth = rng.weighted([[2, 64], [2, 1000], [3, 10_000], [3, 100_000]]);
      const kind = rng.pick(['array', 'object'] as const);
      const closed = rng.chance(0.8);
      if (format === 'csv') {
        // A WKT with parentheses nested that deep, or a GeoJSON geometry in a CSV cell.
        const wkt = `"POLYGON ${'('.repeat(depth)}1 2, 3 4, 5 6, 1 2${closed ? ')'.repeat(depth) : ''}"`;
        const json = `"${nested(depth, kind, '1', closed).replace(/"/g, '""')}"`;
        const cell = rng.chance(0.5) ? wkt : json;
        const lineEnd = text.indexOf('\n', text.indexOf('\n') + 1);
        const p = lineEnd > 0 ? lineEnd : text.length;
        return { text: splice(text, p, p, `,${cell}`), detail: `a CSV cell nested ${depth} deep (${cell.startsWith('"POLYGON') ? 'WKT' : kind}${closed ? '' : ', unclosed'})` };
      }
      const where = rng.pick(['"coordinates"', '"properties"', '"geometry"', '"features"']);
      const anchors = [...text.matchAll(new RegExp(`${where}\\s*:\\s*`, 'g'))].map((m) => m.index + m[0].length);
      const value = nested(depth, where === '"coordinates"' ? 'array' : kind, where === '"coordinates"' ? '[1,2]' : '1', closed);
      if (anchors.length === 0) return { text: value + text, detail: `${depth} levels before the file` };
      const p = rng.pick(anchors);
      // Put the deep value in front of the existing one as a property of its own where that keeps the JSON valid.
      const insert = where === '"properties"' ? `{"deep":${value},"rest":` : value + ',"was":';
      const suffix = where === '"properties"' ? '}' : '';
      const endOfValue = matchingEnd(text, p);
      const out = text.slice(0, p) + insert + text.slice(p, endOfValue) + suffix + text.slice(endOfValue);
      return { text: out, detail: `${where} nested ${depth} deep (${kind}${closed ? '' : ', unclosed'})` };
    },
  },
  {
    name: 'latin1',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      // What Excel on Windows writes: accented names in one byte each, never declared.
      const word = rng.pick(LATIN1_WORDS);
      const p = textPosition(text, rng, format);
      return { text: splice(text, p, p, word), detail: `"${word}" written in Latin-1` };
    },
  },
  {
    name: 'invalid-utf8',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      const seq = rng.pick(INVALID_UTF8);
      const p = textPosition(text, rng, format);
      return { text: splice(text, p, p, String.fromCharCode(...seq)), detail: `bytes ${seq.map((b) => b.toString(16)).join(' ')} inside a value` };
    },
  },
  {
    name: 'utf16',
    formats: TEXT_FORMATS,
    apply(text, rng) {
      const variant = rng.pick(['le-bom', 'be-bom', 'le', 'be'] as const);
      const utf8 = Buffer.from(text, 'latin1').toString('utf8');
      let bytes = Buffer.from((variant.endsWith('bom') ? '\ufeff' : '') + utf8, 'utf16le');
      if (variant.startsWith('be')) bytes = Buffer.from(bytes).swap16();
      return { text: bytes.toString('latin1'), detail: `the file in UTF-16 ${variant.toUpperCase()}` };
    },
  },
  {
    name: 'control-characters',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      const ch = rng.pick(HOSTILE);
      const p = textPosition(text, rng, format);
      // In JSON as an escape (valid JSON carrying the character), or raw (invalid JSON text).
      const escaped = format !== 'csv' && rng.chance(0.6);
      const insert = escaped ? JSON.stringify(ch).slice(1, -1) : utf8Bytes(ch);
      return { text: splice(text, p, p, insert), detail: `${JSON.stringify(ch)} ${escaped ? 'escaped' : 'raw'} in a name or value` };
    },
  },
  {
    name: 'long-value',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      const size = rng.pick([70_000, 1_000_000, 3_000_000]);
      const p = textPosition(text, rng, format);
      return { text: splice(text, p, p, 'x'.repeat(size)), detail: `a ${size}-character value` };
    },
  },
  {
    name: 'many-properties',
    formats: TEXT_FORMATS,
    apply(text, rng, format) {
      const n = rng.weighted([[3, 1000], [3, 20_000], [1, 100_000]]);
      if (format === 'csv') {
        const eol = text.search(/\r?\n/);
        const header = text.slice(0, eol);
        const sep = header.includes(';') ? ';' : ',';
        const extra = Array.from({ length: n }, (_, i) => `c${i}`).join(sep);
        // Extra columns in the header only, or in the header and each row.
        const rows = rng.chance(0.5);
        const body = rows ? text.slice(eol).replace(/(\r?\n)(?=.)/g, `${sep}${Array(n).fill('v').join(sep)}$1`) : text.slice(eol);
        return { text: `${header}${sep}${extra}${body}`, detail: `${n} more columns${rows ? ' in every row' : ' in the header'}` };
      }
      const props = Array.from({ length: n }, (_, i) => `"p${i}":${i}`).join(',');
      const anchors = [...text.matchAll(/"properties"\s*:\s*\{/g)].map((m) => m.index + m[0].length);
      if (anchors.length === 0) return { text, detail: 'no properties to grow' };
      const p = rng.pick(anchors);
      return { text: splice(text, p, p, props + (text[p] === '}' ? '' : ',')), detail: `${n} properties on one feature` };
    },
  },
  {
    name: 'json-type-confusion',
    formats: JSON_FORMATS,
    apply(text, rng) {
      const key = rng.pick(['type', 'features', 'geometry', 'coordinates', 'properties', 'crs', 'id', 'bbox']);
      const anchors = [...text.matchAll(new RegExp(`"${key}"\\s*:\\s*`, 'g'))].map((m) => m.index + m[0].length);
      const value = rng.pick(['null', '[]', '{}', '""', '"x"', '0', 'true', '[null]', '[[]]', '"FeatureCollection"', '"GeometryCollection"',
        '{"type":"name","properties":{"name":"EPSG:99999"}}', '{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32630"}}', '[1e308,1e308,1e308,1e308]']);
      if (anchors.length === 0) return { text: `{"${key}":${value},` + text.slice(text.indexOf('{') + 1), detail: `"${key}": ${value} added` };
      const p = rng.pick(anchors);
      return { text: splice(text, p, matchingEnd(text, p), value), detail: `"${key}" set to ${value}` };
    },
  },
  {
    name: 'csv-structure',
    formats: ['csv'],
    apply(text, rng) {
      const lines = text.split(/(?<=\n)/);
      const i = rng.between(0, Math.max(0, lines.length - 1));
      const how = rng.pick(['open-quote', 'drop-field', 'extra-fields', 'cr-only', 'blank-header', 'duplicate-header', 'tabs', 'header-only'] as const);
      if (how === 'open-quote') lines[i] = lines[i].replace(/,/, ',"');
      else if (how === 'drop-field') lines[i] = lines[i].replace(/[,;][^,;\r\n]*/, '');
      else if (how === 'extra-fields') lines[i] = lines[i].replace(/(\r?\n)?$/, `,a,b,"c""d",$1`);
      else if (how === 'cr-only') return { text: text.replace(/\r?\n/g, '\r'), detail: 'CR line endings' };
      else if (how === 'blank-header') lines[0] = lines[0].replace(/[^,;\r\n]+/, '');
      else if (how === 'duplicate-header') lines[0] = lines[0].replace(/^([^,;]+)([,;])/, '$1$2$1$2');
      else if (how === 'tabs') return { text: text.replace(/[,;]/g, '\t'), detail: 'tabs for delimiters' };
      else return { text: lines[0], detail: 'the header alone' };
      return { text: lines.join(''), detail: `${how} on line ${i + 1}` };
    },
  },
];

/** The end of the JSON value starting at `p` (brackets and strings balanced), or the text's end. */
function matchingEnd(text: string, p: number): number {
  let depth = 0;
  let inString = false;
  for (let i = p; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === ',' || c === '\n')) return i;
  }
  return text.length;
}
