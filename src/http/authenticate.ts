import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../domain/ports.js';
import type { AuthService } from '../domain/auth/auth-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: UserRecord | null;
  }
}

/** Reads `Authorization: Bearer <token>` and sets request.user, or answers 401. */
export function bearerAuth(auth: AuthService) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    request.user = await auth.authenticate(match?.[1]);
  };
}

/** The signed-in user of a route behind bearerAuth. */
export function currentUser(request: FastifyRequest): UserRecord {
  if (!request.user) throw new Error('currentUser called on a route without bearerAuth');
  return request.user;
}
