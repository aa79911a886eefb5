import { useState } from 'react';
import type { ApiClient } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';

/** Saves a blob under `filename` through a temporary object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type Download = 'csv' | 'geojson' | 'traces';

/**
 * The whole report as CSV or GeoJSON, and an uploaded collection's TRACES export (a ZIP).
 * A link cannot carry the bearer token, so: fetch → blob → object URL.
 */
export function ReportDownloads({ client, collectionId, uploaded }: { client: ApiClient; collectionId: string; uploaded: boolean }) {
  const [busy, setBusy] = useState<Download | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function download(what: Download) {
    setBusy(what);
    setError(null);
    try {
      const { blob, filename } = what === 'traces' ? await client.downloadExport(collectionId) : await client.downloadReport(collectionId, what);
      saveBlob(blob, filename);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

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
