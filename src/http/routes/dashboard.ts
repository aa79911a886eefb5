import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { UnavailableError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';

/** The configured basemap (CANOPY_BASEMAP_URL), as the composition root read it. */
type Basemap = NonNullable<Services['config']['basemap']>;

/**
 * The dashboard loads only its own scripts and talks only to this server; MapLibre needs blob:
 * workers and images. A configured basemap's origin (CANOPY_BASEMAP_URL) may serve images
 * and tiles too, and no other.
 */
export function dashboardContentSecurityPolicy(basemap: Basemap | null): string {
  const extra = basemap ? ` ${basemap.origin}` : '';
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", `img-src 'self' data: blob:${extra}`,
    "worker-src 'self' blob:", `connect-src 'self'${extra}`, "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

function noSniff(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
}

/**
 * The built single-page dashboard, without a token: GET / (index.html, looked up at each
 * request so a later build is picked up), /assets/* (hashed names, cached for a year) and
 * the build's other top-level files, and GET /dashboard.json (what the page needs to know of
 * the server's configuration: the basemap). Nothing here is a wildcard over "/", so every
 * API route and the JSON 404 for unknown paths stay as they are.
 */
export async function registerDashboard(app: App, dashboardDir: string, basemap: Basemap | null): Promise<void> {
  const contentSecurityPolicy = dashboardContentSecurityPolicy(basemap);
  await app.register(fastifyStatic, {
    root: path.join(dashboardDir, 'assets'), prefix: '/assets/', wildcard: true, index: false, suppressWarning: true,
    maxAge: '365d', immutable: true, setHeaders: noSniff,
    // The build writes a .gz beside each script, style sheet and the country map (web/build/precompress-plugin.ts).
    preCompressed: true,
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!fs.existsSync(path.join(dashboardDir, 'index.html'))) {
      throw new UnavailableError('The dashboard is not built: run npm run build', 'DASHBOARD_NOT_BUILT');
    }
    reply.headers({
      'content-security-policy': contentSecurityPolicy, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      // The page names the current build's hashed assets: always ask whether it changed.
      'cache-control': 'no-cache',
    });
    return reply.sendFile('index.html', dashboardDir, { cacheControl: false });
  });

  app.get('/dashboard.json', { schema: { hide: true } }, async (_request, reply) => {
    noSniff(reply);
    reply.header('cache-control', 'no-cache');
    return { basemap: basemap && { tiles: basemap.tiles, type: basemap.type, attribution: basemap.attribution } };
  });

  // Top-level files of the build (favicon…) present at start, each its own route, never one an API route already has.
  const topLevel = fs.existsSync(dashboardDir) ? fs.readdirSync(dashboardDir, { withFileTypes: true }) : [];
  for (const entry of topLevel) {
    const url = `/${entry.name}`;
    if (!entry.isFile() || entry.name === 'index.html' || !entry.name.includes('.') || app.hasRoute({ method: 'GET', url })) continue;
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      noSniff(reply);
      return reply.sendFile(entry.name, dashboardDir, { maxAge: '1h' });
    });
  }
}
