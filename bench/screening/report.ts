/** The screening bench's figures as markdown, with the issue's targets judged. */
import type { MachineInfo } from '../measure/types.js';
import type { CheckRun } from './check-run.js';
import type { PlotFileFigures } from './plots.js';
import type { BenchRasters } from './rasters.js';
import type { Agreement, ReferenceRun } from './reference.js';

export interface ScreeningRun {
  date: string;
  commit: string;
  srcDirty: boolean;
  command: string;
  machine: MachineInfo;
  seed: number;
  /** CANOPY_SCREENING_THREADS as the check's server had it. */
  threads: string;
  rasters: BenchRasters;
  plots: PlotFileFigures;
  canopy: CheckRun;
  /** The reference before and after Canopy's check, and the faster of the two (the one projected and compared). */
  reference: { runs: ReferenceRun[]; best: ReferenceRun };
  agreement: Agreement;
}

/** The targets of issue 17's bench. */
export const TARGET_SPEEDUP = 10;
export const TARGET_PEAK_RSS_MB = 400;
/** "Equal results" read as: this share of sampled plots over 1 ha within 1 point of rasterio's forest %, and the mean difference under 1 point. */
export const TARGET_WITHIN_1_SHARE = 0.95;

const MB = 1e6;
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** About ten samples of the once-a-second RSS series, as "s: MB". */
function rssSeries(series: [number, number][]): string {
  const step = Math.max(1, Math.ceil(series.length / 10));
  return series.filter((_, i) => i % step === 0 || i === series.length - 1).map(([s, kb]) => `${s}: ${Math.round(kb / 1024)}`).join(', ');
}

/** The reference's projected time for every plot: its rasters opened once, then the sample's mean per plot. */
export function projectedSeconds(run: ScreeningRun): number {
  const { summary } = run.reference.best;
  return summary.open_seconds + (summary.loop_seconds / summary.plots) * run.canopy.plotsChecked;
}

