import { short } from '../formats/report.js';
import type { EngineName } from './engine.js';

/** The plot counts a full run measures. */
export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
/** On PostgreSQL (issue 16) the targets are judged at 1M, and the workers scenario follows. */
export const POSTGRES_SIZES = [1_000_000];
/** Plots in each of the four collections the workers scenario uploads (issue 16: four of 250k). */
export const WORKERS_PLOTS = 250_000;
/** The one size of `--smoke` (what CI runs). */
export const SMOKE_SIZES = [10_000];

export interface BenchArgs {
  sizes: number[];
  smoke: boolean;
  /** The command that reproduces this run. */
  command: string;
  /** '' for the default sizes, else e.g. '-10k-100k', for the results file names. */
  fileSuffix: string;
  engine: EngineName;
  /** PostgreSQL only: plots per collection of the workers scenario (four collections); 0 leaves it out. */
  workersPlots: number;
}

const USAGE = 'npm run bench -- [sizes=10000,100000,1000000] [--smoke] [--engine=sqlite|postgres] [workers=250000 (postgres; 0 for none)]';

/** A non-negative integer argument's value. */
function count(arg: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${arg}: expected an integer ≥ ${min}`);
  return n;
}

/** Reads `sizes=…`, `--smoke`, `--engine=…` and `workers=…` from the command line; anything else is an error. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let sizes: number[] | null = null;
  let smoke = false;
  let sizesGiven = false;
  let engine: EngineName = 'sqlite';
  let workersPlots: number | null = null;
  for (const arg of argv) {
    if (arg.startsWith('--engine=')) {
      const name = arg.slice('--engine='.length);
      if (name !== 'sqlite' && name !== 'postgres') throw new Error(`unknown engine "${name}"; use: ${USAGE}`);
      engine = name;
    } else if (arg.startsWith('workers=')) {
      workersPlots = count(arg, arg.slice('workers='.length), 0);
    } else if (arg === '--smoke') {
      smoke = true;
    } else if (arg.startsWith('sizes=')) {
      sizes = arg.slice('sizes='.length).split(',').map((n) => count(arg, n, 1));
      sizesGiven = true;
    } else {
      throw new Error(`unknown argument "${arg}"; use: ${USAGE}`);
    }
  }
  if (smoke && sizesGiven) throw new Error('--smoke runs 10,000 plots; give either --smoke or sizes=…');
  if (workersPlots !== null && engine !== 'postgres') throw new Error('workers=… is a PostgreSQL scenario: add --engine=postgres');
  const defaults = engine === 'postgres' ? POSTGRES_SIZES : DEFAULT_SIZES;
  sizes = [...new Set(smoke ? SMOKE_SIZES : sizes ?? defaults)].sort((a, b) => a - b);
  const workers = engine === 'postgres' ? workersPlots ?? (smoke ? SMOKE_SIZES[0] : WORKERS_PLOTS) : 0;
  const words = ['npm run bench --', ...(engine === 'postgres' ? ['--engine=postgres'] : []), smoke ? '--smoke' : `sizes=${sizes.join(',')}`,
    ...(engine === 'postgres' ? [`workers=${workers}`] : [])];
  const suffix = [...(engine === 'postgres' ? ['postgres'] : []), ...(sizes.join() === defaults.join() ? [] : sizes.map(short))];
  return {
    sizes,
    smoke,
    command: words.join(' '),
    fileSuffix: suffix.map((part) => `-${part}`).join(''),
    engine,
    workersPlots: workers,
  };
}
