/**
 * One-line bugs that the test suite must catch (`npm run mutate`). Each replaces one exact
 * piece of source text (it must occur exactly once in its file, or the run stops and says
 * so: a mutant whose text has gone must be rewritten, not skipped). `tests` are the test
 * files expected to catch it, run first; when they pass, the whole suite runs, so a mutant
 * counts as caught only when the suite itself fails.
 */
export interface Mutant {
  /** A short stable name, for `--only`. */
  id: string;
  /** What the bug does, in words. */
  bug: string;
  file: string;
  find: string;
  replace: string;
  tests: string[];
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'ring-error-bound',
    bug: 'the simple-ring proof trusts every orientation, however small (error bound 0)',
    file: 'src/domain/checks/simple-ring.ts',
    find: 'const ERROR_BOUND = 8 * 3.3306690738754716e-16;',
    replace: 'const ERROR_BOUND = 0;',
    tests: ['test/unit/zero-lines.test.ts', 'test/unit/simple-ring.test.ts'],
  },
  {
    id: 'truncate-text-fallback',
    bug: '6-decimal truncation never falls back to the decimal text near a boundary',
    file: 'src/domain/checks/truncate.ts',
    find: 'if (frac < 1e-6 || frac > 1 - 1e-6) return truncateText(v);',
    replace: 'if (frac < 0) return truncateText(v);',
    tests: ['test/unit/truncate.test.ts'],
  },
  {
    id: 'plain-geometry-buffer',
    bug: "the plain-geometry reader's number buffer never grows past 64 numbers",
    file: 'src/domain/readers/plain-geometry.ts',
    find: 'if (n === this.numbers.length) {',
    replace: 'if (n === this.numbers.length && n < 64) {',
    tests: ['test/unit/plain-geometry.test.ts'],
  },
  {
    id: 'warning-count-issues',
    bug: 'warning_count counts warning issues instead of features with a warning',
    file: 'src/domain/staging/issue-tally.ts',
    find: "if (issue.severity === 'warning') this.markWarned(issue.feature);",
    replace: "if (issue.severity === 'warning') this.warnedCount++;",
    tests: ['test/integration/counts-and-caps.test.ts'],
  },
  {
    id: 'issue-cap-off-by-one',
    bug: 'the /stage_plots response lists one issue more than CANOPY_STAGE_ISSUE_LIMIT',
    file: 'src/domain/staging/issue-tally.ts',
    find: 'if (this.first.length < this.firstLimit) this.first.push(issue);',
    replace: 'if (this.first.length <= this.firstLimit) this.first.push(issue);',
    tests: ['test/integration/counts-and-caps.test.ts'],
  },
  {
    id: 'tile-gzip-raw',
    bug: 'vector tiles are labelled gzip but sent raw',
    file: 'src/http/routes/collection-tile.ts',
    find: 'body = await gzipAsync(body, { level: 6 });',
    replace: 'await gzipAsync(body, { level: 6 });',
    tests: ['test/integration/dashboard-api.test.ts'],
  },
  {
    id: 'geojsonseq-reader',
    bug: 'GeoJSONSeq files are sent to the FeatureCollection reader',
    file: 'src/domain/readers/open-reader.ts',
    find: 'return readGeoJsonSeq(chunks, { maxFeatureBytes, maxNestingDepth: limits.maxNestingDepth });',
    replace: 'return readGeoJson(chunks, { maxFeatureBytes, maxNestingDepth: limits.maxNestingDepth, deferParse: true });',
    tests: ['test/integration/formats.test.ts'],
  },
  {
    id: 'csv-formula-defusing',
    bug: 'report CSV cells that start with = + - @ are no longer defused',
    file: 'src/domain/csv-field.ts',
    find: "if (/^[=+\\-@\\t\\r]/.test(text) && typeof value === 'string') text = `'${text}`;",
    replace: "if (/^[\\t\\r]/.test(text) && typeof value === 'string') text = `'${text}`;",
    tests: ['test/integration/bad-files.test.ts'],
  },
  {
    id: 'source-cut-8k',
    bug: 'the stored source file keeps only its first 8 KiB',
    file: 'src/domain/staging/source-tap.ts',
    find: 'await this.writer.write(chunk);',
    replace: 'await this.writer.write(chunk.subarray(0, Math.max(0, HEAD_BYTES - (this.bytes - chunk.length))));',
    tests: ['test/integration/source-file.test.ts'],
  },
  {
    id: 'sha256-first-8k',
    bug: "the source file's SHA-256 covers only its first 8 KiB",
    file: 'src/domain/staging/source-tap.ts',
    find: 'this.hash.update(chunk);',
    replace: 'this.hash.update(chunk.subarray(0, Math.max(0, HEAD_BYTES - (this.bytes - chunk.length))));',
    tests: ['test/integration/source-file.test.ts'],
  },
  {
    id: 'issue-counts-warnings',
    bug: 'issue_counts counts each warning twice',
    file: 'src/domain/staging/issue-tally.ts',
    find: 'this.counts[issue.code] = (this.counts[issue.code] ?? 0) + 1;',
    replace: "this.counts[issue.code] = (this.counts[issue.code] ?? 0) + (issue.severity === 'warning' ? 2 : 1);",
    tests: ['test/integration/bad-files.test.ts', 'test/integration/counts-and-caps.test.ts'],
  },
  {
    id: 'stop-waits-for-tasks',
    bug: 'a clean stop waits for running tasks to finish instead of handing them back',
    file: 'src/domain/tasks/task-runner.ts',
    find: "for (const r of this.running.values()) r.controller.abort(new AppError(503, 'SHUTTING_DOWN', 'The server is stopping.'));",
    replace: '',
    tests: ['test/unit/task-runner.test.ts', 'test/integration/restart.test.ts'],
  },
  {
    id: 'cancel-waits-for-tasks',
    bug: 'cancelling a task (DELETE /collections/{id}) waits for it to finish instead of stopping it',
    file: 'src/domain/tasks/task-runner.ts',
    find: 'r.controller.abort(cancelledError());',
    replace: '',
    tests: ['test/unit/task-runner.test.ts', 'test/integration/csv-and-cancel.test.ts'],
  },
  {
    id: 'stage-form-undocumented',
    bug: '/openapi.json no longer describes the /stage_plots form, so a generated client cannot stage',
    file: 'src/http/routes/stage-plots.ts',
    find: 'schema: { ...schema, body: StageForm }',
    replace: 'schema',
    tests: ['test/integration/openapi-client.test.ts', 'test/integration/openapi-health.test.ts'],
  },
  {
    id: 'every-error-everywhere',
    bug: 'every operation documents every error code, whether it can give it or not',
    file: 'src/http/error-codes.ts',
    find: "const codes = new Set<ErrorCode>([...groups.flat(), 'INTERNAL_ERROR']);",
    replace: 'const codes = new Set<ErrorCode>(Object.keys(ERROR_CODES) as ErrorCode[]);',
    tests: ['test/integration/openapi-errors.test.ts'],
  },
  {
    id: 'ndjson-typed-json',
    bug: '/fetch_plots is documented as JSON though it streams NDJSON',
    file: 'src/http/routes/fetch-plots.ts',
    find: "{ 'application/x-ndjson': {",
    replace: "{ 'application/json': {",
    tests: ['test/integration/openapi-health.test.ts'],
  },
  {
    id: 'docs-csp-loosened',
    bug: 'the /docs page allows inline and eval\'d scripts',
    file: 'src/http/routes/api-docs.ts',
    find: `"default-src 'self'", "script-src 'self'",`,
    replace: `"default-src 'self'", "script-src 'self' 'unsafe-inline' 'unsafe-eval'",`,
    tests: ['test/integration/api-docs.test.ts'],
  },
  {
    id: 'admin-cli-checks-folder',
    bug: 'the account commands look for the data folder instead of its database, so they create one in an empty folder',
    file: 'src/infra/storage.ts',
    find: 'return { where: file, exists: fs.existsSync(file) };',
    replace: 'return { where: file, exists: fs.existsSync(config.dataDir) };',
    tests: ['test/integration/cli-accounts.test.ts'],
  },
  {
    id: 'prepare-always-builds',
    bug: "npm's prepare script rebuilds everything, so the first npx canopy rebuilds for ~20 s",
    file: 'package.json',
    find: '"prepare": "node scripts/build-if-stale.mjs",',
    replace: '"prepare": "node scripts/build-if-stale.mjs --force",',
    tests: ['test/integration/build-if-stale.test.ts'],
  },
  {
    id: 'cancel-not-seen-elsewhere',
    bug: 'a runner renewing its leases ignores a cancel written by another process, so DELETE cannot stop a task running elsewhere',
    file: 'src/domain/tasks/task-runner.ts',
    find: 'if (stopBecause !== null) r.controller.abort(stopBecause);',
    replace: '',
    tests: ['test/unit/task-runner.test.ts'],
  },
  {
    id: 'lease-never-expires',
    bug: 'a RUNNING task is taken over by another process while its lease still holds',
    file: 'src/infra/db/sqlite/sqlite-tasks.ts',
    find: 'AND (lease_expires_at IS NULL OR lease_expires_at <= ?)',
    replace: 'AND (lease_expires_at IS NULL OR lease_expires_at <= ? + 1e12)',
    tests: ['test/unit/stores-sqlite.test.ts', 'test/unit/task-runner.test.ts'],
  },
  {
    id: 'transaction-unguarded',
    bug: 'store calls from outside an open SQLite transaction run inside it (and are rolled back with it)',
    file: 'src/infra/db/sqlite/transactions.ts',
    find: 'if (this.open === null || this.inside()) return method.apply(store, args);',
    replace: 'return method.apply(store, args);',
    tests: ['test/unit/stores-sqlite.test.ts'],
  },
  {
    id: 'export-rounds',
    bug: 'the TRACES export rounds coordinates to 6 decimals instead of cutting them as TRACES does',
    file: 'src/domain/export/traces-geometry.ts',
    find: 'return [truncate6(p[0]), truncate6(p[1])];',
    replace: 'return [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];',
    tests: ['test/unit/traces-plot.test.ts'],
  },
  {
    id: 'export-file-overfull',
    bug: 'a producer that does not fit the rest of an export file is put in it all the same',
    file: 'src/domain/export/file-packer.ts',
    find: 'file.bytes + needed > this.limits.maxFileBytes',
    replace: 'file.bytes > this.limits.maxFileBytes',
    tests: ['test/unit/export-files.test.ts'],
  },
  {
    id: 'repair-area-limit-off',
    bug: 'a repair applies every fix, however much it changes the plot\'s area',
    file: 'src/domain/repair/fix-entry.ts',
    find: 'return { before, after, changeHa, pct: Math.round(pct * 100) / 100, overLimit: Math.abs(pct) > limitPct };',
    replace: 'return { before, after, changeHa, pct: Math.round(pct * 100) / 100, overLimit: false };',
    tests: ['test/unit/repair-feature.test.ts', 'test/integration/repair.test.ts'],
  },
  {
    id: 'repair-flagged-half-applied',
    bug: 'a plot with a fix flagged for review is written with its other fixes applied',
    file: 'src/domain/repair/repair-feature.ts',
    find: 'if (log.flagged) return { features: [as(original)], fixes: log.entries(false) };',
    replace: 'if (log.flagged) return { features: [as(repaired)], fixes: log.entries(false) };',
    tests: ['test/unit/repair-feature.test.ts'],
  },
];
