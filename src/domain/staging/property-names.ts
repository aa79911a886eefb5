/**
 * The property names a file's features have, gathered batch by batch while it is staged, so
 * /fetch_plots can tell a property filter from a parameter it does not know. A file may give
 * every feature names of its own: past a bound the names are not kept at all (null), as a
 * partial list would turn real property names into unknown ones.
 */

/** The most property names, and bytes of them, a collection keeps. */
export const MAX_PROPERTY_NAMES = 10_000;
export const MAX_PROPERTY_NAME_BYTES = 1024 * 1024;

export class PropertyNames {
  private names: Set<string> | null = new Set();
  private bytes = 0;

  /** Adds names (repeats are ignored). */
  add(names: readonly string[]): void {
    if (this.names === null) return;
    for (const name of names) {
      if (this.names.has(name)) continue;
      this.names.add(name);
      this.bytes += Buffer.byteLength(name);
      if (this.names.size > MAX_PROPERTY_NAMES || this.bytes > MAX_PROPERTY_NAME_BYTES) {
        this.names = null;
        return;
      }
    }
  }

  /** The names in the order first met; null when there were more than the bounds allow. */
  list(): string[] | null {
    return this.names === null ? null : [...this.names];
  }
}
