import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { errorResponses } from '../error-codes.js';

/** GET /health: answers while the process serves, after one query to the database. */
export function registerHealth(app: App, services: Services): void {
  app.get('/health', {
    schema: {
      operationId: 'getHealth', summary: 'Liveness and database check', tags: ['meta'], security: [],
      response: {
        200: Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') }, { description: 'The service answers, and its database with it.' }),
        ...errorResponses(),
      },
    },
  }, async () => {
    await services.stores.users.count();
    return { status: 'ok' as const, database: 'ok' as const };
  });
}
