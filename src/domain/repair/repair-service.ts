/**
 * POST /collections/{id}/repair: a new staged collection made from an existing one with each
 * fixable problem fixed. The source file is read again feature by feature, each feature is
 * repaired (repair-feature.ts), and the repaired features are written out as a GeoJSON stream
 * that goes through the very staging pipeline an uploaded file does, so the new collection's
 * verdicts are computed as for any file. The fix log is written beside it as a blob of the new
 * collection and committed with it. Nothing is held whole: memory stays flat in the plots.
 */
import { createPolygonValidator } from '../checks/geos-validator.js';
import { findCollection } from '../collections/find-collection.js';
import { Pacer, SERVING_SLICE_MS } from '../pacer.js';
import type { BlobStore, CollectionRecord, Stores } from '../ports.js';
import { LineSink } from '../staging/line-sink.js';
import type { StageResult, StagingService } from '../staging/stage-collection.js';
import { STAGE_REQUEST_LIMITS } from '../staging/stage-request.js';
import type { FixEntry } from './fix-entry.js';
import { createPolygonMender } from './make-valid.js';
import { repairFeature, type RepairOptions, type RepairTools } from './repair-feature.js';

/** What a repair request may say. */
export interface RepairRequest {
  /** Percent (default 5): a fix changing a plot's area by more is not applied but flagged for review. */
  maxAreaChangePct?: number;
  /** Split multi-part plots into one feature per part (default false). */
  splitMultipart?: boolean;
  /** The new collection's name (default "<source name> (repaired)"). */
  name?: string;
}

/** The fixes made, counted. */
export interface RepairTally {
  applied: number;
  flagged: number;
  /** Fix entries per code. */
  byCode: Record<string, number>;
}

export interface RepairResult extends StageResult {
  repairedFrom: string;
  tally: RepairTally;
}

export const DEFAULT_MAX_AREA_CHANGE_PCT = 5;
const SUFFIX = ' (repaired)';
const CHUNK_BYTES = 64 * 1024;

/** The default name of a repaired collection, within the name limit. */
export function repairedName(source: string): string {
  return source.slice(0, STAGE_REQUEST_LIMITS.nameChars - SUFFIX.length).trimEnd() + SUFFIX;
}

export class RepairService {
  constructor(private readonly stores: Stores, private readonly blobs: BlobStore, private readonly staging: StagingService) {}

  /** Repairs the owner's collection `idOrName` into a new staged collection. */
  async repair(ownerId: string, idOrName: string, request: RepairRequest): Promise<RepairResult> {
    const source = await findCollection(this.stores, ownerId, idOrName);
    const layout = await this.stores.collections.layout(source.id);
    const idColumn = typeof layout.idColumn === 'string' ? layout.idColumn : undefined;
    const options: RepairOptions = {
      maxAreaChangePct: request.maxAreaChangePct ?? DEFAULT_MAX_AREA_CHANGE_PCT, splitMultipart: request.splitMultipart === true, idColumn,
    };
    const tally: RepairTally = { applied: 0, flagged: 0, byCode: {} };
    const repairs = await this.blobs.createWriter();
    const tools: RepairTools = { validator: await createPolygonValidator(), mender: await createPolygonMender() };
    try {
      const encoding = typeof layout.encoding === 'string' ? layout.encoding : undefined;
      const geojson = this.repairedGeoJson(source, encoding, tools, options, new LineSink(repairs), tally);
      const ingested = await this.staging.ingest({ stream: geojson, filename: 'repaired.geojson', mimeType: 'application/geo+json', idColumn });
      ingested.writers.repairs = repairs;
      ingested.layout.repairedFrom = source.id;
      ingested.layout.repair = { maxAreaChangePct: options.maxAreaChangePct, splitMultipart: options.splitMultipart, applied: tally.applied, flagged: tally.flagged };
      const result = await this.staging.commit(ownerId, ingested, { name: request.name ?? repairedName(source.name), description: source.description });
      return { ...result, repairedFrom: source.id, tally };
    } catch (err) {
      await repairs.abort();
      throw err;
    } finally {
      tools.validator.close();
      tools.mender.close();
    }
  }

  /** The repaired features as a GeoJSON FeatureCollection's bytes, the fix log written to `log` on the way. */
  private async *repairedGeoJson(
    source: CollectionRecord, encoding: string | undefined, tools: RepairTools, options: RepairOptions, log: LineSink, tally: RepairTally,
  ): AsyncGenerator<Buffer> {
    // GEOS runs here, on the thread that answers requests: give way every slice.
    const pacer = new Pacer(SERVING_SLICE_MS, 16);
    let text = '{"type":"FeatureCollection","features":[\n';
    let written = 0;
    for await (const feature of this.staging.storedSourceFeatures(source, encoding)) {
      const repaired = repairFeature(feature, tools, options);
      for (const fix of repaired.fixes) {
        const entry: FixEntry = { ...fix, repaired_feature: written };
        await log.push(JSON.stringify(entry));
        if (fix.flagged_for_review) tally.flagged++;
        else if (fix.applied) tally.applied++;
        tally.byCode[fix.code] = (tally.byCode[fix.code] ?? 0) + 1;
      }
      for (const out of repaired.features) {
        text += `${written++ === 0 ? '' : ',\n'}${JSON.stringify({ type: 'Feature', ...(out.id === undefined ? {} : { id: out.id }), properties: out.properties, geometry: out.geometry })}`;
      }
      if (text.length >= CHUNK_BYTES) {
        yield Buffer.from(text, 'utf8');
        text = '';
      }
      if (pacer.due()) await pacer.pause();
    }
    await log.flush();
    yield Buffer.from(`${text}\n]}\n`, 'utf8');
  }
}
