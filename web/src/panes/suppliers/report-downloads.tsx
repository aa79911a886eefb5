import type { ApiClient } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useDownload } from './use-download';

type Download = 'csv' | 'geojson' | 'traces';

/**
 * The whole report as CSV or GeoJSON, and an uploaded collection's TRACES export (a ZIP).
 * A link cannot carry the bearer token, so: fetch → blob → object URL.
 */
export function ReportDownloads({ client, collectionId, uploaded }: { client: ApiClient; collectionId: string; uploaded: boolean }) {
  const { busy, error, download: fetchAndSave } = useDownload<Download>();
  const download = (what: Download) => fetchAndSave(what, () => (what === 'traces' ? client.downloadExport(collectionId) : client.downloadReport(collectionId, what)));

  return (
    <div className="row">
      <button type="button" onClick={() => download('csv')} disabled={busy !== null}>{busy === 'csv' ? 'Preparing…' : 'Download report (CSV)'}</button>
      <button type="button" onClick={() => download('geojson')} disabled={busy !== null}>{busy === 'geojson' ? 'Preparing…' : 'Download flagged features (GeoJSON)'}</button>
      {uploaded && (
        <button type="button" onClick={() => download('traces')} disabled={busy !== null}
          title="A ZIP of GeoJSON files for the EU Information System (at most 25 MB and 1,000 producers each), with a manifest and the evidence">
          {busy === 'traces' ? 'Preparing…' : 'Export for TRACES'}
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
