import { useEffect, useState, type FormEvent } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { ApiClient } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { formatCount } from '../../format';
import { visibleText } from '../../text/visible-text';

/** Most plots a "property equals" filter fetches to draw (GET /fetch_plots, read whole). */
const PROPERTY_MATCH_LIMIT = 5000;

// Carried in the tiles, so filtered on the map directly; any other property goes through /fetch_plots.
const TILE_PROPERTIES = new Set(['uuid', 'plotid', 'status', 'area_ha', 'collection_id']);

interface Draft { valid: boolean; warning: boolean; minArea: string; maxArea: string; plotId: string; property: string; value: string }
const EMPTY: Draft = { valid: true, warning: true, minArea: '', maxArea: '', plotId: '', property: '', value: '' };

/** The map filter for the tile properties of a draft (status, area, plot ID). */
function tileFilter(d: Draft): ExpressionSpecification[] {
  const parts: ExpressionSpecification[] = [];
  if (!d.valid || !d.warning) parts.push(['in', ['get', 'status'], ['literal', [...(d.valid ? ['valid'] : []), ...(d.warning ? ['warning'] : [])]]]);
  const min = d.minArea.trim() === '' ? NaN : Number(d.minArea);
  const max = d.maxArea.trim() === '' ? NaN : Number(d.maxArea);
  if (Number.isFinite(min)) parts.push(['>=', ['to-number', ['get', 'area_ha'], 0], min]);
  if (Number.isFinite(max)) parts.push(['<=', ['to-number', ['get', 'area_ha'], 0], max]);
  if (d.plotId.trim()) parts.push(['==', ['to-string', ['get', 'plotid']], d.plotId.trim()]);
  return parts;
}

/** Filters on the map's plots: status, area and plot ID on the tiles; any file property through /fetch_plots. */
export function PlotFilters({ client, collectionId, onFilter }: {
  client: ApiClient;
  collectionId: string;
  onFilter: (filter: ExpressionSpecification | null) => void;
}) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [propertyNames, setPropertyNames] = useState<string[]>([]);
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // The file's own property names, from its first plot.
  useEffect(() => {
    let stale = false;
    setDraft(EMPTY);
    setSummary('');
    setError(null);
    onFilter(null);
    client.fetchPlots(collectionId, {}, 1).then((plots) => {
      if (!stale) setPropertyNames(Object.keys(plots[0]?.properties ?? {}).filter((k) => !TILE_PROPERTIES.has(k)).sort());
    }).catch(() => { if (!stale) setPropertyNames([]); });
    return () => { stale = true; };
  }, [client, collectionId, onFilter]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  async function apply(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parts = tileFilter(draft);
    let note = '';
    if (draft.property && draft.value.trim()) {
      setBusy(true);
      try {
        const plots = await client.fetchPlots(collectionId, { [draft.property]: draft.value.trim() }, PROPERTY_MATCH_LIMIT);
        const uuids = plots.map((p) => String(p.properties.uuid));
        parts.push(['in', ['get', 'uuid'], ['literal', uuids]]);
        const condition = `${visibleText(draft.property)} = ${visibleText(draft.value.trim())}`;
        note = plots.length >= PROPERTY_MATCH_LIMIT
          ? `The first ${formatCount(PROPERTY_MATCH_LIMIT)} plots with ${condition} are shown.`
          : `${formatCount(plots.length)} plots have ${condition}.`;
      } catch (err) {
        setError(err);
        setBusy(false);
        return;
      }
      setBusy(false);
    }
    onFilter(parts.length === 0 ? null : parts.length === 1 ? parts[0] : ['all', ...parts]);
    setSummary(parts.length === 0 ? 'Showing every plot.' : note || 'Filter applied.');
  }

  function reset() {
    setDraft(EMPTY);
    setSummary('Showing every plot.');
    setError(null);
    onFilter(null);
  }

  return (
    <form className="filters" onSubmit={apply} aria-labelledby="filters-title">
      <h3 id="filters-title">Filter plots</h3>
      <fieldset className="row">
        <legend>Status</legend>
        <label className="inline"><input type="checkbox" checked={draft.valid} onChange={(e) => set({ valid: e.target.checked })} /> Valid</label>
        <label className="inline"><input type="checkbox" checked={draft.warning} onChange={(e) => set({ warning: e.target.checked })} /> With warnings</label>
      </fieldset>
      <div className="row">
        <label className="inline">Area from <input type="number" min={0} step="any" className="short" value={draft.minArea} onChange={(e) => set({ minArea: e.target.value })} /></label>
        <label className="inline">to <input type="number" min={0} step="any" className="short" value={draft.maxArea} onChange={(e) => set({ maxArea: e.target.value })} /> ha</label>
        <label className="inline">Plot ID <input type="text" className="short" value={draft.plotId} onChange={(e) => set({ plotId: e.target.value })} /></label>
      </div>
      <div className="row">
        <label className="inline">
          Property
          <select value={draft.property} onChange={(e) => set({ property: e.target.value })}>
            <option value="">(any)</option>
            {propertyNames.map((name) => <option key={name} value={name}>{visibleText(name)}</option>)}
          </select>
        </label>
        <label className="inline">equals <input type="text" value={draft.value} onChange={(e) => set({ value: e.target.value })} disabled={!draft.property} /></label>
      </div>
      <div className="row">
        <button type="submit" disabled={busy}>{busy ? 'Filtering…' : 'Apply filter'}</button>
        <button type="button" onClick={reset}>Show all</button>
        {summary && <span className="muted small" role="status">{summary}</span>}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
