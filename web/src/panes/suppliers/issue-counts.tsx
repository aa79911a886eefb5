import { issueSeverity, issueTitle } from '../../issue-catalogue';
import { formatCount } from '../../format';

/** How many issues of each code the report holds, errors first. */
export function IssueCounts({ counts }: { counts: Record<string, number> }) {
  const rows = Object.entries(counts).filter(([, n]) => n > 0)
    .sort(([a, n], [b, m]) => (issueSeverity(a) === issueSeverity(b) ? m - n : issueSeverity(a) === 'error' ? -1 : 1));
  if (rows.length === 0) return <p className="success" role="status">No issues: every plot passed every check.</p>;
  return (
    <table className="data compact" data-testid="issue-counts">
      <caption>Issues per code</caption>
      <thead><tr><th scope="col">Code</th><th scope="col">Severity</th><th scope="col">What</th><th scope="col" className="num">Count</th></tr></thead>
      <tbody>
        {rows.map(([code, n]) => (
          <tr key={code} data-code={code}>
            <td><code>{code}</code></td>
            <td><span className={`badge badge-${issueSeverity(code)}`}>{issueSeverity(code)}</span></td>
            <td className="small">{issueTitle(code)}</td>
            <td className="num">{formatCount(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
