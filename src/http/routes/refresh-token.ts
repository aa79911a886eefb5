import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { errorResponses, JSON_BODY_ERRORS } from '../error-codes.js';

const Body = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

/** POST /refresh_token: e-mail and password for a bearer token. */
export function registerRefreshToken(app: App, services: Services): void {
  app.post('/refresh_token', {
    schema: {
      operationId: 'refreshToken', summary: 'Sign in and get a bearer token', tags: ['auth'], body: Body, security: [],
      response: {
        200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('bearer'), expires_in: Type.Integer() },
          { description: 'A bearer token, good for expires_in seconds.' }),
        ...errorResponses(JSON_BODY_ERRORS, 'UNAUTHORIZED', 'ACCOUNT_DISABLED', 'THROTTLED'),
      },
    },
  }, async (request) => {
    const { accessToken, expiresIn } = await services.auth.signIn(request.body.email, request.body.password, request.ip);
    return { access_token: accessToken, token_type: 'bearer' as const, expires_in: expiresIn };
  });
}