export function screeningMarkdown(run: ScreeningRun): string {
  const { machine, rasters, plots, canopy, reference, agreement: a } = run;
  const { summary } = reference.best;
  const perPlotMs = (r: ReferenceRun) => ((r.summary.loop_seconds / r.summary.plots) * 1000).toFixed(3);
  const [before, after] = reference.runs;
  const projected = projectedSeconds(run);
  const speedup = projected / canopy.checkSeconds;
  const peakMb = canopy.checkMemory.peakRssKb / 1024;
  const within = a.within1 / a.compared;
  const equal = within >= TARGET_WITHIN_1_SHARE && a.meanAbs <= 1;
  const p = rasters.parameters;
  const cores = canopy.checkCpuSeconds / canopy.checkSeconds;
  const rows: [string, string][] = [
    ['rasters', `forest_2020 and loss_year, ${n(p.size)} × ${n(p.size)} Byte pixels of ${p.pixel}°, EPSG:4326, lon ${p.west}..${p.west + p.size * p.pixel}, lat ${p.north - p.size * p.pixel}..${p.north}, tiled 256 × 256, DEFLATE, no nodata; ` +
      `${(rasters.forestBytes / MB).toFixed(1)} MB and ${(rasters.lossBytes / MB).toFixed(1)} MB; seed ${p.seed}`],
    ['raster contents', `forest ${(rasters.figures.forest_2020_share * 100).toFixed(1)} % of pixels; ${(rasters.figures.loss_after_2020_share_of_forest * 100).toFixed(1)} % of the forest lost 2021–2024; ` +
      `${(rasters.figures.loss_2001_2020_share * 100).toFixed(1)} % of pixels lost 2001–2020 (forest in 2000, not in 2020)`],
    ['raster generation (make_rasters.py, numpy + rasterio)', `${rasters.figures.seconds.toFixed(1)} s${rasters.cached ? ' (when made; this run reused them from bench/.cache/)' : ''}`],
    ['plots', `${n(plots.plots)} (${n(plots.plots - plots.points)} polygons of 0.5–10 ha, ${n(plots.points)} points with an Area of 0.5–4 ha) in ${plots.clusters} clusters of ≤ 800; ` +
      `${Object.entries(plots.countries).map(([c, k]) => `${c} ${n(k)}`).join(', ')}; GeoJSON ${(plots.bytes / MB).toFixed(0)} MB, written in ${plots.seconds.toFixed(1)} s; seed ${run.seed}`],
    ['Canopy: stage / upload (not the target; for scale)', `${canopy.stageSeconds.toFixed(1)} s / ${canopy.uploadSeconds.toFixed(1)} s, ${n(canopy.uploaded)} plots uploaded`],
    ['**Canopy: check** (POST /batch_deforestation_check → COMPLETED)', `**${canopy.checkSeconds.toFixed(1)} s**, ${n(canopy.plotsChecked / canopy.checkSeconds)} plots/s; server CPU ${canopy.checkCpuSeconds.toFixed(1)} s (${cores.toFixed(2)} cores busy on average); load ${canopy.loadAtCheck.toFixed(2)} as it began`],
    ['Canopy: screening threads (CANOPY_SCREENING_THREADS)', run.threads],
    ['**Canopy: server peak RSS during the check**', `**${Math.round(peakMb)} MB** (VmHWM${canopy.checkMemory.peakReset ? ', reset as the check began' : ', since the restart'}; sampled max ${Math.round(canopy.checkMemory.sampledMaxRssKb / 1024)} MB; ${Math.round(canopy.idleRssKb / 1024)} MB after the restart)`],
    ['Canopy: server RSS over the check (s: MB)', rssSeries(canopy.checkMemory.rssSeries)],
    ['Canopy: fetch (/fetch_deforestation_check, NDJSON to disk)', `${canopy.fetchSeconds.toFixed(1)} s, ${n(canopy.fetchedFeatures)} features, ${(canopy.fetchBytes / MB).toFixed(0)} MB, ${n(canopy.fetchedFeatures / canopy.fetchSeconds)} plots/s`],
    ['Canopy: risks', Object.entries(canopy.risks).map(([k, v]) => `${k} ${n(v)}`).join(', ')],
    ['reference (rasterio_zonal.py)', `rasterio ${summary.rasterio}, GDAL ${summary.gdal}, numpy ${summary.numpy}, Python ${summary.python}; one process; per plot a windowed read of each raster and geometry_mask (pixel centres)`],
    ['reference: sample', `${n(summary.plots)} plots (runs of 50 consecutive plots, file order); rasters opened in ${(summary.open_seconds * 1000).toFixed(0)} ms; ` +
      `before Canopy's check ${before.summary.loop_seconds.toFixed(2)} s, ${perPlotMs(before)} ms a plot (load ${before.loadAtStart.toFixed(2)}); ` +
      `after it ${after.summary.loop_seconds.toFixed(2)} s, ${perPlotMs(after)} ms a plot (load ${after.loadAtStart.toFixed(2)}); the faster is projected`],
    ['**reference: projected to all plots**', `**${projected.toFixed(0)} s** (${(projected / 60).toFixed(1)} min)`],
    ['**speed-up** (projected reference / Canopy check)', `**${speedup.toFixed(1)} ×** (${(speedup / machine.cores).toFixed(1)} × against the reference run as ${machine.cores} processes, if it scaled perfectly)`],
    ['**agreement: forest % on sampled plots over 1 ha**', `**${(within * 100).toFixed(1)} %** of ${n(a.compared)} within 1 point of rasterio's; mean abs. Δ ${a.meanAbs.toFixed(2)}, max ${a.maxAbs.toFixed(1)} points`],
    ['agreement with the sub-pixel reference', `against rasterio's mask on a ${summary.supersample}× finer grid (coverage to 1/${summary.supersample ** 2} pixel): mean abs. Δ ${a.fineMeanAbs.toFixed(3)}, max ${a.fineMaxAbs.toFixed(2)} points; ` +
      `${((a.fineWithin01 / a.compared) * 100).toFixed(1)} % within 0.1 point`],
    ['agreement: loss after 2020 (% of plot), plots over 1 ha', `mean abs. Δ ${a.lossMeanAbs.toFixed(2)}, max ${a.lossMaxAbs.toFixed(1)} points`],
  ];
  if (a.missing > 0) rows.push(['sampled plots missing from Canopy\'s results', String(a.missing)]);
  const worst = a.worst.map((d) => `| ${d.plot_id}${d.point ? ' (point)' : ''} | ${d.area_ha.toFixed(2)} | ${d.canopy.toFixed(2)} | ${d.reference.toFixed(2)} | ${d.fine === null ? '–' : d.fine.toFixed(2)} |`);
  return [
    `# Screening ${n(plots.plots)} plots against a Hansen-sized tile (${run.date}, commit ${run.commit}${run.srcDirty ? ', src/ with changes not committed' : ''})`,
    '',
    `Command: \`${run.command}\``,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}, ${machine.gdal}; ` +
      `load average (1 min) ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end ` +
      '(and as each timed phase began, below; the bench\'s own processes count in it)',
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
    `| Canopy ≥ ${TARGET_SPEEDUP} × faster than the rasterio script | ${speedup.toFixed(1)} × | ${pass(speedup >= TARGET_SPEEDUP)} |`,
    `| equal results: forest % within 1 point of rasterio's on plots over 1 ha (read as ≥ ${TARGET_WITHIN_1_SHARE * 100} % of them, mean abs. Δ ≤ 1) | ${(within * 100).toFixed(1)} %, mean ${a.meanAbs.toFixed(2)} | ${pass(equal)} |`,
    `| server peak RSS ≤ ${TARGET_PEAK_RSS_MB} MB | ${Math.round(peakMb)} MB | ${pass(peakMb <= TARGET_PEAK_RSS_MB)} |`,
    '',
    'Rasterio counts a pixel when its centre is inside the plot; Canopy counts each pixel by the exact fraction inside. The two differ on',
    'plots that straddle a forest edge, most on the smallest; the sub-pixel reference row shows how close Canopy is to the exact figure.',
    '',
    'The sampled plots over 1 ha that differ most:',
    '',
    '| plot | area (ha) | Canopy forest % | rasterio forest % | sub-pixel forest % |',
    '|---|---|---|---|---|',
    ...worst,
    '',
  ].join('\n');
}
