import { Type } from 'typebox';
import { DEFAULT_MAX_AREA_CHANGE_PCT } from '../../domain/repair/repair-service.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses, JSON_BODY_ERRORS } from '../error-codes.js';
import { IssueBody } from '../schemas.js';

const Body = Type.Object({
  max_area_change_pct: Type.Optional(Type.Number({
    minimum: 0, maximum: 1000,
    description: `A fix that changes a plot's area by more than this percentage is not applied: the plot keeps its geometry and the fix is flagged for review (default ${DEFAULT_MAX_AREA_CHANGE_PCT}).`,
  })),
  split_multipart: Type.Optional(Type.Boolean({ description: 'Write each part of a MultiPolygon plot as a feature of its own, its plot ID ending -1, -2, … (default false).' })),
  collection_name: Type.Optional(Type.String({ minLength: 1, description: 'The new collection\'s name (default: the source\'s name followed by " (repaired)").' })),
});

const RepairResponse = Type.Object({
  collection_id: Type.String(), collection_name: Type.String(), status: Type.Literal('staged'), format: Type.String(),
  repaired_from: Type.String({ description: 'The source collection\'s ID; it is never changed.' }),
  feature_count: Type.Integer(), valid_count: Type.Integer(), invalid_count: Type.Integer(), warning_count: Type.Integer(),
  uploadable: Type.Boolean({ description: 'True when /upload_plots will accept it without skip_invalid.' }),
  issue_counts: Type.Record(Type.String(), Type.Integer()),
  issues: Type.Array(IssueBody), issues_truncated: Type.Boolean(),
  fixes_applied: Type.Integer({ description: 'Fixes the new collection carries.' }),
  fixes_flagged: Type.Integer({ description: 'Fixes beyond the area-change limit, not applied: those plots kept their geometry.' }),
  fix_counts: Type.Record(Type.String(), Type.Integer(), { description: 'Fix entries per code (the report\'s `repairs` has each one).' }),
}, { description: 'The new staged collection (the existing one when the same repair was made before), as /stage_plots answers, with its fixes counted.' });

/** POST /collections/{id}/repair: a new staged collection with each fixable problem of this one fixed, every fix recorded. */
export function registerRepairCollection(app: App, services: Services): void {
  app.post('/collections/:collection_id/repair', {
    schema: {
      operationId: 'repairCollection', summary: 'Make a new staged collection with the fixable problems of this one fixed', tags: ['collections'],
      description: 'Closes unclosed rings, removes repeated vertices, spikes and empty parts, drops Z values, swaps axes the country check finds swapped, '
        + 'writes reprojected plots in WGS 84, makes invalid polygons valid (GEOS MakeValid, polygonal parts kept), fixes what 6-decimal truncation '
        + 'would break and, when asked, splits multi-part plots. Every fix is in the new collection\'s report (`repairs`), with the area before and after '
        + 'and the original geometry. The source collection is never changed.',
      params: Type.Object({ collection_id: Type.String() }),
      body: Body,
      response: {
        200: RepairResponse,
        ...errorResponses(AUTH_ERRORS, JSON_BODY_ERRORS, 'COLLECTION_NOT_FOUND', 'COLLECTION_NAME_TAKEN', 'INVALID_REQUEST_DATA', 'NAME_TOO_LONG',
          'NAME_CHARACTER_NOT_ALLOWED', 'FEATURE_TOO_LARGE'),
      },
    },
    // A bare POST with no body asks for the defaults.
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
  }, async (request) => {
    const { max_area_change_pct: maxAreaChangePct, split_multipart: splitMultipart, collection_name: name } = request.body;
    const result = await services.repairs.repair(currentUser(request).id, request.params.collection_id, { maxAreaChangePct, splitMultipart, name });
    const c = result.collection;
    return {
      collection_id: c.id, collection_name: c.name, status: 'staged' as const, format: c.format, repaired_from: result.repairedFrom,
      feature_count: c.featureCount, valid_count: c.validCount, invalid_count: c.invalidCount, warning_count: c.warningCount,
      uploadable: c.invalidCount === 0 && c.validCount > 0, issue_counts: c.issueCounts,
      issues: result.issues, issues_truncated: result.issuesTruncated,
      fixes_applied: result.tally.applied, fixes_flagged: result.tally.flagged, fix_counts: result.tally.byCode,
    };
  });
}
