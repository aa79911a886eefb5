import { useState } from 'react';
import type { ApiClient } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';

/** Saves a blob under `filename` through a temporary object URL. */
function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The whole report as CSV or GeoJSON. A link cannot carry the bearer token, so: fetch → blob → object URL. */
export function ReportDownloads({ client, collectionId }: { client: ApiClient; collectionId: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function download(format: 'csv' | 'geojson') {
    setBusy(format);
    setError(null);
    try {
      const { blob, filename } = await client.downloadReport(collectionId, format);
      save(blob, filename);
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
      <ErrorMessage error={error} />
    </div>
  );
}
