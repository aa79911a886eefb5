/**
 * What the EU Information System (TRACES) takes in one due diligence statement, as the
 * README's "Export for TRACES" section sources them: 25 MB of geolocation per statement, and
 * at most 1,000 producers per commodity in it (10,000 in all, over up to 100 commodities).
 * An export file is one statement's geolocation, for one commodity, so it keeps to both.
 */
export const TRACES_LIMITS = Object.freeze({
  /** "25 MB" read as 25,000,000 bytes, the smaller of its two readings (a mebibyte would allow 26,214,400). */
  maxFileBytes: 25_000_000,
  /** Producers of one commodity per statement. */
  maxProducersPerFile: 1000,
});

/** How export files are cut: the most bytes and producers one file may hold. */
export interface FileLimits {
  maxFileBytes: number;
  maxProducersPerFile: number;
}
