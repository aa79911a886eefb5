import { findCollection, requireLiveLoad } from '../collections/find-collection.js';
import type { BBox } from '../features/types.js';
import type { Stores } from '../ports.js';
import type { CheckRisks } from '../screening/check-risks.js';
import { buildPlotTile } from './build-plot-tile.js';
import { plotTileJson, type TileJson } from './tilejson.js';
import { assertTileAddress, type TileAddress } from './web-mercator.js';

/** Bumped when the tile encoding changes, so clients drop tiles cached under the old one. */
const TILE_FORMAT_VERSION = 'v1';
/** Extents remembered, one per live load. */
const EXTENTS_KEPT = 64;

export interface PlotTile {
  /** Names the tile's content: the same for as long as the collection's live load is the same. */
  version: string;
  /** True when the caller already holds this version (nothing was built). */
  unchanged: boolean;
  /** The encoded tile; null when no plot falls in it. */
  bytes: Uint8Array | null;
}

/** The dashboard's map of a collection: TileJSON and vector tiles of its uploaded plots. */
export class PlotMapService {
  // A published load never changes, so its extent (a scan of every plot) is computed once.
  private readonly extents = new Map<string, { bbox: BBox | null; count: number }>();

  /** `risks`, when given, adds each plot's risk from the latest deforestation check to the tiles. */
  constructor(private readonly stores: Stores, private readonly risks?: CheckRisks) {}

  private async extentOf(collectionId: string, loadId: string): Promise<{ bbox: BBox | null; count: number }> {
    let extent = this.extents.get(loadId);
    if (!extent) {
      extent = await this.stores.plots.extent(collectionId, loadId);
      if (this.extents.size >= EXTENTS_KEPT) this.extents.delete(this.extents.keys().next().value as string);
      this.extents.set(loadId, extent);
    }
    return extent;
  }

  /** TileJSON for the caller's uploaded collection; `tilesBaseUrl` is where this server is reached ('' for a path on it). */
  async tileJson(ownerId: string, idOrName: string, tilesBaseUrl: string): Promise<TileJson> {
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const loadId = requireLiveLoad(collection);
    const { bbox, count } = await this.extentOf(collection.id, loadId);
    return plotTileJson({
      name: collection.name, description: collection.description, count,
      tileUrl: `${tilesBaseUrl}/collections/${collection.id}/tiles/{z}/{x}/{y}.pbf`,
      // A load can be empty (every plot skipped); the whole world is then its honest extent.
      bbox: bbox ?? [-180, -85.0511287798066, 180, 85.0511287798066],
    });
  }

  /** One tile of the caller's uploaded collection, unless the caller already holds that version. */
  async tile(ownerId: string, idOrName: string, address: TileAddress, knownVersions: string[] = []): Promise<PlotTile> {
    assertTileAddress(address);
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const loadId = requireLiveLoad(collection);
    const risks = (await this.risks?.forLoad(collection, loadId)) ?? null;
    // A completed check changes the tile (its risks), so its task is part of the version.
    const version = `${TILE_FORMAT_VERSION}-${loadId}${risks ? `-${risks.taskId}` : ''}-${address.z}-${address.x}-${address.y}`;
    if (knownVersions.includes(version)) return { version, unchanged: true, bytes: null };
    return { version, unchanged: false, bytes: await buildPlotTile(this.stores.plots, collection.id, loadId, address, risks?.riskOf) };
  }
}
