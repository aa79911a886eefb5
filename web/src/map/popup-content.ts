/**
 * Popup contents built as DOM nodes with textContent: a plot's properties come from a
 * supplier's file and are never parsed as markup (no setHTML, no innerHTML).
 */
import type { Issue, PlotFeature } from '../api/types';
import { formatHectares, propertyText } from '../format';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string | null, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

// Shown in the heading lines, so not repeated in the table.
const SUMMARY_KEYS = new Set(['plotid', 'area_ha', 'status', 'uuid', 'collection_id']);

/** A plot's popup: plot ID, area and status, then every property of the file in a table. */
export function plotPopupContent(plot: PlotFeature): HTMLElement {
  const p = plot.properties;
  const root = element('div', 'popup');
  root.setAttribute('data-testid', 'plot-popup');
  root.append(element('h3', null, `Plot ${propertyText(p.plotid) || '(no ID)'}`));
  const summary = element('dl', 'popup-summary');
  const add = (term: string, value: string) => summary.append(element('dt', null, term), element('dd', null, value));
  add('Area', formatHectares(p.area_ha));
  add('Status', propertyText(p.status) || '—');
  add('Geometry', plot.geometry?.type ?? '—');
  root.append(summary);

  const rows = Object.entries(p).filter(([key]) => !SUMMARY_KEYS.has(key));
  if (rows.length > 0) {
    const table = element('table', 'popup-properties');
    table.append(element('caption', null, 'Properties from the file'));
    const body = element('tbody', null);
    for (const [key, value] of rows) {
      const tr = element('tr', null);
      tr.append(element('th', null, key), element('td', null, propertyText(value)));
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
  return element('p', `popup ${className}`, text);
}

/** An issue marker's popup: its code, plot and message. */
export function issuePopupContent(issue: Pick<Issue, 'code' | 'message' | 'feature' | 'plot_id'>): HTMLElement {
  const root = element('div', 'popup');
  root.append(element('h3', null, issue.code));
  root.append(element('p', 'muted', `Feature ${issue.feature}${issue.plot_id ? ` · plot ${issue.plot_id}` : ''}`));
  root.append(element('p', null, issue.message));
  return root;
}
