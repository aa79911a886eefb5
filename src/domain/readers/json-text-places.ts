import { decodeLenient } from './text-encoding.js';

/** A JSON string that holds some of the given bytes: where it is, and its text as read. */
export interface JsonTextPlace {
  /** Member names and array indexes from the outer value to the string (a member name ends the path when it is the string). */
  path: string[];
  /** True when the string is a member name rather than a value. */
  inName: boolean;
  /** The string's text (escapes resolved, bytes that are not UTF-8 read as Windows-1252). */
  text: string;
}

interface Frame { object: boolean; key: string; index: number }

/**
 * The strings of the JSON text in buf[start, end) that hold any of the `offsets` (sorted),
 * found with one pass over the tokens. The text must be valid JSON nesting no deeper than the
 * readers' limit (the frame stack is that deep); only features with such bytes come here.
 */
export function jsonStringsHolding(buf: Uint8Array, start: number, end: number, offsets: number[]): JsonTextPlace[] {
  const places: JsonTextPlace[] = [];
  const stack: Frame[] = [];
  let expectName = false;
  let next = 0; // the first offset not yet placed
  for (let i = start; i < end && next < offsets.length;) {
    const c = buf[i];
    if (c === 0x7b || c === 0x5b) {
      stack.push({ object: c === 0x7b, key: '', index: 0 });
      expectName = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top !== undefined) { top.index++; expectName = top.object; }
      i++;
    } else if (c === 0x22) {
      const close = stringEnd(buf, i + 1, end);
      const top = stack[stack.length - 1];
      const isName = expectName && top?.object === true;
      let holds = false;
      while (next < offsets.length && offsets[next] < close) {
        if (offsets[next] > i) holds = true;
        next++;
      }
      if (isName || holds) {
        const text = stringValue(buf, i, close);
        if (isName) { top.key = text; expectName = false; }
        if (holds) places.push({ path: stack.map((f) => (f.object ? f.key : String(f.index))), inName: isName, text });
      }
      i = close;
    } else {
      i++;
    }
  }
  return places;
}

/** The index after the closing quote of the string whose content starts at `i`. */
function stringEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = buf[i++];
    if (c === 0x22) return i;
    if (c === 0x5c) i++;
  }
  return end;
}

function stringValue(buf: Uint8Array, from: number, to: number): string {
  const text = decodeLenient(buf, from, to);
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}

/** Where a string of a GeoJSON feature is, for a message: `property "name"`, `the geometry`, … */
export function describeFeaturePlace(place: JsonTextPlace): string {
  const [member, name] = place.path;
  if (member === 'properties' && name !== undefined) return `property "${short(name)}"${place.inName ? ' (its name)' : ''}`;
  if (member === 'geometry') return 'the geometry';
  if (member === 'id') return 'the id';
  return `the member "${short(member ?? '')}"`;
}

/** A text cut to 40 characters for a message. */
export function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
