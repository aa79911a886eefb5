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
export function newTaskId(): string {
  const bytes = randomBytes(24);
  let id = '';
  for (let i = 0; i < 24; i++) id += BASE32[bytes[i] & 31];
  return id;
}

export function isTaskId(value: string): boolean {
  return /^[A-Z2-7]{24}$/.test(value);
}

/** A stable UUID (v5 layout, SHA-1 based) for the plot at `featureIndex` of a collection. */
export function plotUuid(collectionId: string, featureIndex: number): string {
  const h = createHash('sha1').update(`${collectionId}:${featureIndex}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The plot ID used when the file has none: stable for the collection and the feature. */
export function derivedPlotId(collectionId: string, featureIndex: number): string {
  return `${collectionId.slice(2, 10)}-${featureIndex + 1}`;
}
