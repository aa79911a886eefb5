import { useEffect, useState } from 'react';

/** The operator's basemap (CANOPY_BASEMAP_URL), as GET /dashboard.json gives it. */
export interface BasemapSettings { tiles: string; type: 'raster' | 'vector'; attribution: string | null }
export interface DashboardSettings { basemap: BasemapSettings | null }

const BUILT_IN: DashboardSettings = { basemap: null };

/**
 * What the server tells the page about its configuration (no token needed). Null until it
 * has answered; an unreachable or older server means the built-in map.
 */
export function useDashboardSettings(): DashboardSettings | null {
  const [settings, setSettings] = useState<DashboardSettings | null>(null);
  useEffect(() => {
    let stale = false;
    fetch('/dashboard.json')
      .then(async (res) => (res.ok ? ((await res.json()) as DashboardSettings) : BUILT_IN))
      .catch(() => BUILT_IN)
      .then((loaded) => { if (!stale) setSettings(loaded); });
    return () => { stale = true; };
  }, []);
  return settings;
}
