import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../app-type.js';

/**
 * Swagger UI's page loads only its own files from this server (the bundle, its stylesheet
 * and the initializer, which @fastify/swagger-ui serves as a file rather than an inline
 * script) and fetches only /docs/json. Its components set inline style attributes, as the
 * dashboard's map does, so styles alone may be inline; its logo is an SVG data: URL.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
};

/**
 * GET /docs: Swagger UI over this server's OpenAPI document, from the files the package
 * ships (nothing from a CDN), without a token (as /openapi.json); "Authorize" takes one
 * for "Try it out". Also /docs/json and /docs/yaml (the document) and /docs/static/*.
 */
export async function registerApiDocs(app: App): Promise<void> {
  // In a scope of its own, so these headers go with the documentation's responses only.
  await app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply, payload) => {
      reply.headers(HEADERS);
      return payload;
    });
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      theme: { title: 'Canopy API' },
      uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true },
    });
  });
}
