/**
 * Seeded GeoJSON coordinates as files write them, for the tests that hold a fast reader of
 * geometry text to JSON.parse (flat-geometry, geojson-ewkb): few or many decimals, integers,
 * tiny values written with an exponent, huge ones, negative zero, every shape.
 */
import { prng } from './prng.js';

export function geometrySamples(seed: number) {
  const random = prng(seed);
  function coordinate(): number {
    const kind = Math.floor(random() * 8);
    const sign = random() < 0.5 ? -1 : 1;
    switch (kind) {
      case 0: return sign * Math.round(random() * 180 * 1e6) / 1e6;
      case 1: return sign * random() * 180; // 15-17 significant digits
      case 2: return sign * Math.floor(random() * 180);
      case 3: return sign * random() * 1e-7; // written with an exponent
      case 4: return -0;
      case 5: return sign * Math.round(random() * 1e14) / 1e3;
      case 6: return sign * 123456789012345678;
      default: return sign * Math.round(random() * 1e3) / 10;
    }
  }
  const position = () => [coordinate(), coordinate()];
  const list = <T>(make: () => T, min = 1) => Array.from({ length: min + Math.floor(random() * 5) }, make);
  const ring = () => list(position, 4);
  /** A maker of random coordinates for each geometry type with coordinates. */
  const shapes: Record<string, () => unknown> = {
    Point: position,
    LineString: () => list(position, 2),
    Polygon: () => list(ring),
    MultiPoint: () => list(position, 0),
    MultiLineString: () => list(() => list(position, 2), 0),
    MultiPolygon: () => list(() => list(ring), 0),
  };
  return { position, ring, shapes };
}
