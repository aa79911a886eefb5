import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';

const ApiTokenBody = Type.Object({
  id: Type.String({ description: 'The token\'s public ID, for DELETE /api_tokens/{id}; not the token.' }),
  label: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()], { description: 'When the token last authenticated a request (to the minute); null if never.' }),
});

/** GET /api_tokens: the caller's API tokens, oldest first; the tokens themselves are never shown again. */
export function registerListApiTokens(app: App, services: Services): void {
  app.get('/api_tokens', {
    schema: {
      operationId: 'listApiTokens', summary: "The caller's API tokens (IDs, labels, dates; never the tokens)", tags: ['auth'],
      response: { 200: Type.Object({ tokens: Type.Array(ApiTokenBody) }, { description: 'Your API tokens, oldest first.' }), ...errorResponses(AUTH_ERRORS) },
    },
  }, async (request, reply) => {
    const tokens = await services.auth.listApiTokens(currentUser(request).id);
    reply.header('cache-control', 'no-store');
    return { tokens: tokens.map((t) => ({ id: t.id, label: t.label, created_at: t.createdAt, last_used_at: t.lastUsedAt })) };
  });
}
