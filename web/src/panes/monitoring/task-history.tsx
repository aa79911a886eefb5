import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { TaskSummary } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { VisibleText } from '../../components/visible-text';
import { formatCount, formatTime, TASK_LABELS } from '../../format';

/** How often the history is read again while one of its tasks waits or runs. */
const LIVE_POLL_MS = 1000;
const UNFINISHED = new Set(['READY', 'RUNNING']);

/**
 * The last 50 tasks (GET /tasks), newest first, with why a failed one failed. While any of
 * them is READY or RUNNING (started here, by a script or in another tab) the list is read
 * again every second, so states and plot counts move as the tasks do; then it rests.
 */
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

  const live = tasks?.some((t) => UNFINISHED.has(t.state)) ?? false;
  useEffect(() => {
    if (!live) return;
    // A new `tasks` array re-arms this effect, so one read is in flight at a time.
    const timer = setTimeout(() => void load(), LIVE_POLL_MS);
    return () => clearTimeout(timer);
  }, [live, tasks, load]);

  return (
    <section className="card stack" aria-labelledby="history-title">
      <div className="row spread">
        <h2 id="history-title">Task history</h2>
        <div className="row">
          {live && <span className="muted small" data-testid="history-live">Updating while tasks run…</span>}
          <button type="button" className="small-button" onClick={() => void load()}>Refresh</button>
        </div>
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
                <tr key={t.task_id} data-task-id={t.task_id} data-state={t.state}>
                  <td><code>{t.task_id}</code></td>
                  <td>{TASK_LABELS[t.type] ?? t.type}</td>
                  <td className="name"><VisibleText text={t.collection_name} /></td>
                  <td>
                    <span className={`badge badge-${t.state.toLowerCase()}`}>{t.state}</span>
                    {t.error && <div className="error small"><VisibleText text={t.error.detail} /></div>}
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
