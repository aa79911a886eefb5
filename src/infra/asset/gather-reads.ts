/** Many small positioned reads of one file, gathered into one buffer. */
import { read } from 'node:fs';

/** Byte ranges to read: from `position` in the file, `length` bytes, to `offset` in the buffer. */
export class ReadPlan {
  positions: number[] = [];
  lengths: number[] = [];
  offsets: number[] = [];

  get size(): number {
    return this.positions.length;
  }

  add(position: number, length: number, offset: number): void {
    this.positions.push(position);
    this.lengths.push(length);
    this.offsets.push(offset);
  }

  clear(): void {
    this.positions.length = this.lengths.length = this.offsets.length = 0;
  }
}

/**
 * Runs every read of the plan into buffer, at most `concurrency` at a time, and settles when
 * all have (rejecting with the first failure). Uses callback fs.read on the raw descriptor: for
 * 200,000 reads of ~300 B it measured 0.3 s against 1.5 s for FileHandle.read promises (batched
 * ×1000) and 8.6 s for one awaited FileHandle.read at a time.
 */
export function gatherReads(fd: number, buffer: Uint8Array, plan: ReadPlan, concurrency = 64): Promise<void> {
  const { positions, lengths, offsets } = plan;
  return new Promise((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let failure: Error | null = null;
    const issue = (i: number, done: number): void => {
      inFlight++;
      read(fd, buffer, offsets[i] + done, lengths[i] - done, positions[i] + done, (error, bytesRead) => {
        inFlight--;
        if (error) failure ??= error;
        else if (bytesRead === 0) failure ??= new Error(`unexpected end of file at byte ${positions[i] + done}`);
        else if (done + bytesRead < lengths[i]) return issue(i, done + bytesRead);
        pump();
      });
    };
    const pump = (): void => {
      while (failure === null && inFlight < concurrency && next < positions.length) issue(next++, 0);
      if (inFlight > 0) return;
      if (failure !== null) reject(failure);
      else if (next === positions.length) resolve();
    };
    pump();
  });
}
