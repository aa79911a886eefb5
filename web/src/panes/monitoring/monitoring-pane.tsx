import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { CollectionsState } from '../../api/use-collections';
import { ReadyList } from './ready-list';
import { TaskHistory } from './task-history';
import { UploadProgress } from './upload-progress';
import { useUploads } from './use-uploads';

/** Upload staged collections and follow both of their tasks to the end. */
export function MonitoringPane({ client, collections }: { client: ApiClient; collections: CollectionsState }) {
  const [settledCount, setSettledCount] = useState(0);
  const { uploads, track, dismiss } = useUploads(client, () => {
    setSettledCount((n) => n + 1);
    void collections.refresh();
  });

  // Uploads already running (started elsewhere, or before a reload) are followed too.
  useEffect(() => {
    for (const c of collections.list ?? []) {
      if (c.status === 'uploading' && c.bq_task_id && c.ee_task_id) track(c.collection_id, c.collection_name, { bq_task_id: c.bq_task_id, ee_task_id: c.ee_task_id });
    }
  }, [collections.list, track]);

  return (
    <div className="monitoring stack">
      <ReadyList client={client} collections={collections.list} error={collections.error} onStarted={(c, started) => {
        track(c.collection_id, c.collection_name, started);
        void collections.refresh();
      }} />
      <UploadProgress uploads={uploads} onDismiss={dismiss} />
      <TaskHistory client={client} refreshKey={`${settledCount}:${uploads.length}`} />
    </div>
  );
}
