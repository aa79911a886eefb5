/** How numbers, sizes and times read on screen (en-GB style, as an analyst's report would). */

const integer = new Intl.NumberFormat('en-GB');
const hectares = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 4 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatHectares(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? `${hectares.format(n)} ha` : '—';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A property value as text: strings as they are, anything else as JSON. Never markup. */
export function propertyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export const TASK_LABELS: Record<string, string> = { plot_store: 'Plot store', analysis_asset: 'Analysis asset', deforestation_check: 'Deforestation check' };
