import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl';
import type { ApiClient } from '../api/client';
import type { Collection, Issue } from '../api/types';
import { useDashboardSettings, type BasemapSettings } from '../api/dashboard-settings';
import { errorText } from '../components/error-message';
import {
  baseStyle, CLICKABLE_PLOT_LAYERS, issueLayer, ISSUE_LAYER, ISSUE_SOURCE, PLOT_LAYERS, PLOT_SOURCE, plotLayers,
} from './map-style';
import { loadCountries } from './country-layers';
import { boundsOf, issuesGeoJson } from './issue-markers';
import { MapLegend } from './map-legend';
import { issuePopupContent, messagePopupContent, plotPopupContent } from './popup-content';

declare global {
  interface Window {
    /** The dashboard's map, for the benchmark and the browser tests (read-only use). */
    __canopyMap?: maplibregl.Map;
  }
}

export interface MapFocus { issue: Issue; seq: number }

interface Props {
  client: ApiClient;
  /** The collection whose plots (when uploaded) and report issues are shown. */
  collection: Collection | null;
  /** The issues of the report page on screen; those with a location get a marker. */
  issues: Issue[];
  /** An issue to fly to (a new `seq` flies again). */
  focus: MapFocus | null;
  /** A property filter on the plot layers (status, area, a set of UUIDs). */
  filter: ExpressionSpecification | null;
  /** The task of the collection's latest completed deforestation check: its tiles carry each plot's `risk`. */
  riskCheck: string | null;
}

/** The map once the server has said what lies under the plots (its basemap, or the built-in country map). */
export function PlotMap(props: Props) {
  const settings = useDashboardSettings();
  if (!settings) return <div className="map-block"><div className="map" aria-busy="true" /></div>;
  return <PlotMapView {...props} basemap={settings.basemap} />;
}

/**
 * The plots of an uploaded collection from its vector tiles (never one big GeoJSON: 100,000
 * plots stay responsive), coloured by status, with a popup of a plot's properties on click;
 * and the issue locations of the report page, over the countries. Sets data attributes for
 * tests and the bench.
 */
