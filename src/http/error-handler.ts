import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import http from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ThrottledError } from '../domain/errors.js';

/**
 * Fastify's own client errors, by code, mapped to the contract's statuses and codes. The
 * multipart parser's errors never get here: multipart-form.ts turns them into AppErrors.
 */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_REQUEST' },
};

/** Renders a validation failure as one sentence naming the field. */
function validationDetail(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = (first.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  const context = error.validationContext ?? 'request';
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return `The ${context} is missing the required field "${missing}".`;
  return `The ${context}${where ? ` field "${where}"` : ''} ${first.message ?? 'is invalid'}.`;
}

/** The one error renderer: every failure leaves as `{detail, code}` with the contract's status. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error instanceof ThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.status).send({ detail: error.message, code: error.code, ...error.extra });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(422).send({ detail: validationDetail(fastifyError), code: 'VALIDATION_ERROR' });
    }
    const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    const status = mapped?.status ?? fastifyError.statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ detail: error.message, code: mapped?.code ?? 'BAD_REQUEST' });
    }
    const requestId = randomUUID();
    request.log.error({ err: error, requestId }, 'unexpected error');
    return reply.status(500).send({
      detail: `Something went wrong on the server. Quote request id ${requestId} when you report it.`,
      code: 'INTERNAL_ERROR', request_id: requestId,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ detail: `There is no endpoint ${request.method} ${request.url.split('?')[0]}.`, code: 'NOT_FOUND' });
  });
}

/** Node's parser errors (before any route runs), by code, as the contract's status, code and sentence. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request\'s headers are larger than this server accepts (16 KiB); send fewer or shorter headers.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request took too long to arrive; send it again.' },
};

/**
 * Fastify's clientErrorHandler: a request Node's HTTP parser refuses (headers too large,
 * malformed) is answered in the contract's shape too, then the connection is closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (err.code && CLIENT_ERRORS[err.code]) || { status: 400, code: 'BAD_REQUEST', detail: 'The request is not well-formed HTTP/1.1.' };
  const body = JSON.stringify({ detail: known.detail, code: known.code });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${known.status} ${http.STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
