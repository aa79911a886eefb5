import { useState } from 'react';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { ApiClient } from '../../api/client';
import type { Collection, Issue, RepairResult } from '../../api/types';
import type { CollectionsState } from '../../api/use-collections';
import { ErrorMessage } from '../../components/error-message';
import { formatCount } from '../../format';
import { VisibleText } from '../../components/visible-text';
import { PlotMap, type MapFocus } from '../../map/plot-map';
import { CollectionList, StatusBadge } from './collection-list';
import { DeforestationCheckCard } from './deforestation-check';
import { IssueCounts } from './issue-counts';
import { IssueTable } from './issue-table';
import { PlotFilters } from './plot-filters';
import { RepairButton, RepairNote, canRepair } from './repair-button';
import { ReportDownloads } from './report-downloads';
import { StageForm } from './stage-form';
import { useDeforestationCheck } from './use-deforestation-check';
import { useReport } from './use-report';

const PAGE_SIZE = 50;

function CollectionSummary({ collection }: { collection: Collection }) {
  return (
    <div className="stack tight">
      <h2 id="report-title">
        <VisibleText text={collection.collection_name} /> <StatusBadge status={collection.status} />
      </h2>
      {collection.description && <p className="muted"><VisibleText text={collection.description} /></p>}
      <p data-testid="report-summary">
        {formatCount(collection.feature_count)} plots ({collection.format}): {formatCount(collection.valid_count)} valid,{' '}
        <strong>{formatCount(collection.invalid_count)} with errors</strong>, {formatCount(collection.warning_count)} with warnings.
      </p>
    </div>
  );
}

/** Stage files, read their validation reports, and see uploaded collections' plots on the map. */
export function SuppliersPane({ client, collections }: { client: ApiClient; collections: CollectionsState }) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [focus, setFocus] = useState<MapFocus | null>(null);
  const [filter, setFilter] = useState<ExpressionSpecification | null>(null);
  const [repaired, setRepaired] = useState<RepairResult | null>(null);
  const selected = collections.list?.find((c) => c.collection_id === selectedId) ?? null;
  const report = useReport(client, selectedId, offset, PAGE_SIZE, selected?.status);
  const uploaded = selected?.status === 'uploaded';
  const screening = useDeforestationCheck(client, selectedId, uploaded);

  function select(id: string) {
    setSelectedId(id);
    setOffset(0);
    setFocus(null);
    setFilter(null);
  }

  function show(issue: Issue) {
    setFocus((f) => ({ issue, seq: (f?.seq ?? 0) + 1 }));
  }

  return (
    <div className="suppliers">
      <div className="column-side stack">
        <StageForm client={client} onStaged={(result) => { void collections.refresh().then(() => select(result.collection_id)); }} />
        <CollectionList collections={collections.list} error={collections.error} selectedId={selectedId} onSelect={select} />
      </div>
      <div className="column-main stack">
        <section className="card stack" aria-labelledby="report-title" data-testid="report">
          {selected ? <CollectionSummary collection={selected} /> : <h2 id="report-title">Validation report</h2>}
          {!selected && <p className="muted">Choose a collection in the list to read its report.</p>}
          {selected && (
            <>
              <ErrorMessage error={report.error} />
              {report.page && <IssueCounts counts={report.page.issue_counts} />}
              {report.total > 0 && (
                <IssueTable issues={report.issues} offset={report.offset} total={report.total} pageSize={PAGE_SIZE}
                  loading={report.loading} onOffset={setOffset} onShow={show} />
              )}
              <ReportDownloads client={client} collectionId={selected.collection_id} uploaded={uploaded} />
              {repaired?.collection_id === selected.collection_id && <RepairNote result={repaired} />}
              {canRepair(selected) && (
                <RepairButton client={client} collection={selected}
                  onRepaired={(result) => { setRepaired(result); void collections.refresh().then(() => select(result.collection_id)); }} />
              )}
            </>
          )}
        </section>
        {selected && uploaded && <DeforestationCheckCard client={client} collectionId={selected.collection_id} screening={screening} />}
        <section className="card stack" aria-labelledby="map-title">
          <h2 id="map-title">Map{selected && <>: <VisibleText text={selected.collection_name} /></>}</h2>
          <PlotMap client={client} collection={selected} issues={report.issues} focus={focus} filter={filter} riskCheck={screening.completedTaskId} />
          {uploaded && <PlotFilters client={client} collectionId={selected.collection_id} onFilter={setFilter} />}
        </section>
      </div>
    </div>
  );
}
