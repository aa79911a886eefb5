import { useState, type FormEvent } from 'react';
import type { Dataset, DatasetKind, DeforestationCheckRequest } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { VisibleText } from '../../components/visible-text';

export const DEFAULT_CUTOFF = '2020-12-31';
const DEFAULT_THRESHOLD = '10';

/** What `canopy datasets add` looks like for each kind, with the maps people download. */
const ADD_COMMANDS: Record<DatasetKind, string> = {
  forest_2020: 'canopy datasets add --name gfc2020 --kind forest_2020 --version V2 --file /maps/JRC_GFC2020_V2_N10_W10.tif',
  tree_cover_percent: 'canopy datasets add --name hansen-cover --kind tree_cover_percent --version v1.12 --file /maps/Hansen_GFC-2024-v1.12_treecover2000_10N_010W.tif',
  loss_year: 'canopy datasets add --name hansen-loss --kind loss_year --version v1.12 --file /maps/Hansen_GFC-2024-v1.12_lossyear_10N_010W.tif',
};

/** The kinds a check needs that no registered dataset has: a loss map and a 2020 forest baseline. */
export function missingKinds(datasets: Dataset[]): DatasetKind[] {
  const kinds = new Set(datasets.map((d) => d.kind));
  const missing: DatasetKind[] = [];
  if (!kinds.has('forest_2020') && !kinds.has('tree_cover_percent')) missing.push('forest_2020');
  if (!kinds.has('loss_year')) missing.push('loss_year');
  return missing;
}

/** Instead of the action when the server lacks forest maps: what is missing and the command that registers it. */
export function DatasetsMissing({ datasets }: { datasets: Dataset[] }) {
  const missing = missingKinds(datasets);
  return (
    <div className="notice stack tight" data-testid="datasets-missing">
      <p>
        {datasets.length === 0
          ? 'No forest maps are registered on this server, so plots cannot be checked yet.'
          : `A check needs ${missing.map((k) => (k === 'forest_2020' ? 'a 2020 forest map (forest_2020 or tree_cover_percent)' : 'a forest loss map (loss_year)')).join(' and ')}, and none is registered.`}
        {' '}An administrator registers them on the server with <code>canopy datasets add</code>:
      </p>
      <pre className="code-block">{missing.map((k) => ADD_COMMANDS[k]).join('\n')}</pre>
    </div>
  );
}

/** The check's arguments: the cut-off date, the registered datasets to use and (for a tree-cover map) the threshold. */
export function CheckForm({ datasets, running, onStart }: {
  datasets: Dataset[];
  /** A check of this collection waits or runs: a second one cannot be started. */
  running: boolean;
  onStart: (request: Omit<DeforestationCheckRequest, 'filename'>) => Promise<void>;
}) {
  const [cutoff, setCutoff] = useState(DEFAULT_CUTOFF);
  const [threshold, setThreshold] = useState(DEFAULT_THRESHOLD);
  // Every registered dataset, as the server would take by default.
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(datasets.map((d) => d.name)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const hasTreeCover = datasets.some((d) => d.kind === 'tree_cover_percent');
  const usesTreeCover = datasets.some((d) => d.kind === 'tree_cover_percent' && chosen.has(d.name));

  function toggle(name: string, on: boolean) {
    setChosen((set) => {
      const next = new Set(set);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await onStart({
        cutoff_date: cutoff,
        datasets: datasets.filter((d) => chosen.has(d.name)).map((d) => d.name),
        // The threshold only means something to a tree-cover map.
        ...(usesTreeCover ? { forest_threshold_pct: Number(threshold) } : {}),
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack tight" onSubmit={submit} aria-label="Deforestation check">
      <div className="row">
        <label className="inline">
          Cut-off date
          <input type="date" required value={cutoff} onChange={(e) => setCutoff(e.target.value)} />
        </label>
        {hasTreeCover && (
          <label className="inline" title="A tree-cover pixel counts as forest when its cover is at least this">
            Tree-cover threshold
            <input type="number" min={0} max={100} step="any" required value={threshold} disabled={!usesTreeCover}
              onChange={(e) => setThreshold(e.target.value)} /> %
          </label>
        )}
      </div>
      <fieldset className="row" data-testid="check-datasets">
        <legend>Datasets</legend>
        {datasets.map((d) => (
          <label key={d.name} className="inline">
            <input type="checkbox" checked={chosen.has(d.name)} onChange={(e) => toggle(d.name, e.target.checked)} />
            <VisibleText text={d.name} /> <span className="muted small">({d.kind}, version <VisibleText text={d.version} />)</span>
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={busy || running || chosen.size === 0}>
          {busy ? 'Starting…' : 'Check for deforestation'}
        </button>
        {running && <span className="muted small">A check is running; its results appear below.</span>}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
