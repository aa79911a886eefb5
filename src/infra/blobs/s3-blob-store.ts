/**
 * Blobs in an S3-compatible object store (CANOPY_BLOB_URL=s3://bucket/prefix), for
 * deployments whose processes share no file system. Keys are the blob keys under the
 * prefix. A blob is written to the process's local scratch folder first (staging reads some
 * formats back while it writes) and uploaded when committed; reads stream the object.
 * Endpoint, region and credentials come from the usual AWS variables (AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, …).
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore, BlobWriter } from '../../domain/ports.js';
import { openFileBlobWriter } from './file-blob-writer.js';
import { prepareScratch, scratchFolder } from './scratch-folders.js';

/** Keys are relative paths of safe segments, as in the local store; anything else is a programming error. */
function assertKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`Invalid blob key: ${key}`);
  }
}

/** The bucket and key prefix of an s3:// URL; null when the URL is not one. */
export function parseS3Url(value: string): { bucket: string; prefix: string } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 's3:' || url.hostname === '') return null;
  return { bucket: url.hostname, prefix: url.pathname.replace(/^\/+|\/+$/g, '') };
}

function notFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly scratch: string;

  /**
   * @param url s3://bucket/prefix
   * @param scratchRoot a local folder for this machine's scratch folders
   */
  constructor(url: string, private readonly scratchRoot: string, client?: S3Client) {
    const parsed = parseS3Url(url);
    if (parsed === null) throw new Error(`CANOPY_BLOB_URL must be s3://bucket or s3://bucket/prefix, not ${url}`);
    this.bucket = parsed.bucket;
    this.prefix = parsed.prefix;
    const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    // A server of one's own (MinIO, Ceph, …) usually serves buckets as paths, not host names,
    // and may not read the SDK's default checksummed (aws-chunked) uploads: they are sent
    // only where the operation requires a checksum.
    const own = endpoint ? { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const : {};
    this.client = client ?? new S3Client({ region: process.env.AWS_REGION ?? 'us-east-1', ...own });
    this.scratch = scratchFolder(scratchRoot);
  }

  private readonly bucket: string;
  private readonly prefix: string;

  /** Creates this process's scratch folder, clearing those of processes that have surely exited. */
  async init(): Promise<void> {
    await prepareScratch(this.scratchRoot);
  }

  private objectKey(key: string): string {
    assertKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async createWriter(): Promise<BlobWriter> {
    await fs.mkdir(this.scratch, { recursive: true });
    return openFileBlobWriter(this.scratch, (file, key) => this.importFile(file, key));
  }

  read(key: string): Readable {
    const out = new PassThrough();
    this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })).then(
      (response) => {
        const body = response.Body as Readable;
        body.on('error', (err) => out.destroy(err));
        body.pipe(out);
      },
      (err: unknown) => out.destroy(notFound(err) ? Object.assign(new Error(`No blob ${key}`), { code: 'ENOENT' }) : (err as Error)),
    );
    return out;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    return head.ContentLength ?? 0;
  }

  /** Uploads the local file under key and removes it (as the local store's rename does). */
  async importFile(localPath: string, key: string): Promise<void> {
    const { size } = await fs.stat(localPath);
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key: this.objectKey(key), Body: createReadStream(localPath), ContentLength: size,
    }));
    await fs.rm(localPath, { force: true });
  }

  scratchDir(): string {
    return this.scratch;
  }

  /** Every object key under `prefix/`, page by page. */
  private async *keysUnder(prefix: string): AsyncGenerator<string[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.objectKey(prefix)}/`, ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((o) => o.Key as string);
      if (keys.length > 0) yield keys;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    }
  }

  /** Deletes the blob named `prefix` and every blob under `prefix/` (deleting what is not there is no error). */
  async deletePrefix(prefix: string): Promise<void> {
    await this.deleteKeys([this.objectKey(prefix)]);
    for await (const keys of this.keysUnder(prefix)) await this.deleteKeys(keys);
  }

  async list(prefix: string): Promise<string[]> {
    const base = `${this.objectKey(prefix)}/`;
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) names.add((p.Prefix as string).slice(base.length).replace(/\/$/, ''));
      for (const o of page.Contents ?? []) names.add((o.Key as string).slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return [...names].filter((n) => n !== '');
  }
}
