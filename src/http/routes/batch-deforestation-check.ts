import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses, JSON_BODY_ERRORS } from '../error-codes.js';

const Body = Type.Object({
  filename: Type.String({ minLength: 1, description: 'The collection ID or name (uploaded).' }),
  cutoff_date: Type.Optional(Type.String({ description: 'YYYY-MM-DD: forest loss after this day counts (default 2020-12-31, the EUDR cut-off).' })),
  forest_threshold_pct: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'A tree_cover_percent pixel is forest from this cover up (default 10).' })),
  datasets: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10,
    description: 'The registered datasets to use: one forest map (forest_2020, or tree_cover_percent) and one loss_year map. Default: every registered one.' })),
});

/** POST /batch_deforestation_check: screens an uploaded collection's plots against the registered forest maps, as a task. */
export function registerBatchDeforestationCheck(app: App, services: Services): void {
  app.post('/batch_deforestation_check', {
    schema: {
      operationId: 'batchDeforestationCheck', summary: "Screen an uploaded collection's plots for forest loss after the cut-off", tags: ['screening'], body: Body,
      response: {
        200: Type.Object({ task_id: Type.String({ description: 'The check task: follow it with /get_task_status or /batch_progress.' }) },
          { description: 'The task: started, or the same one for the same arguments on the same upload while it has not failed.' }),
        ...errorResponses(AUTH_ERRORS, JSON_BODY_ERRORS, 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED', 'DATASET_NOT_FOUND', 'DATASET_KIND_MISSING', 'DATASETS_AMBIGUOUS'),
      },
    },
  }, async (request) => {
    const { filename, cutoff_date, forest_threshold_pct, datasets } = request.body;
    const started = await services.checks.start(currentUser(request).id, { filename, cutoffDate: cutoff_date, forestThresholdPct: forest_threshold_pct, datasets });
    return { task_id: started.taskId };
  });
}
