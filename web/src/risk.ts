/** The risks a deforestation check gives a plot: their words and map colours, shared by the pane, the map and its legend. */
import type { Risk } from './api/types';

export const RISKS: readonly { risk: Risk; label: string; colour: string }[] = [
  { risk: 'low', label: 'Low risk', colour: '#1a9850' },
  { risk: 'high', label: 'High risk', colour: '#d73027' },
  // Neither green nor red, and far from the orange of "with warnings".
  { risk: 'more_info_needed', label: 'More information needed', colour: '#7b5fb8' },
];

/** The label of a risk value (a value the dashboard does not know is shown as it is). */
export function riskLabel(value: unknown): string {
  return RISKS.find((r) => r.risk === value)?.label ?? String(value ?? '—');
}

export function riskColour(risk: Risk): string {
  return RISKS.find((r) => r.risk === risk)?.colour ?? '#000000';
}
