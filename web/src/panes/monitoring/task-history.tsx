import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { TaskSummary } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatTime, TASK_LABELS } from '../../format';

/** The last 50 tasks (GET /tasks), newest first, with why a failed one failed. */
export function TaskHistory({ client, refreshKey }: { client: ApiClient; refreshKey: unknown }) {
  const [tasks, setTasks] = useState<TaskSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setTasks(await client.tasks(50));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [client]);
  useEffect(() => { void load(); }, [load, refreshKey]);

  return (
    <section className="card stack" aria-labelledby="history-title">
      <div className="row spread">
        <h2 id="history-title">Task history</h2>
        <button type="button" className="small-button" onClick={() => void load()}>Refresh</button>
      </div>
      <ErrorMessage error={error} />
      {tasks?.length === 0 && <p className="muted">No tasks yet.</p>}
      {tasks && tasks.length > 0 && (
        <div className="table-scroll">
          <table className="data compact" data-testid="task-history">
            <thead>
              <tr><th scope="col">Task</th><th scope="col">Type</th><th scope="col">Collection</th><th scope="col">State</th><th scope="col" className="num">Plots</th><th scope="col">Started</th><th scope="col">Finished</th></tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.task_id}>
                  <td><code>{t.task_id}</code></td>
                  <td>{TASK_LABELS[t.type] ?? t.type}</td>
                  <td>{t.collection_name}</td>
                  <td>
                    <span className={`badge badge-${t.state.toLowerCase()}`}>{t.state}</span>
                    {t.error && <div className="error small">{t.error.detail}</div>}
                  </td>
                  <td className="num">{formatCount(t.plots_done)} / {formatCount(t.plots_total)}</td>
                  <td className="small">{formatTime(t.started_at ?? t.created_at)}</td>
                  <td className="small">{formatTime(t.finished_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
