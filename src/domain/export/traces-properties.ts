/**
 * The EU properties of an exported plot (the EU's GeoJSON file description: `ProducerName`,
 * `ProducerCountry`, `ProductionPlace`, and `Area` in hectares for points), taken from the
 * plot's own properties. A property spelt exactly so wins; otherwise one that differs only in
 * case, spaces or underscores (`producer_country`), which staging already reported as
 * PROPERTY_NAME_CASE, is read as it. Values are written as the file gave them: nothing is
 * corrected here, and what TRACES would refuse is refused by the caller instead.
 */
import { tracesNameFor } from '../checks/rules/property-names.js';

/** The three text properties, in the order they are written. */
const TEXT_NAMES = ['ProducerName', 'ProducerCountry', 'ProductionPlace'] as const;
type TextName = (typeof TEXT_NAMES)[number];

export interface TracesProperties {
  /** ProducerName, ProducerCountry and ProductionPlace where the plot has them, as text. */
  text: Partial<Record<TextName, string>>;
  /** The plot's Area as given (any JSON value), undefined when it has none. */
  area: unknown;
}

/** False for what gives no value: absent, null, or blank text. */
function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** The value the plot gives for the EU property `name`: exactly named first, else the first look-alike name; undefined when none has a value. */
export function propertyFor(properties: Record<string, unknown>, name: string): unknown {
  if (hasValue(properties[name])) return properties[name];
  for (const key in properties) {
    if (key === name || key.length < 4 || key.length > 40) continue; // cannot fold to an EU name
    if (hasValue(properties[key]) && tracesNameFor(key) === name) return properties[key];
  }
  return undefined;
}

/** Text as TRACES takes it: a string, or a number or boolean written out; nothing for objects and arrays. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The plot's EU properties. */
export function tracesProperties(properties: Record<string, unknown>): TracesProperties {
  const text: Partial<Record<TextName, string>> = {};
  for (const name of TEXT_NAMES) {
    const value = asText(propertyFor(properties, name));
    if (value !== undefined) text[name] = value;
  }
  return { text, area: propertyFor(properties, 'Area') };
}

/**
 * Which producer a plot belongs to, for grouping: its name and country (the same name in two
 * countries is two producers). Plots without a name share one group per country.
 */
export function producerKey(text: TracesProperties['text']): string {
  return JSON.stringify([text.ProducerName ?? null, text.ProducerCountry ?? null]);
}
