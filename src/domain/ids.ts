import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `0x` + SHA-256 over owner, collection name and staged-file digest (API.md: IDs). */
export function collectionIdFor(ownerId: string, name: string, fileSha256: string): string {
  return '0x' + createHash('sha256').update(`${ownerId}\0${name}\0${fileSha256}`).digest('hex');
}

export function isCollectionId(value: string): boolean {
  return /^0x[0-9a-f]{64}$/.test(value);
}

/** 24 random RFC 4648 base32 characters (120 bits), like W2GLGAD4TK7LJHPJ4VR6ECLX. */
function randomBase32Id(): string {
  const bytes = randomBytes(24);
  let id = '';
  for (let i = 0; i < 24; i++) id += BASE32[bytes[i] & 31];
  return id;
}

/** A task ID (API.md: IDs). */
export function newTaskId(): string {
  return randomBase32Id();
}

/** A token's public ID, in the contract's ID style (nothing in it derives from the token). */
export function newTokenId(): string {
  return randomBase32Id();
}

export function isTaskId(value: string): boolean {
  return /^[A-Z2-7]{24}$/.test(value);
}

/** The first 20 hex digits of each collection's plot UUIDs (74 bits of SHA-1 of its ID), as "xxxxxxxx-xxxx-8xxx-yxxx-". */
let prefixOf: { collectionId: string; prefix: string } | null = null;

function plotUuidPrefix(collectionId: string): string {
  if (prefixOf?.collectionId === collectionId) return prefixOf.prefix;
  const h = createHash('sha1').update(collectionId).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8: a layout of our own (RFC 9562 §5.8)
  h[8] = (h[8] & 0x3f) | 0x80; // the RFC variant
  const hex = h.subarray(0, 10).toString('hex');
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-`;
  prefixOf = { collectionId, prefix };
  return prefix;
}

/** The largest feature index a plot UUID holds (its last 48 bits). */
const MAX_UUID_INDEX = 2 ** 48 - 1;

/**
 * A stable UUID for the plot at `featureIndex` of a collection: version 8, 74 bits from the
 * collection's ID and the feature index in the last 48 bits. Unique across collections (to
 * the hash) and within one (by index), and the index reads back (plotUuidFeatureIndex), so
 * the store finds a plot by its position instead of keeping an index of random UUIDs.
 */
export function plotUuid(collectionId: string, featureIndex: number): string {
  if (!Number.isInteger(featureIndex) || featureIndex < 0 || featureIndex > MAX_UUID_INDEX) throw new RangeError(`feature index ${featureIndex} does not fit a plot UUID`);
  return plotUuidPrefix(collectionId) + featureIndex.toString(16).padStart(12, '0');
}

/** The feature index inside a plot UUID of this collection, or null when the UUID is not one of its plot UUIDs. */
export function plotUuidFeatureIndex(collectionId: string, uuid: string): number | null {
  const prefix = plotUuidPrefix(collectionId);
  if (uuid.length !== 36 || !uuid.startsWith(prefix)) return null;
  const tail = uuid.slice(24);
  return /^[0-9a-f]{12}$/.test(tail) ? Number.parseInt(tail, 16) : null;
}

/** The plot ID used when the file has none: stable for the collection and the feature. */
export function derivedPlotId(collectionId: string, featureIndex: number): string {
  return `${collectionId.slice(2, 10)}-${featureIndex + 1}`;
}
