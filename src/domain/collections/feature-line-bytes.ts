/**
 * /fetch_plots lines written from a store's bytes instead of its strings: featureLine's
 * lines (feature-line.ts), byte for byte, built by copying the stored UTF-8 of the geometry
 * and the properties between fixed pieces, with nothing decoded or encoded again. A store
 * that can hand over its rows as bytes (PostgreSQL's binary COPY) streams a page through this;
 * the storage contract holds its lines to featureLine's.
 *
 * The copy is taken only where it cannot differ from featureLine: the UUID and plot ID need
 * no JSON escape, and the properties name none of Canopy's own fields (OWN_FIELD_NAMES as a
 * quoted string, which the store answers for each row: mayClash). Any other plot's line is
 * featureLine's own, from decoded strings.
 */
import { featureLine } from './feature-line.js';

/** Where a row's text fields are in the `starts` and `lengths` a store passes to add(). */
export const LINE_FIELD = { uuid: 0, plotid: 1, geometry: 2, properties: 3 } as const;
const QUOTE = 0x22, BACKSLASH = 0x5c, CLOSE = 0x7d, SPACE = 0x20, COMMA = 0x2c, NEWLINE = 0x0a;

/** Whether JSON.stringify writes this UTF-8 text as it is, between quotes (no control character, quote or backslash). */
function plainString(bytes: Uint8Array, start: number, length: number): boolean {
  for (let i = start, end = start + length; i < end; i++) {
    const b = bytes[i];
    if (b < SPACE || b === QUOTE || b === BACKSLASH) return false;
  }
  return true;
}

export class FeatureLineWriter {
  readonly #collectionId: string;
  readonly #beforeUuid = Buffer.from('{"type":"Feature","id":"');
  readonly #beforeGeometry = Buffer.from('","geometry":');
  readonly #beforeOwnUuid = Buffer.from(',"properties":{"uuid":"');
  readonly #beforePlotId = Buffer.from('","plotid":"');
  readonly #beforeArea: Buffer;
  #buf = Buffer.allocUnsafe(256 * 1024);
  #at = 0;

  constructor(collectionId: string) {
    this.#collectionId = collectionId;
    this.#beforeArea = Buffer.from(`","collection_id":${JSON.stringify(collectionId)},"area_ha":`);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.#at;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }

  #put(bytes: Buffer): void {
    bytes.copy(this.#buf, this.#at);
    this.#at += bytes.length;
  }

  #copy(src: Buffer, start: number, length: number): void {
    src.copy(this.#buf, this.#at, start, start + length);
    this.#at += length;
  }

  /**
   * Appends one plot's line and its newline. Its UUID, plot ID, geometry and properties are
   * UTF-8 text in `src`, each at starts[LINE_FIELD.…] for lengths[…] bytes, read only during
   * the call; mayClash says whether the properties hold one of OWN_FIELD_NAMES as a quoted
   * string.
   */
  add(src: Buffer, starts: ArrayLike<number>, lengths: ArrayLike<number>, areaHa: number | null, mayClash: boolean): void {
    const { uuid, plotid, geometry, properties } = LINE_FIELD;
    const propsAt = starts[properties];
    const propsLength = lengths[properties];
    if (mayClash || !plainString(src, starts[uuid], lengths[uuid]) || !plainString(src, starts[plotid], lengths[plotid])
      || propsLength < 2 || src[propsAt + propsLength - 1] !== CLOSE) {
      const text = (f: number) => src.toString('utf8', starts[f], starts[f] + lengths[f]);
      const line = featureLine({ uuid: text(uuid), plotid: text(plotid), collection_id: this.#collectionId, area_ha: areaHa, geometry: text(geometry), properties: text(properties) });
      this.#room(3 * line.length + 1);
      this.#at += this.#buf.write(line, this.#at, 'utf8');
      this.#buf[this.#at++] = NEWLINE;
      return;
    }
    const area = areaHa !== null && Number.isFinite(areaHa) ? String(areaHa) : 'null';
    this.#room(this.#beforeUuid.length + 2 * lengths[uuid] + this.#beforeGeometry.length + lengths[geometry] + this.#beforeOwnUuid.length
      + this.#beforePlotId.length + lengths[plotid] + this.#beforeArea.length + area.length + propsLength + 3);
    this.#put(this.#beforeUuid);
    this.#copy(src, starts[uuid], lengths[uuid]);
    this.#put(this.#beforeGeometry);
    this.#copy(src, starts[geometry], lengths[geometry]);
    this.#put(this.#beforeOwnUuid);
    this.#copy(src, starts[uuid], lengths[uuid]);
    this.#put(this.#beforePlotId);
    this.#copy(src, starts[plotid], lengths[plotid]);
    this.#put(this.#beforeArea);
    this.#at += this.#buf.write(area, this.#at, 'latin1');
    if (propsLength === 2) {
      this.#buf[this.#at++] = CLOSE; // the file's properties are {}: nothing to add
    } else {
      this.#buf[this.#at++] = COMMA;
      this.#copy(src, propsAt + 1, propsLength - 1);
    }
    this.#buf[this.#at++] = CLOSE;
    this.#buf[this.#at++] = NEWLINE;
  }

  /** The lines written since the last take(), copied out; the buffer is then reused. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#at));
    this.#at = 0;
    return out;
  }
}
