/**
 * PROPERTY_LIMIT_EXCEEDED: one feature's own properties beyond the server's limits
 * (features/limits.ts). The feature is an error and its properties are not kept, so
 * nothing downstream (staged lines, the plot store, the report) carries an absurd
 * feature; the file as sent is kept, byte for byte.
 */
import type { FeatureLimits } from '../../features/limits.js';
import type { Finding } from './finding.js';

const SUFFIX = 'so the feature was not kept; fix it in the file and stage it again.';

/** The first limit `properties` exceeds, or null (the common case costs one pass over the keys). */
export function checkPropertyLimits(properties: Record<string, unknown>, limits: FeatureLimits): Finding | null {
  let count = 0;
  let over: Finding | null = null;
  for (const key in properties) {
    count++;
    if (over !== null) continue;
    if (key.length > limits.maxPropertyNameChars) {
      over = finding(`Property "${shortName(key)}" has a name of ${key.length} characters, over the limit of ${limits.maxPropertyNameChars} (CANOPY_MAX_PROPERTY_NAME_CHARS)`);
      continue;
    }
    const bytes = valueBytes(properties[key], limits.maxPropertyValueBytes);
    if (bytes > limits.maxPropertyValueBytes) {
      over = finding(`Property "${shortName(key)}" holds ${bytes} bytes, over the limit of ${limits.maxPropertyValueBytes} bytes per value (CANOPY_MAX_PROPERTY_VALUE_BYTES)`);
    }
  }
  if (count > limits.maxProperties) {
    return finding(`The feature has ${count} properties, over the limit of ${limits.maxProperties} (CANOPY_MAX_PROPERTIES)`);
  }
  return over;
}

/** A value's size in UTF-8 bytes (a nested value as its JSON text); exact only up to just past `max`. */
function valueBytes(value: unknown, max: number): number {
  if (typeof value === 'string') return value.length * 3 <= max ? value.length : Buffer.byteLength(value);
  if (typeof value !== 'object' || value === null) return 0;
  // Nesting is bounded by the readers (CANOPY_MAX_NESTING_DEPTH), so this cannot overflow the stack.
  return Buffer.byteLength(JSON.stringify(value));
}

function finding(what: string): Finding {
  return { code: 'PROPERTY_LIMIT_EXCEEDED', message: `${what}, ${SUFFIX}` };
}

function shortName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
