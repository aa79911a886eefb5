import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { ConflictError, ThrottledError } from '../../src/domain/errors.js';

function appWithLog() {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const app = Fastify({ loggerInstance: pino({ level: 'error' }, sink) });
  installErrorHandler(app);
  return { app, lines };
}

describe('the error renderer', () => {
  it('renders domain errors as {detail, code} with their status', async () => {
    const { app } = appWithLog();
    app.get('/conflict', async () => { throw new ConflictError('Delete the old one first.', 'NAME_TAKEN'); });
    app.get('/slow-down', async () => { throw new ThrottledError('Wait a bit.', 30); });
    const conflict = await app.inject('/conflict');
    assert.equal(conflict.statusCode, 409);
    assert.deepEqual(conflict.json(), { detail: 'Delete the old one first.', code: 'NAME_TAKEN' });
    const throttled = await app.inject('/slow-down');
    assert.equal(throttled.statusCode, 429);
    assert.equal(throttled.headers['retry-after'], '30');
  });

  it('answers an unexpected error with 500 and a request id only, and logs the cause', async () => {
    const { app, lines } = appWithLog();
    app.get('/boom', async () => { throw new Error('secret internal detail at /srv/db.ts:42'); });
    const res = await app.inject('/boom');
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.code, 'INTERNAL_ERROR');
    assert.match(body.request_id, /^[0-9a-f-]{36}$/);
    assert.ok(body.detail.includes(body.request_id));
    assert.ok(!res.body.includes('secret internal detail'), 'no internals leak to the client');
    const logged = lines.join('');
    assert.ok(logged.includes(body.request_id) && logged.includes('secret internal detail'), 'the log has the id and the cause');
  });

  it('renders validation failures and unknown routes in the same shape', async () => {
    const { app } = appWithLog();
    app.post('/thing', { schema: { body: { type: 'object', required: ['filename'], properties: { filename: { type: 'string' } } } } }, async () => ({}));
    const invalid = await app.inject({ method: 'POST', url: '/thing', payload: {} });
    assert.equal(invalid.statusCode, 422);
    assert.deepEqual(invalid.json(), { detail: 'The body is missing the required field "filename".', code: 'VALIDATION_ERROR' });
    const badJson = await app.inject({ method: 'POST', url: '/thing', payload: '{oops', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.statusCode, 400);
    assert.equal(typeof badJson.json().detail, 'string');
    const missing = await app.inject('/nowhere');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'NOT_FOUND');
  });
});
