import { FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import { DEFAULT_FEATURE_LIMITS } from '../features/limits.js';

/** A run of bytes: one chunk's sub-range, or a concatenation when the piece spanned chunks. */
export interface ByteSlice { buf: Buffer; start: number; end: number }

/**
 * One complete piece of the top-level object: a member value (other than `features`), or
 * one element of the `features` array. `offset`/`line` say where it starts in the file.
 */
export interface FrameEvent {
  kind: 'member' | 'element';
  /** The member name (for elements: "features"). */
  key: string;
  /** 0-based position in the `features` array (elements only; -1 for members). */
  index: number;
  bytes: ByteSlice;
  offset: number;
  line: number;
  /**
   * Elements only: where in `bytes.buf` the object value of the feature's last top-level
   * member named `"geometry"` (as raw bytes) lies, [geometryStart, geometryEnd); -1 when
   * there is none, it is not an object, or its name or start was cut by a chunk boundary.
   * A hint found while scanning, not a parse: readers confirm it (geojson-reader.ts).
   */
  geometryStart: number;
  geometryEnd: number;
  /**
   * The file offset and line of the first "[" or "{" that nests deeper than the limit, or
   * -1: such a piece must not be parsed (the reader reports it instead, NESTING_TOO_DEEP).
   */
  deepAt: number;
  deepLine: number;
}

// States between pieces; CAPTURE covers every piece whose bytes we keep.
const enum St { Start, KeyFirst, KeyNext, Colon, Value, ElemFirst, ElemNext, AfterElem, AfterMember, Done, Capture }
const enum Cap { Container, Str, Literal }
const enum Target { Key, Member, Element }

// Byte classes for the hot loop outside strings: 0 is "nothing to do", which is most bytes.
const OUT_QUOTE = 1, OUT_OPEN = 2, OUT_CLOSE = 3, OUT_NEWLINE = 4;
const OUTSIDE = new Uint8Array(256);
OUTSIDE[0x22] = OUT_QUOTE;
OUTSIDE[0x7b] = OUTSIDE[0x5b] = OUT_OPEN;
OUTSIDE[0x7d] = OUTSIDE[0x5d] = OUT_CLOSE;
OUTSIDE[0x0a] = OUT_NEWLINE;
// Bytes that end a number or true/false/null.
const ENDS_LITERAL = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x2c, 0x7d, 0x5d]) ENDS_LITERAL[c] = 1;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Splits a GeoJSON document into its top-level members and `features` elements without
 * holding the file: a state machine for the top-level structure, and a depth/string
 * tracker that only finds where each piece ends (JSON.parse validates the piece itself)
 * and where it first nests deeper than the limit (FrameEvent.deepAt): as it walks every
 * byte anyway, nothing recursive downstream ever sees a deeper value. Every state survives
 * a chunk boundary, including a backslash that ends a chunk.
 */
export class JsonFrameScanner {
  private state: St = St.Start;
  private offset = 0; // file offset of the current chunk's first byte
  private line = 1;
  private featureCount = 0;
  /** True once a top-level `features` array has begun (even an empty one). */
  sawFeatures = false;
  /** File offset of the `features` array's "[" once seen, else -1. */
  featuresOffset = -1;
  private bomBytes = 0;
  private key = '';
  // The piece being captured.
  private cap: Cap = Cap.Container;
  private target: Target = Target.Member;
  private capFrom = 0; // index in the current chunk where the capture's bytes begin
  private capOffset = 0;
  private capLine = 1;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inStr = false;
  private esc = false;
  // The element's geometry (FrameEvent.geometryStart/End), as file offsets while scanning.
  private geometryName = false; // the last string at depth 1 was "geometry"
  private geometryOpen = -1;
  private geometryStart = -1;
  private geometryEnd = -1;
  // The piece's nesting limit, counted from its own first bracket, and where it was first passed.
  private depthLimit = 0;
  private deepAt = -1;
  private deepLine = 0;

  /**
   * `maxDepth` counts from the top-level object: a feature in `features` may nest that deep
   * (itself being 1), a top-level member's value one less.
   */
  constructor(private readonly maxBytes: number, private readonly maxDepth = DEFAULT_FEATURE_LIMITS.maxNestingDepth) {}

