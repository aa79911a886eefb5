/** A one-line progress bar on stderr; on a non-terminal it prints a line every 10 %. */
export class ProgressBar {
  private lastStep = -1;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string, private readonly width = 30) {}

  update(done: number, total: number, suffix = ''): void {
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const percent = Math.floor(ratio * 100);
    if (this.tty) {
      const filled = Math.round(ratio * this.width);
      process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(percent).padStart(3)}% ${suffix}\x1b[K`);
    } else if (Math.floor(percent / 10) > this.lastStep) {
      this.lastStep = Math.floor(percent / 10);
      process.stderr.write(`${this.label} ${percent}% ${suffix}\n`);
    }
  }

  done(message = ''): void {
    if (this.tty) process.stderr.write('\n');
    if (message) process.stderr.write(message + '\n');
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
