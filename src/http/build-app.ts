import Fastify, { type FastifyServerOptions } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import type { App } from './app-type.js';
import { bearerAuth } from './authenticate.js';
import { clientErrorHandler, installErrorHandler } from './error-handler.js';
import { multipartOptions } from './multipart-form.js';
import { registerApiDocs } from './routes/api-docs.js';
import { registerBatchProgress } from './routes/batch-progress.js';
import { registerCollectionAsset } from './routes/collection-asset.js';
import { registerCollectionExport } from './routes/collection-export.js';
import { registerCollectionPlot } from './routes/collection-plot.js';
import { registerCollectionReport } from './routes/collection-report.js';
import { registerCollectionTile } from './routes/collection-tile.js';
import { registerCollectionTileJson } from './routes/collection-tilejson.js';
import { registerCreateApiToken } from './routes/create-api-token.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerDeleteApiToken } from './routes/delete-api-token.js';
import { registerDeleteCollection } from './routes/delete-collection.js';
import { registerFetchPlots } from './routes/fetch-plots.js';
import { registerGetCollections } from './routes/get-collections.js';
import { registerGetDatasets } from './routes/get-datasets.js';
import { registerBatchDeforestationCheck } from './routes/batch-deforestation-check.js';
import { registerFetchDeforestationCheck } from './routes/fetch-deforestation-check.js';
import { registerGetTaskStatus } from './routes/get-task-status.js';
import { registerHealth } from './routes/health.js';
import { registerListApiTokens } from './routes/list-api-tokens.js';
import { registerListTasks } from './routes/list-tasks.js';
import { registerMe } from './routes/me.js';
import { registerRefreshToken } from './routes/refresh-token.js';
import { registerRepairCollection } from './routes/repair-collection.js';
import { registerStagePlots, stageFormLimits } from './routes/stage-plots.js';
import { registerUploadPlots } from './routes/upload-plots.js';

/** Builds the HTTP app around the services, without listening (tests use inject or a real port). */
export async function buildApp(services: Services, options: { logger?: FastifyServerOptions['loggerInstance'] } = {}): Promise<App> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Only behind the operator's own proxy may X-Forwarded-For name the client (login throttle).
    // The peer and the hops behind it up to the count, never `true`: Fastify would then take
    // the leftmost X-Forwarded-For entry, which the client writes itself.
    trustProxy: services.config.trustProxy > 0 ? (_address: string, hop: number) => hop < services.config.trustProxy : false,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Canopy API', version: '0.1.0',
        description: 'Stage, check and upload farm-plot files for EUDR due diligence. Send `Authorization: Bearer <token>` (from POST /refresh_token, ' +
          'or an API token) to every endpoint but /refresh_token and /health. Errors are JSON `{"detail", "code"}`; each operation lists the codes ' +
          'it can give. The contract for people is docs/api.md in the repository.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(multipart, multipartOptions(stageFormLimits(services.config.maxUploadBytes)));

  app.decorateRequest('user', null);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerApiDocs(app);
  registerHealth(app, services);
  registerRefreshToken(app, services);

  // Every other endpoint needs a bearer token.
  await app.register(async (secured) => {
    const scoped = secured.withTypeProvider<TypeBoxTypeProvider>();
    scoped.addHook('onRequest', bearerAuth(services.auth));
    registerStagePlots(scoped, services);
    registerUploadPlots(scoped, services);
    registerGetTaskStatus(scoped, services);
    registerBatchProgress(scoped, services);
    registerGetCollections(scoped, services);
    registerFetchPlots(scoped, services);
    registerCollectionReport(scoped, services);
    registerCollectionAsset(scoped, services);
    registerCollectionExport(scoped, services);
    registerDeleteCollection(scoped, services);
    registerCollectionTileJson(scoped, services);
    registerCollectionTile(scoped, services);
    registerCollectionPlot(scoped, services);
    registerCreateApiToken(scoped, services);
    registerListApiTokens(scoped, services);
    registerDeleteApiToken(scoped, services);
    registerMe(scoped, services);
    registerListTasks(scoped, services);
    registerGetDatasets(scoped, services);
    registerBatchDeforestationCheck(scoped, services);
    registerFetchDeforestationCheck(scoped, services);
    registerRepairCollection(scoped, services);
  });
  // Last, outside the token scope, so it can see (and never take) the API's routes.
  await registerDashboard(app, services.config.dashboardDir, services.config.basemap);
  return app;
}
