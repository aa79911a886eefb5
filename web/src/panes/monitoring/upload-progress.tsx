import type { TaskStatus } from '../../api/types';
import { errorText } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { formatCount, TASK_LABELS } from '../../format';
import { VisibleText } from '../../components/visible-text';
import { visibleText } from '../../text/visible-text';
import { isSettled, type TrackedUpload } from './use-uploads';

function TaskBar({ label, task }: { label: string; task: TaskStatus | null }) {
  if (!task) return <ProgressBar label={label} text="starting…" />;
  const counts = task.plots_total > 0 ? `, ${formatCount(task.plots_done)} of ${formatCount(task.plots_total)} plots` : '';
  return <ProgressBar label={label} value={task.state === 'COMPLETED' ? 100 : task.progress} text={`${task.state.toLowerCase()}${counts}`} />;
}

/** What the user reads once both tasks have ended: the success message, or which task failed and why. */
function Outcome({ upload }: { upload: TrackedUpload }) {
  const { bq, ee } = upload;
  if (upload.error && !bq) return <p className="error" role="alert"><VisibleText text={errorText(upload.error)} /></p>;
  if (!isSettled(upload) || !bq || !ee) return null;
  if (bq.state === 'COMPLETED' && ee.state === 'COMPLETED') {
    return (
      <p className="success" role="status" data-testid="upload-success">
        Upload complete: {formatCount(bq.plots_total)} plots of “<VisibleText text={upload.collectionName} />” are in the plot store and the analysis
        asset. See them on the map in the Suppliers pane.
      </p>
    );
  }
  const failed = [bq, ee].filter((t) => t.state !== 'COMPLETED');
  return (
    <div className="error" role="alert" data-testid="upload-failure">
      {failed.map((t) => (
        <p key={t.task_id}>
          The {TASK_LABELS[t.type]?.toLowerCase() ?? t.type} task {t.state === 'CANCELLED' ? 'was cancelled' : 'failed'}
          {t.error ? <>: <VisibleText text={t.error.detail} /></> : '.'}
        </p>
      ))}
      <p>Upload again to start fresh tasks.</p>
    </div>
  );
}

/** Live progress of both tasks of each upload started or running. */
export function UploadProgress({ uploads, onDismiss }: { uploads: TrackedUpload[]; onDismiss: (collectionId: string) => void }) {
  return (
    <section className="card stack" aria-labelledby="progress-title">
      <h2 id="progress-title">Uploads</h2>
      {uploads.length === 0 && <p className="muted">Nothing is uploading. Start an upload above; its two tasks are followed here.</p>}
      {uploads.map((u) => (
        <article key={u.bqTaskId} className="upload stack tight" data-testid="upload" data-collection-id={u.collectionId} aria-label={`Upload of ${visibleText(u.collectionName)}`}>
          <div className="row spread">
            <h3><VisibleText text={u.collectionName} /></h3>
            {isSettled(u) && <button type="button" className="small-button" onClick={() => onDismiss(u.collectionId)}>Dismiss</button>}
          </div>
          <TaskBar label={`${TASK_LABELS.plot_store} (task ${u.bqTaskId})`} task={u.bq} />
          <TaskBar label={`${TASK_LABELS.analysis_asset} (task ${u.eeTaskId})`} task={u.ee} />
          <Outcome upload={u} />
        </article>
      ))}
    </section>
  );
}
