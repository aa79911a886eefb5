/** The popup's part for a plot's deforestation check: its risk and why, then the figures the risk rests on. */
import { formatHectares, propertyText } from '../format';
import { riskLabel } from '../risk';
import { element, userText } from './popup-dom';

const percent = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

function formatPercent(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${percent.format(value)} %` : '—';
}

/** Hectares and their share of the plot: "1.2 ha (35 %)". */
function areaAndShare(ha: unknown, pct: unknown): string {
  return `${formatHectares(ha)} (${formatPercent(pct)})`;
}

/** The hectares lost each year the loss map records, oldest first. */
function lossByYear(value: unknown): [string, unknown][] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
}

/** The check's figures from the plot's line of GET /fetch_deforestation_check. */
export function screeningSection(p: Record<string, unknown>): HTMLElement {
  const section = element('section', 'popup-screening');
  section.setAttribute('data-testid', 'screening-popup');
  section.append(element('h4', null, 'Deforestation check'));
  const risk = element('p', null);
  const badge = element('span', `badge badge-risk-${propertyText(p.risk).replace(/[^a-z_]/g, '')}`, riskLabel(p.risk));
  badge.setAttribute('data-risk', propertyText(p.risk));
  risk.append(badge);
  section.append(risk);
  if (propertyText(p.risk_reason)) section.append(userText('p', 'small', '', propertyText(p.risk_reason)));

  const figures = element('dl', 'popup-summary');
  const add = (term: string, value: string) => figures.append(element('dt', null, term), element('dd', null, value));
  add('Forest in 2020', areaAndShare(p.forest_2020_ha, p.forest_2020_pct));
  add(`Loss after ${propertyText(p.cutoff_date) || 'the cut-off'}`, areaAndShare(p.loss_after_cutoff_ha, p.loss_after_cutoff_pct));
  add('No data', formatPercent(p.no_data_pct));
  section.append(figures);

  const years = lossByYear(p.loss_by_year);
  if (years.length === 0) {
    section.append(element('p', 'muted small', 'No loss in any year on the loss map.'));
    return section;
  }
  const table = element('table', 'popup-properties');
  table.append(element('caption', null, 'Loss by year'));
  const body = element('tbody', null);
  for (const [year, ha] of years) {
    const tr = element('tr', null);
    tr.append(element('th', null, year), element('td', null, formatHectares(ha)));
    body.append(tr);
  }
  table.append(body);
  section.append(table);
  return section;
}
