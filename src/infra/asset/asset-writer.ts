import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AssetWriterFactory } from '../../domain/ports.js';
import { FlatGeobufWriter } from './flatgeobuf-writer.js';

/** The analysis-asset port, served by our FlatGeobuf writer in a scratch folder. */
export function createFlatGeobufAssetWriter(scratchDir: string): AssetWriterFactory {
  return ({ name, description }) => {
    const file = path.join(scratchDir, `asset-${randomUUID()}.fgb`);
    const writer = new FlatGeobufWriter({ path: file, tmpDir: scratchDir, name, description });
    return {
      add: (feature) => writer.add(feature),
      async finish() {
        const summary = await writer.finish();
        return { path: file, features: summary.features };
      },
      abort: () => writer.abort(),
    };
  };
}
