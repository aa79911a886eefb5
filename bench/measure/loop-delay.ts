import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './stats.js';
import type { LoopDelay } from './types.js';

/** The Node.js options that preload the event-loop delay probe into a server. */
export const LOOP_DELAY_PROBE_ARGS = ['--import', path.join(import.meta.dirname, 'loop-delay-probe.mjs')];

/**
 * Reads a server's event-loop delay through the probe it was started with
 * (loop-delay-probe.mjs): mark() returns the delay since the previous mark (or start-up).
 * Note that monitorEventLoopDelay samples every 10 ms, so its figures are delays beyond that.
 */
export class LoopDelayReader {
  private readonly file: string;
  private linesRead = 0;

  constructor(private readonly pid: number) {
    this.file = path.join(os.tmpdir(), `canopy-loop-delay-${pid}.jsonl`);
  }

  async mark(): Promise<LoopDelay> {
    process.kill(this.pid, 'SIGUSR2');
    // The server writes the line when its event loop next gets a turn: wait for it.
    for (let waited = 0; waited < 30_000; waited += 5) {
      const lines = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8').split('\n').filter(Boolean) : [];
      if (lines.length > this.linesRead) {
        this.linesRead = lines.length;
        return JSON.parse(lines[lines.length - 1]) as LoopDelay;
      }
      await sleep(5);
    }
    throw new Error(`the server (pid ${this.pid}) wrote no event-loop delay figures within 30 s`);
  }

  /** Removes the probe's file. */
  close(): void {
    fs.rmSync(this.file, { force: true });
  }
}