  /** Scans one chunk, appending every piece that completes in it to `out`. */
  push(chunk: Buffer, out: FrameEvent[]): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.state === St.Capture) {
        i = this.capture(chunk, i, out);
        continue;
      }
      const c = chunk[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (c === 0x0a) this.line++;
        i++;
      } else {
        i = this.structural(chunk, i, c);
      }
    }
    if (this.state === St.Capture) {
      // The piece continues in the next chunk: keep this chunk's part of it.
      this.parts.push(this.capFrom === 0 ? chunk : chunk.subarray(this.capFrom));
      this.partBytes += n - this.capFrom;
      this.capFrom = 0;
      if (this.partBytes > this.maxBytes) throw this.tooLarge();
    }
    this.offset += n;
  }

  /** Checks that the document ended where a document may end. */
  end(): void {
    if (this.state === St.Done) return;
    if (this.state === St.Start) throw new FileUnreadableError('The file is empty: it has no JSON object.');
    const capturing = this.state === St.Capture;
    const inside = capturing && this.target === Target.Element ? ` inside the feature at index ${this.featureCount}`
      : capturing && this.target === Target.Member ? ` inside the top-level "${this.key}" member`
        : !capturing && (this.state === St.ElemFirst || this.state === St.ElemNext || this.state === St.AfterElem)
          ? ` in the features array, after ${this.featureCount} feature(s)` : '';
    throw new FileUnreadableError(`The file ends unexpectedly at byte offset ${this.offset} (line ${this.line})${inside}: it looks truncated.`);
  }

  /** Handles one non-whitespace byte between pieces and returns the next index. */
  private structural(chunk: Buffer, i: number, c: number): number {
    switch (this.state) {
      case St.Start:
        // A UTF-8 byte-order mark may open the file (only as its very first bytes).
        if (this.bomBytes === this.offset + i && this.bomBytes < 3 && c === BOM[this.bomBytes]) { this.bomBytes++; return i + 1; }
        if (this.bomBytes === 1 || this.bomBytes === 2) throw this.unreadable(chunk, i, 'the file starts with an incomplete UTF-8 byte-order mark');
        if (c === 0x7b) { this.state = St.KeyFirst; return i + 1; }
        if (c === 0x5b) throw this.unreadable(chunk, i, 'the file is a JSON array; a GeoJSON file is one object (a FeatureCollection, a Feature or a geometry)');
        throw this.unexpected(chunk, i, 'a GeoJSON file starts with "{"');
      case St.KeyFirst:
        if (c === 0x7d) { this.state = St.Done; return i + 1; }
      // falls through: otherwise the same as after a comma
      case St.KeyNext:
        if (c === 0x22) return this.begin(chunk, i + 1, i, Cap.Str, Target.Key);
        if (c === 0x7d) throw this.unreadable(chunk, i, 'a comma is followed by "}" (JSON allows no trailing comma)');
        throw this.unexpected(chunk, i, 'expected a member name in double quotes');
      case St.Colon:
        if (c === 0x3a) { this.state = St.Value; return i + 1; }
        throw this.unexpected(chunk, i, `expected ":" after the member name "${this.key}"`);
      case St.Value:
        if (this.key === 'features') {
          if (c === 0x5b) { this.state = St.ElemFirst; this.sawFeatures = true; this.featuresOffset = this.offset + i; return i + 1; }
          throw this.unexpected(chunk, i, 'the "features" member must be an array');
        }
        if (c === 0x7b || c === 0x5b) return this.begin(chunk, i + 1, i, Cap.Container, Target.Member);
        if (c === 0x22) return this.begin(chunk, i + 1, i, Cap.Str, Target.Member);
        if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
          return this.begin(chunk, i + 1, i, Cap.Literal, Target.Member);
        }
        throw this.unexpected(chunk, i, `expected a value for the member "${this.key}"`);
      case St.ElemFirst:
        if (c === 0x5d) { this.state = St.AfterMember; return i + 1; }
      // falls through
      case St.ElemNext:
        if (c === 0x7b) return this.begin(chunk, i + 1, i, Cap.Container, Target.Element);
        if (c === 0x5d) throw this.unreadable(chunk, i, 'a comma is followed by "]" in the features array (JSON allows no trailing comma)');
        throw this.unexpected(chunk, i, `the feature at index ${this.featureCount} must be a JSON object`);
      case St.AfterElem:
        if (c === 0x2c) { this.state = St.ElemNext; return i + 1; }
        if (c === 0x5d) { this.state = St.AfterMember; return i + 1; }
        throw this.unexpected(chunk, i, `expected "," or "]" after the feature at index ${this.featureCount - 1}`);
      case St.AfterMember:
        if (c === 0x2c) { this.state = St.KeyNext; return i + 1; }
        if (c === 0x7d) { this.state = St.Done; return i + 1; }
        throw this.unexpected(chunk, i, `expected "," or "}" after the member "${this.key}"`);
      default: // St.Done
        throw this.unexpected(chunk, i, 'nothing may follow the end of the top-level object');
    }
  }

  /** Starts keeping bytes from `from` (the piece began at `at`); scanning resumes at `from`. */
  private begin(chunk: Buffer, from: number, at: number, cap: Cap, target: Target): number {
    this.state = St.Capture;
    this.cap = cap;
    this.target = target;
    this.capFrom = at;
    this.capOffset = this.offset + at;
    this.capLine = this.line;
    this.depth = 1;
    this.inStr = false;
    this.esc = false;
    this.geometryName = false;
    this.geometryOpen = this.geometryStart = this.geometryEnd = -1;
    this.depthLimit = target === Target.Element ? this.maxDepth : this.maxDepth - 1;
    this.deepAt = -1;
    return from;
  }

  /** The hot loop: finds where the current piece ends; returns the index after it, or n. */
  private capture(chunk: Buffer, i: number, out: FrameEvent[]): number {
    const n = chunk.length;
    let end = -1;
    if (this.cap === Cap.Container) {
      let depth = this.depth, line = this.line;
      const limit = this.depthLimit;
      if (this.inStr) {
        i = this.stringEnd(chunk, i);
        if (i < 0) return n;
        this.inStr = false;
      }
      scan: while (i < n) {
        let k = OUTSIDE[chunk[i++]];
        // Digits, commas and letters need nothing: skip them in the tightest loop.
        while (k === 0) {
          if (i === n) break scan;
          k = OUTSIDE[chunk[i++]];
        }
        if (k === OUT_QUOTE) {
          const from = i;
          i = this.stringEnd(chunk, i);
          if (i < 0) {
            this.inStr = true;
            if (depth === 1) this.nameCut();
            break;
          }
          // A member name, or a string value (then the next name comes before any "{").
          if (depth === 1) this.geometryName = i - from === 9 && isGeometryName(chunk, from);
        } else if (k === OUT_OPEN) {
          if (++depth === 2) this.memberOpened(chunk, i);
          // Only counted here, so the piece's end is still found however deep it goes.
          else if (depth > limit && this.deepAt < 0) { this.deepAt = this.offset + i - 1; this.deepLine = line; }
        } else if (k === OUT_CLOSE) {
          if (--depth < 2) {
            if (depth === 0) { end = i; break; }
            this.memberClosed(i);
          }
        } else line++;
      }
      this.depth = depth; this.line = line;
    } else if (this.cap === Cap.Str) {
      end = this.stringEnd(chunk, i);
    } else {
      for (; i < n; i++) if (ENDS_LITERAL[chunk[i]] === 1) { end = i; break; }
    }
    if (end < 0) return n;
    this.finish(chunk, end, out);
    return end;
  }

  /** A member's value opened with the byte before `i`: a later "geometry" member replaces an earlier one, as in JSON.parse. */
  private memberOpened(chunk: Buffer, i: number): void {
    if (!this.geometryName) return;
    this.geometryStart = this.geometryEnd = -1;
    if (chunk[i - 1] === 0x7b) this.geometryOpen = this.offset + i - 1;
    this.geometryName = false;
  }

  /** A member's value closed with the byte before `i`. */
  private memberClosed(i: number): void {
    if (this.geometryOpen < 0) return;
    this.geometryStart = this.geometryOpen;
    this.geometryEnd = this.offset + i;
    this.geometryOpen = -1;
  }

  /** A string at depth 1 goes on in the next chunk: it cannot be read, and may be a later "geometry" name. */
  private nameCut(): void {
    this.geometryName = false;
    this.geometryStart = this.geometryEnd = -1;
  }

  /** From inside a string at `i`: the index after its closing quote, or -1 when the chunk ends first. */
  private stringEnd(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (this.esc) { this.esc = false; i++; } // the byte after a backslash that ended the last chunk
    while (i < n) {
      const c = chunk[i++];
      if (c === 0x22) return i;
      if (c === 0x5c) {
        if (i === n) { this.esc = true; return -1; }
        i++;
      }
    }
    return -1;
  }

  private finish(chunk: Buffer, end: number, out: FrameEvent[]): void {
    if (this.partBytes + end - this.capFrom > this.maxBytes) throw this.tooLarge();
    let bytes: ByteSlice;
    if (this.parts.length === 0) {
      bytes = { buf: chunk, start: this.capFrom, end };
    } else {
      this.parts.push(chunk.subarray(0, end));
      const buf = Buffer.concat(this.parts, this.partBytes + end);
      bytes = { buf, start: 0, end: buf.length };
      this.parts = [];
      this.partBytes = 0;
    }
    if (this.target === Target.Key) {
      this.key = this.decodeKey(bytes);
      this.state = St.Colon;
    } else if (this.target === Target.Member) {
      out.push({
        kind: 'member', key: this.key, index: -1, bytes, offset: this.capOffset, line: this.capLine, geometryStart: -1, geometryEnd: -1,
        deepAt: this.deepAt, deepLine: this.deepLine,
      });
      this.state = St.AfterMember;
    } else {
      const found = this.geometryEnd >= 0;
      const shift = bytes.start - this.capOffset; // file offsets → positions in bytes.buf
      out.push({
        kind: 'element', key: 'features', index: this.featureCount++, bytes, offset: this.capOffset, line: this.capLine,
        geometryStart: found ? this.geometryStart + shift : -1, geometryEnd: found ? this.geometryEnd + shift : -1,
        deepAt: this.deepAt, deepLine: this.deepLine,
      });
      this.state = St.AfterElem;
    }
  }

  private decodeKey(bytes: ByteSlice): string {
    const text = bytes.buf.toString('utf8', bytes.start, bytes.end);
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new FileUnreadableError(`The member name ${text.slice(0, 80)} at byte offset ${this.capOffset} (line ${this.capLine}) is not a valid JSON string.`);
    }
  }

  private tooLarge(): PayloadTooLargeError {
    const where = `starting at byte offset ${this.capOffset} (line ${this.capLine})`;
    const what = this.target === Target.Element ? `The feature at index ${this.featureCount}`
      : this.target === Target.Member ? `The top-level "${this.key}" member` : 'A member name';
    return new PayloadTooLargeError(
      `${what} ${where} is larger than the limit of ${this.maxBytes} bytes per feature; split or simplify it.`,
      'FEATURE_TOO_LARGE',
    );
  }

  private unexpected(chunk: Buffer, i: number, expectation: string): FileUnreadableError {
    return this.unreadable(chunk, i, `found ${describeByte(chunk[i])}; ${expectation}`);
  }

  private unreadable(chunk: Buffer, i: number, problem: string): FileUnreadableError {
    return new FileUnreadableError(`Invalid GeoJSON at byte offset ${this.offset + i} (line ${this.line}): ${problem}.`);
  }
}

const GEOMETRY = [...Buffer.from('geometry"')];

/** True when the 9 bytes at `i` are `geometry"` (the name's letters and its closing quote). */
function isGeometryName(chunk: Buffer, i: number): boolean {
  for (let k = 0; k < 9; k++) if (chunk[i + k] !== GEOMETRY[k]) return false;
  return true;
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `the byte 0x${c.toString(16).padStart(2, '0')}`;
}
