import type { Issue } from '../../api/types';
import { formatCount } from '../../format';
import { VisibleText } from '../../components/visible-text';

/** One page of flagged features; "Show" flies the map to the issue's location. */
export function IssueTable({ issues, offset, total, pageSize, loading, onOffset, onShow }: {
  issues: Issue[];
  offset: number;
  total: number;
  pageSize: number;
  loading: boolean;
  onOffset: (offset: number) => void;
  onShow: (issue: Issue) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.floor(offset / pageSize) + 1;
  const go = (p: number) => onOffset((Math.min(Math.max(p, 1), pages) - 1) * pageSize);
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + issues.length, total);
  return (
    <div className="stack">
      <div className="table-scroll tall">
        <table className="data compact" data-testid="issue-table" aria-busy={loading}>
          <caption>Flagged features: issues {formatCount(first)}–{formatCount(last)} of {formatCount(total)}</caption>
          <thead>
            <tr><th scope="col" className="num">Feature</th><th scope="col">Plot ID</th><th scope="col">Code</th><th scope="col">Message</th><th scope="col"><span className="visually-hidden">Map</span></th></tr>
          </thead>
          <tbody>
            {issues.map((issue, i) => (
              <tr key={`${offset + i}`} className={`severity-${issue.severity}`} data-code={issue.code}>
                <td className="num">{issue.feature}</td>
                <td className="plot-id">{issue.plot_id === null ? <span className="muted">—</span> : <VisibleText text={issue.plot_id} />}</td>
                <td><code>{issue.code}</code></td>
                <td className="message"><VisibleText text={issue.message} /></td>
                <td>
                  <button type="button" className="small-button" disabled={!issue.location} onClick={() => onShow(issue)}
                    aria-label={`Show feature ${issue.feature} (${issue.code}) on the map`}>
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager row" aria-label="Issue pages">
          <button type="button" onClick={() => go(1)} disabled={page <= 1}>First</button>
          <button type="button" onClick={() => go(page - 1)} disabled={page <= 1}>Previous</button>
          <label className="inline">
            Page
            <input type="number" min={1} max={pages} value={page} onChange={(e) => { const n = Number(e.target.value); if (Number.isInteger(n) && n >= 1) go(n); }} />
            of {formatCount(pages)}
          </label>
          <button type="button" onClick={() => go(page + 1)} disabled={page >= pages}>Next</button>
          <button type="button" onClick={() => go(pages)} disabled={page >= pages}>Last</button>
        </nav>
      )}
    </div>
  );
}
