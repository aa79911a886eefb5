/** The report page's issue locations as map data: markers, and the box that frames them. */
import type { FeatureCollection, Point } from 'geojson';
import type { LngLatBoundsLike } from 'maplibre-gl';
import type { Issue } from '../api/types';

/** The issues that have a location, as points carrying what their popup shows. */
export function issuesGeoJson(issues: Issue[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: issues.filter((i) => i.location).map((i) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: i.location as [number, number] },
      properties: { feature: i.feature, code: i.code, message: i.message, plot_id: i.plot_id ?? '' },
    })),
  };
}

/** The box around the issues with a location on the globe (null when none has one). */
export function boundsOf(issues: Issue[]): LngLatBoundsLike | null {
  const located = issues.filter((i) => i.location && Math.abs(i.location[0]) <= 180 && Math.abs(i.location[1]) <= 90);
  if (located.length === 0) return null;
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const { location } of located) {
    const [lon, lat] = location as [number, number];
    w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat);
  }
  return [w, s, e, n];
}
