import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { Dataset } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { CheckForm, DatasetsMissing, missingKinds } from './check-form';
import { CheckResult } from './check-result';
import type { DeforestationCheckState } from './use-deforestation-check';

/** The forest maps registered on the server, read again for each collection (an administrator may add one meanwhile). */
function useDatasets(client: ApiClient, collectionId: string): { datasets: Dataset[] | null; error: unknown } {
  const [state, setState] = useState<{ datasets: Dataset[] | null; error: unknown }>({ datasets: null, error: null });
  useEffect(() => {
    let stale = false;
    client.datasets().then((datasets) => { if (!stale) setState({ datasets, error: null }); })
      .catch((error: unknown) => { if (!stale) setState({ datasets: null, error }); });
    return () => { stale = true; };
  }, [client, collectionId]);
  return state;
}

/**
 * Screening an uploaded collection against the registered forest maps: the check's
 * arguments and its action (or, without maps, the command that registers them), then the
 * latest check's progress, counts per risk, evidence and downloads.
 */
export function DeforestationCheckCard({ client, collectionId, screening }: { client: ApiClient; collectionId: string; screening: DeforestationCheckState }) {
  const { datasets, error } = useDatasets(client, collectionId);
  const { check, task } = screening;
  const running = check?.state === 'READY' || check?.state === 'RUNNING';
  return (
    <section className="card stack" aria-labelledby="check-title" data-testid="deforestation-check">
      <h2 id="check-title">Deforestation check</h2>
      <p className="muted small">
        Was there forest on each plot at the end of 2020, and has any been lost since the cut-off date? Measured on the forest maps
        registered on this server.
      </p>
      <ErrorMessage error={error} />
      {datasets && missingKinds(datasets).length > 0 && <DatasetsMissing datasets={datasets} />}
      {datasets && missingKinds(datasets).length === 0 && (
        <CheckForm key={`${collectionId} ${datasets.map((d) => d.name).join(' ')}`} datasets={datasets} running={running} onStart={screening.start} />
      )}
      <ErrorMessage error={screening.error} />
      {check && <CheckResult client={client} collectionId={collectionId} check={check} task={task} mapCheck={screening.completedTaskId} />}
    </section>
  );
}
