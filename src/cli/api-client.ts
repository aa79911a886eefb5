import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { CliError } from './cli-error.js';

/** A failed API call: the server's status, `code` and `detail` sentence, and the request that got them. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, detail: string, readonly request: string) {
    super(detail);
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.geojson': 'application/geo+json', '.json': 'application/geo+json', '.geojsons': 'application/geo+json-seq',
  '.geojsonl': 'application/geo+json-seq', '.ndjson': 'application/geo+json-seq', '.csv': 'text/csv',
  '.tsv': 'text/csv', '.txt': 'text/csv', '.zip': 'application/zip', '.parquet': 'application/geoparquet',
};

/** Socket errors that mean nothing listens at that address (or it cannot be reached at all). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The code of the socket error under fetch's "fetch failed" (an AggregateError when both IPv4 and IPv6 were tried). */
function socketCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
}

/** Parses the server's address; it may carry a path prefix (behind a reverse proxy) but never credentials. */
function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('The server URL (--url or CANOPY_URL) is not a URL: give its address, e.g. http://localhost:8080.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`The server URL (--url or CANOPY_URL) must start with http:// or https://, not ${url.protocol}//.`);
  if (url.username || url.password) throw new CliError('The server URL (--url or CANOPY_URL) holds a user name or password: give the address alone, and the token with --token or CANOPY_TOKEN.');
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A response's body, a chunk at a time; a connection that breaks off midway is said as such. */
export async function* bodyOf(response: Response): AsyncGenerator<Uint8Array> {
  if (response.body === null) return;
  try {
    for await (const chunk of response.body) yield chunk;
  } catch (err) {
    const reason = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new CliError(`The answer to GET ${response.url} broke off (${reason}); run the command again (an --out file is not written).`);
  }
}

/** A small client of the Canopy HTTP API, for the command line. */
export class ApiClient {
  private readonly base: URL;

  constructor(baseUrl: string, private readonly token: string | undefined) {
    this.base = parseBaseUrl(baseUrl);
  }

  /** The server's address as given, for messages. */
  get serverUrl(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** The full URL of an API path (with its query), under the base URL's own path. */
  urlOf(pathAndQuery: string): URL {
    return new URL(pathAndQuery.replace(/^\//, ''), this.base);
  }

  /** Sends a request; a refused connection or an error answer becomes a sentence that says what to do. */
  async request(method: string, pathAndQuery: string, init: { body?: unknown; headers?: Record<string, string>; duplex?: 'half' } = {}): Promise<Response> {
    if (!this.token) throw new CliError('No token: pass --token or set CANOPY_TOKEN (create one with "canopy token create", or in the dashboard\'s Account page).');
    const url = this.urlOf(pathAndQuery);
    let response: Response;
    try {
      response = await fetch(url, { method, ...(init as RequestInit), headers: { authorization: `Bearer ${this.token}`, ...init.headers } });
    } catch (err) {
      const code = socketCode(err);
      if (code !== undefined && UNREACHABLE.has(code)) {
        throw new CliError(`No server answered at ${this.serverUrl} (${code}): is it running? Set --url or CANOPY_URL to its address.`);
      }
      throw new CliError(`${method} ${url.href} failed: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}.`);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let body: { detail?: unknown; code?: unknown } = {};
      try { body = JSON.parse(text); } catch { /* not one of Canopy's error bodies */ }
      const detail = typeof body.detail === 'string' ? body.detail
        : `The server at ${this.serverUrl} answered HTTP ${response.status} without a Canopy error: is --url (or CANOPY_URL) the address of a Canopy server?`;
      throw new ApiError(response.status, typeof body.code === 'string' ? body.code : 'HTTP_ERROR', detail, `${method} ${url.href}`);
    }
    return response;
  }

  async json<T>(method: string, pathAndQuery: string, body?: unknown): Promise<T> {
    const response = await this.request(method, pathAndQuery, body === undefined ? {} : {
      body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });
    if (!/\bjson\b/.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      throw new CliError(`The server at ${this.serverUrl} answered ${method} ${this.urlOf(pathAndQuery).pathname} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON: is --url (or CANOPY_URL) the address of a Canopy server?`);
    }
    return response.json() as Promise<T>;
  }

  /** Streams a file to /stage_plots as multipart, reporting bytes sent. */
  async stage<T>(file: string, requestData: object, onBytes: (sent: number, total: number) => void): Promise<T> {
    const total = statSync(file, { throwIfNoEntry: false })?.size;
    if (total === undefined) throw new CliError(`No file at ${file}.`);
    const boundary = `canopy-${randomBytes(12).toString('hex')}`;
    const mime = MIME_BY_EXTENSION[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="request_data"\r\n\r\n${JSON.stringify(requestData)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${JSON.stringify(path.basename(file))}\r\n` +
      `Content-Type: ${mime}\r\n\r\n`;
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        sent += chunk.length;
        onBytes(sent, total);
        callback(null, chunk);
      },
    });
    async function* body() {
      yield Buffer.from(head);
      for await (const chunk of createReadStream(file).pipe(counter)) yield chunk as Buffer;
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const response = await this.request('POST', '/stage_plots', {
      body: Readable.toWeb(Readable.from(body())), duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    return response.json() as Promise<T>;
  }
}
