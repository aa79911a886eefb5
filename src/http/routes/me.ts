import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';

/** GET /me: the signed-in user's account (no secrets). */
export function registerMe(app: App, _services: Services): void {
  app.get('/me', {
    schema: {
      operationId: 'getMe', summary: 'The signed-in user', tags: ['auth'],
      response: {
        200: Type.Object({ user_id: Type.String(), email: Type.String(), is_admin: Type.Boolean(), created_at: Type.String() }, { description: 'The signed-in user.' }),
        ...errorResponses(AUTH_ERRORS),
      },
    },
  }, async (request) => {
    const user = currentUser(request);
    return { user_id: user.id, email: user.email, is_admin: user.isAdmin, created_at: user.createdAt };
  });
}
