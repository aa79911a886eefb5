import { useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { Collection, UploadStarted } from '../../api/types';
import { ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { VisibleText } from '../../components/visible-text';
import { visibleText } from '../../text/visible-text';
import { formatCount, formatTime } from '../../format';
import { StatusBadge } from '../suppliers/collection-list';

/**
 * The API's refusal of a collection with errors speaks to scripts ("call /upload_plots with
 * skip_invalid"); on this screen the same choice is the checkbox above the button.
 */
function hasErrorsRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'COLLECTION_HAS_ERRORS';
}

/** One staged collection with its Upload button (and skip_invalid when it has errors). */
function ReadyRow({ client, collection, onStarted }: { client: ApiClient; collection: Collection; onStarted: (started: UploadStarted) => void }) {
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const c = collection;

  async function upload() {
    setBusy(true);
    setError(null);
    try {
      onStarted(await client.upload(c.collection_id, skipInvalid));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="ready-item stack tight" data-testid="ready-collection" data-collection-id={c.collection_id}>
      <div className="row spread">
        <div>
          <strong><VisibleText text={c.collection_name} /></strong> <StatusBadge status={c.status} />
          <div className="muted small">
            {formatCount(c.feature_count)} plots · {formatCount(c.valid_count)} valid · {formatCount(c.invalid_count)} with errors ·
            staged {formatTime(c.created_at)}
          </div>
        </div>
        <button type="button" className="primary" onClick={upload} disabled={busy} aria-label={`Upload ${visibleText(c.collection_name)}`}>
          {busy ? 'Starting…' : 'Upload'}
        </button>
      </div>
      {c.invalid_count > 0 && (
        <div className={hasErrorsRefusal(error) ? 'attention' : undefined}>
          <label className="inline">
            <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
            Skip the {formatCount(c.invalid_count)} plots with errors and upload the {formatCount(c.valid_count)} valid ones
          </label>
        </div>
      )}
      {hasErrorsRefusal(error)
        ? (
          <p className="error" role="alert">
            This collection has {formatCount(c.invalid_count)} plots with errors, so it was not uploaded. Tick “Skip the{' '}
            {formatCount(c.invalid_count)} plots with errors” above to upload its {formatCount(c.valid_count)} valid plots, or fix
            the file and stage it again (its report is in the Suppliers pane).
          </p>
        )
        : <ErrorMessage error={error} />}
    </li>
  );
}

/** Staged collections that can be uploaded (and failed ones, to try again). */
export function ReadyList({ client, collections, error, onStarted }: {
  client: ApiClient;
  collections: Collection[] | null;
  error: unknown;
  onStarted: (collection: Collection, started: UploadStarted) => void;
}) {
  const ready = (collections ?? []).filter((c) => c.status === 'staged' || c.status === 'failed');
  return (
    <section className="card stack" aria-labelledby="ready-title">
      <h2 id="ready-title">Ready to upload</h2>
      <ErrorMessage error={error} />
      {collections !== null && ready.length === 0 && <p className="muted">No staged collections wait for upload. Stage a file in the Suppliers pane.</p>}
      <ul className="plain">
        {ready.map((c) => <ReadyRow key={c.collection_id} client={client} collection={c} onStarted={(s) => onStarted(c, s)} />)}
      </ul>
    </section>
  );
}
