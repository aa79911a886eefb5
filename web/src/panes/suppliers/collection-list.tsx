import type { Collection } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatTime } from '../../format';
import { visibleText } from '../../text/visible-text';
import { VisibleText } from '../../components/visible-text';

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

/** The caller's collections (GET /get_collections), newest first; choosing one shows its report and plots. */
export function CollectionList({ collections, error, selectedId, onSelect }: {
  collections: Collection[] | null;
  error: unknown;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <section className="card" aria-labelledby="collections-title">
      <h2 id="collections-title">Collections</h2>
      <ErrorMessage error={error} />
      {collections === null && !error && <p className="muted">Loading…</p>}
      {collections?.length === 0 && <p className="muted">No collections yet: stage a file above.</p>}
      {collections && collections.length > 0 && (
        <div className="table-scroll">
          <table className="data compact" data-testid="collections">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col" className="num">Plots</th><th scope="col" className="num">Errors</th><th scope="col" className="num">Warnings</th></tr>
            </thead>
            <tbody>
              {collections.map((c) => (
                <tr key={c.collection_id} className={c.collection_id === selectedId ? 'selected' : undefined} title={`Staged ${formatTime(c.created_at)}`}>
                  <td className="name">
                    <button type="button" className="link" aria-pressed={c.collection_id === selectedId} onClick={() => onSelect(c.collection_id)}
                      title={c.description ? visibleText(c.description) : undefined}>
                      <VisibleText text={c.collection_name} />
                    </button>
                    <div className="muted small">{c.format}</div>
                  </td>
                  <td><StatusBadge status={c.status} /></td>
                  <td className="num">{formatCount(c.feature_count)}</td>
                  <td className="num">{formatCount(c.invalid_count)}</td>
                  <td className="num">{formatCount(c.warning_count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
