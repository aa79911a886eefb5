/** COORDINATES_OUT_OF_RANGE: the finding and the likeliest cause it names. */
import type { Position } from '../../features/types.js';
import { formatPosition, plural, type Finding } from './finding.js';

function rangeHint(p: Position): string {
  const [x, y] = p;
  if (Math.abs(x) > 180 && Math.abs(y) > 90) {
    return 'these look like projected metres (e.g. UTM), so reproject the file to WGS 84 longitude/latitude degrees (EPSG:4326)';
  }
  if (Math.abs(y) > 90 && Math.abs(y) <= 180 && Math.abs(x) <= 90) {
    return 'latitude and longitude look swapped, so write each position as [longitude, latitude] (RFC 7946 §3.1.1)';
  }
  if (x > 180 && x <= 360 && Math.abs(y) <= 90) {
    // Some tools count longitude 0–360° so that plots near the antimeridian (Fiji, Chukotka) stay in one piece.
    return 'these look like longitudes counted 0–360°, so subtract 360 from those over 180, and split a plot that then crosses ±180° into two polygons (RFC 7946 §3.1.9)';
  }
  return 'check the units (degrees, WGS 84) and the order [longitude, latitude]';
}

/** The finding for `count` of `positions` positions out of range, `first` the first of them. */
export function outOfRangeFinding(count: number, positions: number, first: Position): Finding {
  return {
    code: 'COORDINATES_OUT_OF_RANGE',
    message: `${plural(count, 'position')} of ${positions} lie outside longitude ±180 / latitude ±90 (first: ${formatPosition(first)}); ${rangeHint(first)}.`,
    // The offending position as written, so the user can find it in the file; a map client
    // must not fly to it when it lies off the globe.
    location: first,
  };
}
