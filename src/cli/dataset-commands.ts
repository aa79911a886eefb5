import type { Command } from 'commander';
import { DATASET_KINDS, type DatasetRecord } from '../domain/datasets/dataset-types.js';
import { registerDataset } from '../domain/datasets/register-dataset.js';
import { CliError } from './cli-error.js';
import { withStorage } from './data-folder.js';
import { say } from './print-output.js';
import { printRows } from './print-table.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The box around a dataset's tiles, as west,south,east,north. */
function extentOf(dataset: DatasetRecord): string {
  const t = dataset.tiles;
  const box = [Math.min(...t.map((x) => x.west)), Math.min(...t.map((x) => x.south)), Math.max(...t.map((x) => x.east)), Math.max(...t.map((x) => x.north))];
  return box.map((v) => Number(v.toFixed(6))).join(',');
}

/** `canopy datasets add|list|remove`: the forest maps in the data folder's database (the server reads the tiles where they are). */
export function registerDatasetCommands(program: Command): void {
  const datasets = program.command('datasets').description('manage the forest maps plots are screened against (GeoTIFF tiles in EPSG:4326; see README)');
  datasets.command('add')
    .description('register one or more GeoTIFF tiles as one dataset (they must share one pixel grid; each file is read and digested)')
    .requiredOption('--name <name>', 'the dataset\'s name (letters, digits, ".", "_", "-")')
    .requiredOption('--kind <kind>', `what its values mean: ${DATASET_KINDS.join(', ')}`)
    .option('--file <path>', 'a GeoTIFF tile (repeat for each tile)', collect, [])
    .option('--version <version>', 'a version label (default: derived from the tiles\' SHA-256)')
    .action(async (options: { name: string; kind: string; file: string[]; version?: string }) => {
      if (options.file.length === 0) throw new CliError('Give at least one tile: --file PATH (repeat it for each tile of the dataset).');
      // The GeoTIFF reader is loaded only by the command that needs it, not by every canopy command.
      const { geoTiffInspector } = await import('../infra/rasters/geotiff-tiles.js');
      const dataset = await withStorage(({ stores }) => registerDataset({ datasets: stores.datasets, inspector: geoTiffInspector },
        { name: options.name, kind: options.kind, files: options.file, version: options.version }));
      say(`dataset ${dataset.name} (${dataset.kind}, version ${dataset.version}) registered with ${dataset.tiles.length} tile(s), extent ${extentOf(dataset)}`);
    });

  datasets.command('list')
    .description('list the datasets: name, kind, version, tiles, extent, pixel size')
    .option('--json', 'print JSON, with every tile')
    .action(async (options: { json?: boolean }) => {
      const list = await withStorage(({ stores }) => stores.datasets.list());
      if (options.json === true) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      printRows(list.map((d) => ({
        name: d.name, kind: d.kind, version: d.version, tiles: d.tiles.length, extent: extentOf(d),
        pixel: `${d.tiles[0]?.pixelWidth}x${d.tiles[0]?.pixelHeight}`, created: d.createdAt,
      })), ['name', 'kind', 'version', 'tiles', 'extent', 'pixel', 'created'], false);
    });

  datasets.command('remove')
    .description('forget a dataset (its files are left where they are)')
    .requiredOption('--name <name>', 'the dataset')
    .action(async (options: { name: string }) => {
      const removed = await withStorage(({ stores }) => stores.datasets.delete(options.name));
      if (!removed) throw new CliError(`There is no dataset named "${options.name}" (see canopy datasets list).`);
      say(`dataset ${options.name} removed`);
    });
}
