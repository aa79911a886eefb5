import { Type } from 'typebox';
import { TOKEN_LABEL_MAX_CHARS } from '../../domain/auth/auth-service.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses, JSON_BODY_ERRORS } from '../error-codes.js';

const Body = Type.Object({
  label: Type.Optional(Type.String({ maxLength: TOKEN_LABEL_MAX_CHARS, description: 'A note saying what the token is for (no control or bidirectional formatting characters).' })),
});

/** POST /api_tokens: a long-lived API token for the caller, shown once (what `canopy token create` makes). */
export function registerCreateApiToken(app: App, services: Services): void {
  app.post('/api_tokens', {
    schema: {
      operationId: 'createApiToken', summary: 'Create a long-lived API token for scripts (shown only in this response)', tags: ['auth'], body: Body,
      response: {
        201: Type.Object({
          id: Type.String({ description: 'The token\'s public ID (GET /api_tokens, DELETE /api_tokens/{id}).' }),
          token: Type.String(), token_type: Type.Literal('bearer'),
          label: Type.Union([Type.String(), Type.Null()]), created_at: Type.String(),
        }, { description: 'The new token, shown only here.' }),
        ...errorResponses(AUTH_ERRORS, JSON_BODY_ERRORS, 'NAME_CHARACTER_NOT_ALLOWED'),
      },
    },
    // A bare POST with no body asks for an unlabelled token.
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
  }, async (request, reply) => {
    const label = request.body.label?.trim() || null;
    const issued = await services.auth.createApiToken(currentUser(request).email, label);
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ id: issued.id, token: issued.token, token_type: 'bearer' as const, label: issued.label, created_at: issued.createdAt });
  });
}
