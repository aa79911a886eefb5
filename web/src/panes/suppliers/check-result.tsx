import type { ApiClient } from '../../api/client';
import type { DeforestationCheck, TaskStatus } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { VisibleText } from '../../components/visible-text';
import { formatCount, formatTime } from '../../format';
import { RISKS } from '../../risk';
import { useDownload } from './use-download';

/** Plots per risk, each with its map colour. */
function RiskCounts({ counts }: { counts: Record<string, number> }) {
  return (
    <table className="data compact risk-counts" data-testid="risk-counts">
      <caption>Plots per risk</caption>
      <thead><tr><th scope="col">Risk</th><th scope="col" className="num">Plots</th></tr></thead>
      <tbody>
        {RISKS.map(({ risk, label, colour }) => (
          <tr key={risk} data-risk={risk}>
            <td><i className="swatch" style={{ background: colour }} /> {label}</td>
            <td className="num">{formatCount(counts[risk] ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the results rest on: the cut-off date, the threshold when a tree-cover map was used, and each map's name and version. */
function Evidence({ check }: { check: DeforestationCheck }) {
  const treeCover = check.datasets.some((d) => d.kind === 'tree_cover_percent');
  return (
    <dl className="facts small" data-testid="check-evidence">
      <dt>Cut-off date</dt><dd>{check.cutoff_date}</dd>
      {treeCover && check.forest_threshold_pct !== null && <><dt>Tree-cover threshold</dt><dd>{check.forest_threshold_pct} %</dd></>}
      <dt>Datasets</dt>
      <dd>
        <ul className="plain tight">
          {check.datasets.map((d) => (
            <li key={d.name} title={`SHA-256 ${d.checksum}`}>
              <VisibleText text={d.name} /> <span className="muted">({d.kind}, version <VisibleText text={d.version} />)</span>
            </li>
          ))}
        </ul>
      </dd>
      <dt>Started</dt><dd>{formatTime(check.created_at)}</dd>
    </dl>
  );
}

/** The results as CSV or GeoJSON, fetched with the token (fetch → blob → object URL) like the report. */
function ResultDownloads({ client, collectionId, taskId }: { client: ApiClient; collectionId: string; taskId: string }) {
  const { busy, error, download: fetchAndSave } = useDownload<'csv' | 'geojson'>();
  const download = (format: 'csv' | 'geojson') => fetchAndSave(format, () => client.downloadDeforestationCheck(collectionId, taskId, format));

  return (
    <div className="row">
      <button type="button" onClick={() => download('csv')} disabled={busy !== null}>{busy === 'csv' ? 'Preparing…' : 'Download results (CSV)'}</button>
      <button type="button" onClick={() => download('geojson')} disabled={busy !== null}>{busy === 'geojson' ? 'Preparing…' : 'Download results (GeoJSON)'}</button>
      <ErrorMessage error={error} />
    </div>
  );
}

/** The latest check of a collection: its progress, then its counts and evidence, or why it did not finish. */
export function CheckResult({ client, collectionId, check, task, mapCheck }: {
  client: ApiClient;
  collectionId: string;
  check: DeforestationCheck;
  task: TaskStatus | null;
  /** The completed check the map is coloured by, when it is an earlier one. */
  mapCheck: string | null;
}) {
  if (check.state === 'READY' || check.state === 'RUNNING') {
    const plots = task && task.task_id === check.task_id && task.plots_total > 0
      ? `, ${formatCount(task.plots_done)} of ${formatCount(task.plots_total)} plots` : '';
    return (
      <div data-testid="check-progress">
        <ProgressBar label={`Checking the plots against the forest maps (task ${check.task_id})`} value={check.progress}
          text={`${check.state.toLowerCase()}${plots}`} />
      </div>
    );
  }
  if (check.state === 'COMPLETED') {
    return (
      <div className="stack tight" data-testid="check-result">
        <p className="success" role="status">Check complete: the plots are coloured by risk on the map; click one for its figures.</p>
        {check.counts && <RiskCounts counts={check.counts} />}
        <Evidence check={check} />
        <ResultDownloads client={client} collectionId={collectionId} taskId={check.task_id} />
      </div>
    );
  }
  const detail = check.error?.detail ?? (task?.task_id === check.task_id ? task.error?.detail : undefined);
  return (
    <div className="error" role="alert" data-testid="check-failure">
      <p>
        The check {check.state === 'CANCELLED' ? 'was cancelled' : 'failed'}
        {detail ? <>: <VisibleText text={detail} /></> : '.'}
      </p>
      <p>Start it again to run a fresh check.{mapCheck && mapCheck !== check.task_id ? ' The map still shows the risks of the last completed check.' : ''}</p>
    </div>
  );
}
