/** Checks between the features of one file: repeated plot IDs, duplicate and overlapping plots. */
export { CrossFeatureChecker, type CrossFeatureOptions, type StagedLine } from './cross-feature-checker.js';
export { PlotSummariser, type HashSeeds, type PlotSummary } from './plot-summary.js';
