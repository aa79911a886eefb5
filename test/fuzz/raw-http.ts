/**
 * One HTTP/1.1 exchange over a plain socket, with the request written byte for byte as the
 * fuzzer built it: fetch and node:http refuse (or repair) the malformed requests we must send.
 */
import net from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  /** Header lines as sent, in order (a name may repeat; values are not checked). */
  headers: [string, string][];
  body: Buffer;
  /** Send the body in chunked transfer encoding, cut at these sizes (Content-Length otherwise). */
  chunks?: number[];
}

export type RawOutcome =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: Buffer; ms: number }
  | { kind: 'hang'; ms: number; received: number }
  | { kind: 'no-answer'; ms: number; error: string };

/** The request's bytes: request line, headers (Host, Connection: close and the framing added), body. */
export function encodeRequest(request: RawRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  if (request.chunks) {
    lines.push('Transfer-Encoding: chunked');
    const parts: Buffer[] = [Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1')];
    let at = 0;
    for (const size of [...request.chunks, Infinity]) {
      const piece = request.body.subarray(at, Math.min(request.body.length, at + size));
      at += piece.length;
      if (piece.length > 0) parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
      if (at >= request.body.length) break;
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  }
  lines.push(`Content-Length: ${request.body.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), request.body]);
}

/** Parses a whole response read until the server closed (Connection: close), or null if incomplete. */
function parseResponse(data: Buffer): { status: number; headers: Record<string, string>; body: Buffer } | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) return null;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(match[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Sends the request and reads the answer until the server closes the connection. No answer
 * within `timeoutMs` is a hang; a connection closed (or reset) before a whole status line and
 * headers arrived is no answer. A reset after the answer arrived (the server may stop reading
 * a body it refused) still counts as the answer.
 */
export function sendRaw(url: string, request: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  const bytes = encodeRequest(request, `${hostname}:${port}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let settled = false;
    const socket = net.connect({ host: hostname, port: Number(port) });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const ms = performance.now() - started;
      const parsed = parseResponse(Buffer.concat(received));
      if (parsed) resolve({ kind: 'answer', ...parsed, ms });
      else resolve({ kind: 'no-answer', ms, error: error ?? 'the server closed the connection without an answer' });
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ kind: 'hang', ms: performance.now() - started, received: received.reduce((n, b) => n + b.length, 0) });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    // Not end(): Node's HTTP server aborts a request whose client half-closes before the answer.
    socket.on('connect', () => socket.write(bytes));
  });
}
