/**
 * manifest.json of a TRACES export: what was exported from which collection, when, by which
 * Canopy, under which limits; every file with its plots, producers, size and SHA-256 (of the
 * bytes as unzipped), so a reader can check the archive and tell each statement's file apart.
 */
import type { CollectionRecord } from '../ports.js';
import type { CollectedPlots } from './collect-plots.js';
import type { FileLimits } from './traces-limits.js';
import type { WrittenEntry } from './zip-entries.js';

export interface ManifestFile extends WrittenEntry {
  plots: number;
  producers: number;
}

export interface ManifestEvidence extends WrittenEntry {
  /** Data rows (the header not counted). */
  rows: number;
}

export interface ExportManifest {
  format: 'traces';
  canopy_version: string;
  exported_at: string;
  collection: {
    id: string; name: string; description: string | null; format: string; source_sha256: string;
    feature_count: number; valid_count: number; invalid_count: number; warning_count: number;
  };
  limits: { max_file_bytes: number; max_producers_per_file: number; coordinate_decimals: 6 };
  counts: {
    /** Plots in the plot store (the collection's uploaded plots). */
    plots_uploaded: number;
    plots_exported: number;
    /** Uploaded plots left out, each a row of excluded.csv with stage "export". */
    plots_excluded: number;
    excluded_by_code: Record<string, number>;
    /** Features with errors that staging kept out of the plot store (rows of excluded.csv with stage "staging"). */
    features_not_uploaded: number;
    producers: number;
    files: number;
    holes_dropped: number;
  };
  files: ManifestFile[];
  evidence: ManifestEvidence[];
}

/** The manifest of an export whose files and evidence have all been written. */
export function exportManifest(input: {
  collection: CollectionRecord; version: string; exportedAt: Date; limits: FileLimits;
  collected: CollectedPlots; producers: number; files: ManifestFile[]; evidence: ManifestEvidence[];
}): ExportManifest {
  const { collection: c, collected } = input;
  return {
    format: 'traces',
    canopy_version: input.version,
    exported_at: input.exportedAt.toISOString(),
    collection: {
      id: c.id, name: c.name, description: c.description, format: c.format, source_sha256: c.sourceSha256,
      feature_count: c.featureCount, valid_count: c.validCount, invalid_count: c.invalidCount, warning_count: c.warningCount,
    },
    limits: { max_file_bytes: input.limits.maxFileBytes, max_producers_per_file: input.limits.maxProducersPerFile, coordinate_decimals: 6 },
    counts: {
      plots_uploaded: collected.plots, plots_exported: collected.exported, plots_excluded: collected.excluded,
      excluded_by_code: collected.excludedByCode, features_not_uploaded: c.invalidCount,
      producers: input.producers, files: input.files.length, holes_dropped: collected.holesDropped,
    },
    files: input.files,
    evidence: input.evidence,
  };
}
