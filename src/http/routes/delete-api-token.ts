import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, BODY_PARSE_ERRORS, errorResponses } from '../error-codes.js';

/** DELETE /api_tokens/{id}: revokes one of the caller's API tokens at once (404 for any other). */
export function registerDeleteApiToken(app: App, services: Services): void {
  app.delete('/api_tokens/:token_id', {
    schema: {
      operationId: 'deleteApiToken', summary: 'Revoke one of your API tokens', tags: ['auth'],
      params: Type.Object({ token_id: Type.String({ maxLength: 64, description: 'The ID from GET /api_tokens.' }) }),
      response: {
        204: Type.Null({ description: 'Revoked: the token no longer works.' }),
        ...errorResponses(AUTH_ERRORS, BODY_PARSE_ERRORS, 'VALIDATION_ERROR', 'TOKEN_NOT_FOUND'),
      },
    },
  }, async (request, reply) => {
    await services.auth.revokeApiToken(currentUser(request).id, request.params.token_id);
    return reply.status(204).send(null);
  });
}
