/**
 * Popup contents built as DOM nodes with textContent: a plot's properties come from a
 * supplier's file and are never parsed as markup (no setHTML, no innerHTML); their invisible
 * characters are shown as markers, as everywhere else (components/visible-text.tsx).
 */
import type { Issue, PlotFeature } from '../api/types';
import { formatHectares, propertyText } from '../format';
import { element, userText } from './popup-dom';
import { screeningSection } from './screening-popup';

// Shown in the heading lines, so not repeated in the table.
const SUMMARY_KEYS = new Set(['plotid', 'area_ha', 'status', 'uuid', 'collection_id']);

/**
 * A plot's popup: plot ID, area and status, its deforestation check's figures when
 * `screening` (its line of the check's results) is given, then every property of the file.
 */
export function plotPopupContent(plot: PlotFeature, screening: PlotFeature | null = null): HTMLElement {
  const p = plot.properties;
  const root = element('div', 'popup');
  root.setAttribute('data-testid', 'plot-popup');
  root.append(propertyText(p.plotid) ? userText('h3', null, 'Plot ', propertyText(p.plotid)) : element('h3', null, 'Plot (no ID)'));
  const summary = element('dl', 'popup-summary');
  const add = (term: string, value: string) => summary.append(element('dt', null, term), element('dd', null, value));
  add('Area', formatHectares(p.area_ha));
  add('Status', propertyText(p.status) || '—');
  add('Geometry', plot.geometry?.type ?? '—');
  root.append(summary);
  if (screening) root.append(screeningSection(screening.properties));

  const rows = Object.entries(p).filter(([key]) => !SUMMARY_KEYS.has(key));
  if (rows.length > 0) {
    const table = element('table', 'popup-properties');
    table.append(element('caption', null, 'Properties from the file'));
    const body = element('tbody', null);
    for (const [key, value] of rows) {
      const tr = element('tr', null);
      tr.append(userText('th', null, '', key), userText('td', null, '', propertyText(value)));
      body.append(tr);
    }
    table.append(body);
    root.append(table);
  }
  root.append(element('p', 'popup-id muted', `UUID ${propertyText(p.uuid)}`));
  return root;
}

/** A one-line popup (loading, an error sentence). */
export function messagePopupContent(text: string, className = 'muted'): HTMLElement {
  return userText('p', `popup ${className}`, '', text);
}

/** An issue marker's popup: its code, plot and message. */
export function issuePopupContent(issue: Pick<Issue, 'code' | 'message' | 'feature' | 'plot_id'>): HTMLElement {
  const root = element('div', 'popup');
  root.append(element('h3', null, issue.code));
  root.append(issue.plot_id ? userText('p', 'muted', `Feature ${issue.feature} · plot `, issue.plot_id) : element('p', 'muted', `Feature ${issue.feature}`));
  root.append(userText('p', null, '', issue.message));
  return root;
}
