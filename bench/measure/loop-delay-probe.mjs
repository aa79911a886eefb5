/**
 * Preloaded into the benchmark's server (`node --import <this file>`): measures the main
 * thread's event-loop delay with perf_hooks.monitorEventLoopDelay. Each SIGUSR2 appends the
 * figures since the previous one (ms) as a JSON line to <tmpdir>/canopy-loop-delay-<pid>.jsonl
 * and starts afresh, so the benchmark can bracket a phase with two signals (loop-delay.ts).
 * Plain JavaScript: the server runs from dist/ without a TypeScript loader.
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
const file = join(tmpdir(), `canopy-loop-delay-${process.pid}.jsonl`);
const ms = (ns) => ns / 1e6;

process.on('SIGUSR2', () => {
  const line = {
    count: histogram.count, meanMs: ms(histogram.mean), p50Ms: ms(histogram.percentile(50)), p90Ms: ms(histogram.percentile(90)),
    p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max),
  };
  histogram.reset();
  appendFileSync(file, `${JSON.stringify(line)}\n`);
});
