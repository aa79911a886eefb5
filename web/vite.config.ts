import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { countryOutlines } from './build/country-outlines-plugin.ts';
import { precompressAssets } from './build/precompress-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard: built into dist/web, which the API process serves at `/` under a strict
 * CSP (no inline scripts, no remote hosts). Only dist/web is emptied, never dist/ (tsc's).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), countryOutlines(), precompressAssets()],
  // MapLibre's worker is an ES module; it is emitted as its own file and named with setWorkerUrl.
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: true,
  },
  server: {
    // `vite --config web/vite.config.ts` in development: the API on its usual port.
    proxy: Object.fromEntries(
      ['/refresh_token', '/me', '/api_tokens', '/stage_plots', '/upload_plots', '/get_task_status', '/batch_progress',
        '/get_collections', '/fetch_plots', '/collections', '/tasks', '/health', '/dashboard.json', '/datasets', '/batch_deforestation_check',
        '/fetch_deforestation_check'].map((p) => [p, 'http://127.0.0.1:8080']),
    ),
  },
});
