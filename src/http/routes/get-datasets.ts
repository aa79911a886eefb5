import { Type } from 'typebox';
import { DATASET_KINDS } from '../../domain/datasets/dataset-types.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { datasetJson } from '../presenters.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';

const Box = Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north], degrees (EPSG:4326).' });

const DatasetBody = Type.Object({
  name: Type.String(),
  kind: Type.Enum(DATASET_KINDS, { description: 'forest_2020: 1 = forest, 0 = not; tree_cover_percent: 0–100; loss_year: 0 = no loss, N = loss in 2000 + N.' }),
  version: Type.String(),
  created_at: Type.String(),
  bbox: Box,
  pixel_size: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: "A pixel's [width, height], degrees." }),
  tiles: Type.Array(Type.Object({
    file: Type.String({ description: "The tile's file name (the folder it is in on the server is not shown)." }),
    sha256: Type.String(),
    bytes: Type.Integer(),
    bbox: Box,
    width: Type.Integer(),
    height: Type.Integer(),
    nodata: Type.Union([Type.Number(), Type.Null()]),
    data_type: Type.String(),
  })),
});

/** GET /datasets: the forest maps registered on this server (with `canopy datasets add`), by name. */
export function registerGetDatasets(app: App, services: Services): void {
  app.get('/datasets', {
    schema: {
      operationId: 'listDatasets', summary: 'The forest maps registered on this server, by name', tags: ['datasets'],
      response: { 200: Type.Object({ datasets: Type.Array(DatasetBody) }, { description: 'Every registered dataset with its tiles.' }), ...errorResponses(AUTH_ERRORS) },
    },
  }, async () => {
    const datasets = await services.stores.datasets.list();
    return { datasets: datasets.map(datasetJson) };
  });
}
