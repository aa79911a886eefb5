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

/** The dashboard's leaf and the API's name, in place of the UI's default logo (white on its dark top bar). */
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="170" height="40" viewBox="0 0 170 40">'
  + '<rect x="4" y="4" width="32" height="32" rx="6" fill="#24553a"/><path d="M20 9c-6 4-8 9-8 13a8 8 0 0 0 16 0c0-4-2-9-8-13z" fill="#cfe3d2"/>'
  + '<path d="M20 16v16" stroke="#24553a" stroke-width="2"/>'
  + '<text x="46" y="27" font-family="sans-serif" font-size="19" font-weight="700" fill="#fff">Canopy API</text></svg>';

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
      logo: { type: 'image/svg+xml', content: Buffer.from(LOGO), href: '/docs' },
      uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true },
    });
  });
}