function PlotMapView({ client, collection, issues, focus, filter, riskCheck, basemap }: Props & { basemap: BasemapSettings | null }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const popupRef = useRef<maplibregl.Popup | null>(null);
  const clientRef = useRef(client);
  clientRef.current = client;
  const plotsOfRef = useRef<string | null>(null);
  const fittedRef = useRef<string | null>(null);
  const riskRef = useRef<string | null>(null);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const selectedRef = useRef<string | null>(null);
  const [ready, setReady] = useState(false);
  const [note, setNote] = useState<string>('');
  const [plotCount, setPlotCount] = useState<number | null>(null);
  const [countryNote, setCountryNote] = useState('');

  /** Opens the one popup; `takeFocus` false leaves the keyboard where it is (a "Show" button in the issue table). */
  function showPopup(lngLat: maplibregl.LngLatLike, content: HTMLElement, takeFocus = true): maplibregl.Popup {
    popupRef.current?.remove();
    const popup = new maplibregl.Popup({ maxWidth: '340px', closeButton: true, closeOnClick: true, focusAfterOpen: takeFocus })
      .setLngLat(lngLat).setDOMContent(content).addTo(mapRef.current as maplibregl.Map);
    popupRef.current = popup;
    return popup;
  }

  function select(uuid: string | null) {
    const map = mapRef.current;
    if (!map?.getSource(PLOT_SOURCE)) return;
    if (selectedRef.current) map.setFeatureState({ source: PLOT_SOURCE, sourceLayer: 'plots', id: selectedRef.current }, { selected: false });
    selectedRef.current = uuid;
    if (uuid) map.setFeatureState({ source: PLOT_SOURCE, sourceLayer: 'plots', id: uuid }, { selected: true });
  }

  async function openPlot(uuid: string, lngLat: maplibregl.LngLat) {
    const collectionId = plotsOfRef.current;
    if (!collectionId) return;
    select(uuid);
    const popup = showPopup(lngLat, messagePopupContent('Loading the plot…'));
    popup.once('close', () => { if (selectedRef.current === uuid) select(null); });
    const riskTask = riskRef.current;
    try {
      // With a check, the plot's figures too: from the check its colour on the map came from.
      const [plot, screening] = await Promise.all([
        clientRef.current.plot(collectionId, uuid),
        riskTask ? clientRef.current.deforestationCheckPlot(collectionId, riskTask, uuid) : null,
      ]);
      if (popupRef.current === popup) popup.setDOMContent(plotPopupContent(plot, screening));
    } catch (err) {
      if (popupRef.current === popup) popup.setDOMContent(messagePopupContent(errorText(err), 'error'));
    }
  }

  // The map itself, once.
  useEffect(() => {
    const container = containerRef.current as HTMLDivElement;
    const map = new maplibregl.Map({
      container,
      style: baseStyle(basemap),
      center: [0, 10],
      zoom: 1.3,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      // Tiles and TileJSON are ours and need the bearer token; other hosts never get it.
      transformRequest: (url) => ({ url, headers: clientRef.current.authHeadersFor(url) }),
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    const countries = new AbortController();
    map.on('load', () => {
      map.addSource(ISSUE_SOURCE, { type: 'geojson', data: issuesGeoJson([]), promoteId: 'feature' });
      map.addLayer(issueLayer());
      setReady(true);
      if (basemap) return;
      loadCountries(map, countries.signal).then((named) => {
        container.dataset.countries = String(named);
      }).catch((err: unknown) => {
        if (!countries.signal.aborted) setCountryNote(`No country map: ${errorText(err)}`);
      });
    });
    map.on('click', (e) => {
      const plotLayersPresent = CLICKABLE_PLOT_LAYERS.filter((id) => map.getLayer(id));
      const hits = map.queryRenderedFeatures(e.point, { layers: [ISSUE_LAYER, ...plotLayersPresent] });
      const hit = hits[0];
      if (!hit) return;
      if (hit.layer.id === ISSUE_LAYER) {
        const p = hit.properties as { feature: number; code: string; message: string; plot_id: string };
        showPopup(e.lngLat, issuePopupContent({ ...p, plot_id: p.plot_id || null }));
        return;
      }
      const uuid = hit.properties?.uuid;
      if (typeof uuid === 'string') void openPlot(uuid, e.lngLat);
    });
    for (const layer of [ISSUE_LAYER, ...CLICKABLE_PLOT_LAYERS]) {
      map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
    }
    mapRef.current = map;
    window.__canopyMap = map;
    return () => {
      countries.abort();
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
      if (window.__canopyMap === map) delete window.__canopyMap;
    };
  }, [basemap]);

  // The selected collection's plots, from its vector tiles once it is uploaded.
  const collectionId = collection?.collection_id ?? null;
  const uploaded = collection?.status === 'uploaded';
  useEffect(() => {
    const map = mapRef.current;
    const container = containerRef.current;
    if (!ready || !map || !container) return;
    const startedAt = performance.now();
    popupRef.current?.remove();
    for (const id of PLOT_LAYERS) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(PLOT_SOURCE)) map.removeSource(PLOT_SOURCE);
    plotsOfRef.current = null;
    riskRef.current = null;
    selectedRef.current = null;
    setPlotCount(null);
    for (const name of ['plotsCollection', 'plotsRendered', 'plotsLoadMs', 'plotsRiskCheck']) delete container.dataset[name];
    if (!collectionId) {
      fittedRef.current = null;
      setNote('Choose a collection to see its issues and plots.');
      return;
    }
    if (!uploaded) {
      setNote('Its plots appear here once the collection is uploaded (Monitoring pane); the circles mark issue locations.');
      return;
    }
    let stale = false;
    setNote('Loading the plots…');
    clientRef.current.tileJson(collectionId).then((tiles) => {
      if (stale) return;
      // The browser keeps a tile a minute: the check's task in the URL makes the risk-coloured tiles new addresses.
      const urls = riskCheck ? tiles.tiles.map((t) => `${t}${t.includes('?') ? '&' : '?'}check=${encodeURIComponent(riskCheck)}`) : tiles.tiles;
      map.addSource(PLOT_SOURCE, {
        type: 'vector', tiles: urls, minzoom: tiles.minzoom, maxzoom: tiles.maxzoom, bounds: tiles.bounds,
        promoteId: { plots: 'uuid' },
      });
      for (const layer of plotLayers(filterRef.current)) map.addLayer(layer, ISSUE_LAYER);
      plotsOfRef.current = collectionId;
      riskRef.current = riskCheck;
      setPlotCount(tiles.plot_count);
      setNote('');
      // A check completing redraws the plots where the user is looking.
      if (fittedRef.current !== collectionId) {
        const [w, s, e, n] = tiles.bounds;
        map.fitBounds([w, s, e, n], { padding: 40, animate: false, maxZoom: 15 });
        fittedRef.current = collectionId;
      }
      // The figure the bench reads: selection to the first idle frame with this collection's plots drawn.
      map.once('idle', () => {
        if (stale) return;
        const rendered = map.queryRenderedFeatures({ layers: [...PLOT_LAYERS] }).length;
        container.dataset.plotsCollection = collectionId;
        container.dataset.plotsRendered = String(rendered);
        container.dataset.plotsLoadMs = String(Math.round(performance.now() - startedAt));
        if (riskCheck) container.dataset.plotsRiskCheck = riskCheck;
      });
    }).catch((err: unknown) => {
      if (!stale) setNote(errorText(err));
    });
    return () => { stale = true; };
  }, [ready, collectionId, uploaded, riskCheck]);

  // Property filters on the plot layers.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !map.getSource(PLOT_SOURCE)) return;
    for (const layer of plotLayers(filter)) {
      if (map.getLayer(layer.id) && 'filter' in layer) map.setFilter(layer.id, layer.filter ?? null);
    }
  }, [ready, filter]);

  // The report page's issue markers; a staged collection's map frames them.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    (map.getSource(ISSUE_SOURCE) as GeoJSONSource | undefined)?.setData(issuesGeoJson(issues));
    if (!uploaded) {
      const bounds = boundsOf(issues);
      if (bounds) map.fitBounds(bounds, { padding: 60, animate: false, maxZoom: 14 });
    }
  }, [ready, issues, uploaded]);

  // Fly to a chosen issue and say what it is.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !focus?.issue.location) return;
    const { issue } = focus;
    const center = issue.location as [number, number];
    map.removeFeatureState({ source: ISSUE_SOURCE });
    map.setFeatureState({ source: ISSUE_SOURCE, id: issue.feature }, { focused: true });
    map.flyTo({ center, zoom: Math.max(map.getZoom(), 15), duration: 800 });
    showPopup(center, issuePopupContent(issue), false);
  }, [ready, focus]);

  return (
    <div className="map-block">
      <div ref={containerRef} className="map" data-testid="plot-map" role="region" aria-label="Map of plots and issue locations" />
      <MapLegend risk={riskCheck !== null && plotCount !== null} plotCount={plotCount} note={note} countryNote={countryNote} basemap={basemap} />
    </div>
  );
}
