import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { Issue, ReportPage } from '../../api/types';

export interface ReportState {
  page: ReportPage | null;
  /** The issues of the page on screen. */
  issues: Issue[];
  /** Every issue in the report, for the pager. */
  total: number;
  offset: number;
  loading: boolean;
  error: unknown;
}

/** One page of a collection's report (`?offset=&limit=`), so a report of 100,000 issues is never held in the browser. */
export function useReport(client: ApiClient, collectionId: string | null, offset: number, limit: number, refreshKey: unknown): ReportState {
  const [state, setState] = useState<ReportState>({ page: null, issues: [], total: 0, offset, loading: false, error: null });

  useEffect(() => {
    if (!collectionId) {
      setState({ page: null, issues: [], total: 0, offset: 0, loading: false, error: null });
      return;
    }
    let stale = false;
    // Another collection's issues must not linger (on the map) while this one loads.
    setState((s) => (s.page?.collection_id === collectionId ? { ...s, loading: true, error: null }
      : { page: null, issues: [], total: 0, offset, loading: true, error: null }));
    client.reportPage(collectionId, offset, limit).then((page) => {
      if (stale) return;
      setState({ page, issues: page.issues, total: page.total_issues, offset, loading: false, error: null });
    }).catch((error: unknown) => {
      if (!stale) setState((s) => ({ ...s, loading: false, error }));
    });
    return () => { stale = true; };
  }, [client, collectionId, offset, limit, refreshKey]);

  return state;
}
