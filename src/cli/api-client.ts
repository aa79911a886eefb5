import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { randomBytes } from 'node:crypto';

/** A failed API call, carrying the server's `detail` sentence. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, detail: string) {
    super(detail);
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.geojson': 'application/geo+json', '.json': 'application/geo+json', '.csv': 'text/csv',
  '.zip': 'application/zip', '.parquet': 'application/geoparquet',
};

/** A small client of the Canopy HTTP API, for the command line. */
export class ApiClient {
  constructor(private readonly baseUrl: string, private readonly token: string | undefined) {}

  private async request(method: string, pathAndQuery: string, init: { body?: unknown; headers?: Record<string, string>; duplex?: 'half' } = {}): Promise<Response> {
    if (!this.token) throw new ApiError(401, 'NO_TOKEN', 'No token: pass --token or set CANOPY_TOKEN (create one with "canopy token create").');
    const response = await fetch(new URL(pathAndQuery, this.baseUrl), {
      method, ...(init as RequestInit),
      headers: { authorization: `Bearer ${this.token}`, ...init.headers },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({})) as { detail?: string; code?: string };
      throw new ApiError(response.status, body.code ?? 'HTTP_ERROR', body.detail ?? `HTTP ${response.status}`);
    }
    return response;
  }

  async json<T>(method: string, pathAndQuery: string, body?: unknown): Promise<T> {
    const response = await this.request(method, pathAndQuery, body === undefined ? {} : {
      body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });
    return response.json() as Promise<T>;
  }

  /** Streams a file to /stage_plots as multipart, reporting bytes sent. */
  async stage<T>(file: string, requestData: object, onBytes: (sent: number, total: number) => void): Promise<T> {
    const boundary = `canopy-${randomBytes(12).toString('hex')}`;
    const total = statSync(file).size;
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
