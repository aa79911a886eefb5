/**
 * Reads an analysis asset (a FlatGeobuf file this package wrote, flatgeobuf-writer.ts) back
 * as a stream, feature by feature, in the file's order: the order of its Hilbert-packed
 * index, so neighbouring plots come one after the other. flatgeobuf's own reader decodes it.
 */
import { Readable } from 'node:stream';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { AssetFeature, AssetFeatureReader } from '../../domain/ports.js';
import type { PlotGeometry } from '../../domain/features/types.js';

interface AssetProperties {
  uuid: string;
  plotid: string | null;
  feature_index: number;
  area_ha: number | null;
  properties: unknown;
}

export const readAssetFeatures: AssetFeatureReader = async function* (stream: Readable): AsyncGenerator<AssetFeature> {
  const web = Readable.toWeb(stream) as unknown as ReadableStream;
  for await (const feature of deserialize(web) as AsyncGenerator<{ geometry: PlotGeometry; properties: AssetProperties }>) {
    const p = feature.properties;
    yield {
      geometry: feature.geometry, uuid: p.uuid, plotid: p.plotid ?? null, featureIndex: p.feature_index, areaHa: p.area_ha ?? null,
      propertiesJson: typeof p.properties === 'string' ? p.properties : JSON.stringify(p.properties ?? {}),
    };
  }
};
