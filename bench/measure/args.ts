import { short } from '../formats/report.js';

/** The plot counts a full run measures. */
export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
/** The one size of `--smoke` (what CI runs). */
export const SMOKE_SIZES = [10_000];

export interface BenchArgs {
  sizes: number[];
  smoke: boolean;
  /** The command that reproduces this run. */
  command: string;
  /** '' for the default sizes, else e.g. '-10k-100k', for the results file names. */
  fileSuffix: string;
}

/** Reads `sizes=10000,100000` and `--smoke` from the command line; anything else is an error. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let sizes = DEFAULT_SIZES;
  let smoke = false;
  let sizesGiven = false;
  for (const arg of argv) {
    if (arg === '--smoke') {
      smoke = true;
    } else if (arg.startsWith('sizes=')) {
      sizes = arg.slice('sizes='.length).split(',').map(Number);
      sizesGiven = true;
      if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`sizes must be positive integers: ${arg}`);
    } else {
      throw new Error(`unknown argument "${arg}"; use: npm run bench -- [sizes=10000,100000,1000000] [--smoke]`);
    }
  }
  if (smoke && sizesGiven) throw new Error('--smoke runs 10,000 plots; give either --smoke or sizes=…');
  if (smoke) sizes = SMOKE_SIZES;
  sizes = [...new Set(sizes)].sort((a, b) => a - b);
  const isDefault = sizes.join() === DEFAULT_SIZES.join();
  return {
    sizes,
    smoke,
    command: smoke ? 'npm run bench -- --smoke' : `npm run bench -- sizes=${sizes.join(',')}`,
    fileSuffix: isDefault ? '' : `-${sizes.map(short).join('-')}`,
  };
}
