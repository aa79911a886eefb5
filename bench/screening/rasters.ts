/**
 * The bench's two Hansen-sized maps (make_rasters.py), kept in bench/.cache/ (outside git) in
 * a folder named by a digest of the generator's source and parameters, so a second run, or a
 * run with other plots, reuses them; a changed generator or size makes new ones.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Debian's Python, with python3-rasterio and python3-numpy (not the python3 a version manager may put first on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** One Hansen tile (10N_010W): 40,000 × 40,000 pixels of 0.00025° from (−10°, 10°). */
export const HANSEN_TILE = { size: 40_000, pixel: 0.00025, west: -10, north: 10, seed: 2020 };
export type RasterParameters = typeof HANSEN_TILE;

/** What make_rasters.py reports: its time and the shares of forest and loss it drew. */
export interface RasterFigures {
  seconds: number;
  forest_2020_share: number;
  loss_after_2020_share_of_forest: number;
  loss_2001_2020_share: number;
}

export interface BenchRasters {
  forest: string;
  loss: string;
  parameters: RasterParameters;
  figures: RasterFigures;
  /** True when the files came from the cache (figures.seconds is then the time they took when made). */
  cached: boolean;
  /** The files' sizes in bytes. */
  forestBytes: number;
  lossBytes: number;
}

const SCRIPT = path.join(import.meta.dirname, 'make_rasters.py');

/** The rasters for `parameters`, made unless the cache has them. */
export async function benchRasters(cacheRoot: string, parameters: RasterParameters = HANSEN_TILE): Promise<BenchRasters> {
  const key = createHash('sha256').update(fs.readFileSync(SCRIPT)).update(JSON.stringify(parameters)).digest('hex').slice(0, 12);
  const dir = path.join(cacheRoot, `screening-rasters-${key}`);
  const figuresFile = path.join(dir, 'figures.json');
  const forest = path.join(dir, 'forest_2020.tif');
  const loss = path.join(dir, 'loss_year.tif');
  let cached = true;
  if (!fs.existsSync(figuresFile) || !fs.existsSync(forest) || !fs.existsSync(loss)) {
    cached = false;
    fs.mkdirSync(dir, { recursive: true });
    console.log(`generating two ${parameters.size} × ${parameters.size} rasters in ${path.relative(process.cwd(), dir)} …`);
    const { stdout } = await promisify(execFile)(SYSTEM_PYTHON, [SCRIPT, dir, ...Object.entries(parameters).map(([k, v]) => `${k}=${v}`)],
      { maxBuffer: 1 << 20 });
    // The figures file is written last: its presence says both rasters are whole.
    fs.writeFileSync(figuresFile, stdout.trim().split('\n').pop() as string);
  }
  const figures = JSON.parse(fs.readFileSync(figuresFile, 'utf8')) as RasterFigures;
  return { forest, loss, parameters, figures, cached, forestBytes: fs.statSync(forest).size, lossBytes: fs.statSync(loss).size };
}
