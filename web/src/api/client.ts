/**
 * The dashboard's one API client. Every call goes through the public HTTP API with the
 * bearer token; a non-2xx answer becomes an ApiError whose message is the server's `detail`
 * sentence, so the screens can show it as is.
 */
import type {
  ApiToken, BatchProgress, Collection, Dataset, DeforestationCheckRequest, Me, PlotFeature, RepairResult, ReportPage, SignInResult, StageResult,
  TaskStatus, TaskSummary, TileJson, UploadStarted,
} from './types';

/** An API answer other than 2xx: `message` is the server's `detail`, a sentence for a person. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly detail: string, readonly code: string | null) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** Turns an error response's body into an ApiError (a `{detail, code}` body, or a fallback sentence). */
function toApiError(status: number, bodyText: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as { detail?: unknown; code?: unknown };
    if (typeof body.detail === 'string' && body.detail) return new ApiError(status, body.detail, typeof body.code === 'string' ? body.code : null);
  } catch {
    // Not JSON: a proxy's error page, say. Fall through to a sentence of our own.
  }
  return new ApiError(status, `The server answered ${status} without an explanation; try again, or ask the administrator to check its log.`, null);
}

async function errorFrom(res: Response): Promise<ApiError> {
  return toApiError(res.status, await res.text().catch(() => ''));
}

const NETWORK_DETAIL = 'The server cannot be reached; check that Canopy is running and try again.';

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new ApiError(0, NETWORK_DETAIL, 'NETWORK');
  }
}

/** POST /refresh_token: e-mail and password for a bearer token (no token needed). */
export async function signIn(email: string, password: string): Promise<SignInResult> {
  const res = await send('/refresh_token', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as SignInResult;
}

export interface StageMeta { collectionName: string; description: string }
export type StagePhase = { phase: 'sending'; loaded: number; total: number } | { phase: 'checking' };

/** A file name from a Content-Disposition header, or `fallback`. */
function attachmentName(header: string | null, fallback: string): string {
  const match = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  return match?.[1] ?? fallback;
}

/** The features of an NDJSON body, one a line. */
function ndjsonLines(text: string): PlotFeature[] {
  return text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as PlotFeature);
}

/** The client of one signed-in session. `onUnauthorized` runs when the token stops working (401). */
export class ApiClient {
  constructor(readonly token: string, private readonly onUnauthorized: (error: ApiError) => void = () => undefined) {}

  /** Headers for a same-origin URL (MapLibre's transformRequest); none for any other host. */
  authHeadersFor(url: string): Record<string, string> | undefined {
    try {
      if (new URL(url, window.location.href).origin !== window.location.origin) return undefined;
    } catch {
      return undefined;
    }
    return { Authorization: `Bearer ${this.token}` };
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    const res = await send(path, { ...init, headers });
    if (!res.ok) {
      const error = await errorFrom(res);
      if (res.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return res;
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  private postJson<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  me(): Promise<Me> {
    return this.json<Me>('/me');
  }

  /** POST /api_tokens: a long-lived token for scripts, shown once. */
  createApiToken(label: string): Promise<ApiToken> {
    return this.postJson<ApiToken>('/api_tokens', label ? { label } : {});
  }

  async collections(): Promise<Collection[]> {
    return (await this.json<{ collections: Collection[] }>('/get_collections')).collections;
  }

  /**
   * POST /stage_plots with XMLHttpRequest, the one browser API that reports upload progress.
   * `onPhase` hears the bytes sent, then "checking" while the server reads and checks the file.
   */
  stage(file: File, meta: StageMeta, onPhase: (phase: StagePhase) => void, signal?: AbortSignal): Promise<StageResult> {
    const form = new FormData();
    // request_data first, as the API's own clients send it: the server checks the name before reading the file.
    form.append('request_data', JSON.stringify({ collection_name: meta.collectionName, description: meta.description || undefined }));
    form.append('file', file, file.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/stage_plots');
      xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => onPhase({ phase: 'sending', loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
      xhr.upload.onload = () => onPhase({ phase: 'checking' });
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          try {
            resolve(JSON.parse(xhr.responseText) as StageResult);
          } catch {
            reject(toApiError(xhr.status, ''));
          }
          return;
        }
        const error = toApiError(xhr.status, xhr.responseText);
        if (xhr.status === 401) this.onUnauthorized(error);
        reject(error);
      };
      xhr.onerror = () => reject(new ApiError(0, NETWORK_DETAIL, 'NETWORK'));
      xhr.onabort = () => reject(new ApiError(0, 'Staging was cancelled; nothing was stored.', 'ABORTED'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(form);
    });
  }

  /** One page of a collection's validation report. */
  reportPage(collectionId: string, offset: number, limit: number): Promise<ReportPage> {
    return this.json<ReportPage>(`/collections/${encodeURIComponent(collectionId)}/report?offset=${offset}&limit=${limit}`);
  }

  /** The whole report as a file (CSV or GeoJSON), fetched with the token (a plain link could not carry it). */
  async downloadReport(collectionId: string, format: 'csv' | 'geojson'): Promise<{ blob: Blob; filename: string }> {
    const res = await this.request(`/collections/${encodeURIComponent(collectionId)}/report?format=${format}`);
    const filename = attachmentName(res.headers.get('content-disposition'), `report-${collectionId.slice(0, 10)}.${format}`);
    return { blob: await res.blob(), filename };
  }

  /** The TRACES export of an uploaded collection (a ZIP), fetched with the token like the report. */
  async downloadExport(collectionId: string): Promise<{ blob: Blob; filename: string }> {
    const res = await this.request(`/collections/${encodeURIComponent(collectionId)}/export?format=traces`);
    const filename = attachmentName(res.headers.get('content-disposition'), `traces-${collectionId.slice(2, 10)}.zip`);
    return { blob: await res.blob(), filename };
  }

  upload(collectionId: string, skipInvalid: boolean): Promise<UploadStarted> {
    return this.postJson<UploadStarted>('/upload_plots', skipInvalid ? { filename: collectionId, skip_invalid: true } : { filename: collectionId });
  }

  /** POST /collections/{id}/repair with the default options: a new staged collection, the fixable problems fixed. */
  repair(collectionId: string): Promise<RepairResult> {
    return this.postJson<RepairResult>(`/collections/${encodeURIComponent(collectionId)}/repair`, {});
  }

  taskStatus(taskId: string): Promise<TaskStatus> {
    return this.json<TaskStatus>(`/get_task_status?task_id=${encodeURIComponent(taskId)}`);
  }

  async tasks(limit = 50): Promise<TaskSummary[]> {
    return (await this.json<{ tasks: TaskSummary[] }>(`/tasks?limit=${limit}`)).tasks;
  }

  /**
   * The TileJSON, its tile URLs made absolute: a server with no public URL configured gives
   * them as paths (it never builds them from the Host header), resolved here against this
   * page's origin, where the tiles.json came from. Done as text: URL() would escape {z}/{x}/{y}.
   */
  async tileJson(collectionId: string): Promise<TileJson> {
    const doc = await this.json<TileJson>(`/collections/${encodeURIComponent(collectionId)}/tiles.json`);
    return { ...doc, tiles: doc.tiles.map((t) => (t.startsWith('/') && !t.startsWith('//') ? `${window.location.origin}${t}` : t)) };
  }

  plot(collectionId: string, uuid: string): Promise<PlotFeature> {
    return this.json<PlotFeature>(`/collections/${encodeURIComponent(collectionId)}/plots/${encodeURIComponent(uuid)}`);
  }

  /** GET /fetch_plots: the plots matching every `equals` filter (NDJSON, read whole: keep `limit` small). */
  async fetchPlots(collectionId: string, equals: Record<string, string>, limit: number): Promise<PlotFeature[]> {
    const query = new URLSearchParams({ filename: collectionId, limit: String(limit), ...equals });
    return ndjsonLines(await (await this.request(`/fetch_plots?${query}`)).text());
  }

  /** GET /datasets: the forest maps registered on the server. */
  async datasets(): Promise<Dataset[]> {
    return (await this.json<{ datasets: Dataset[] }>('/datasets')).datasets;
  }

  batchProgress(collectionId: string): Promise<BatchProgress> {
    return this.json<BatchProgress>(`/batch_progress?tracking_id=${encodeURIComponent(collectionId)}`);
  }

  /** POST /batch_deforestation_check: starts (or finds, for the same arguments) a check of an uploaded collection. */
  startDeforestationCheck(body: DeforestationCheckRequest): Promise<{ task_id: string }> {
    return this.postJson<{ task_id: string }>('/batch_deforestation_check', body);
  }

  /** One plot's line of a check's results (GET /fetch_deforestation_check filtered on its UUID), or null. */
  async deforestationCheckPlot(collectionId: string, taskId: string, uuid: string): Promise<PlotFeature | null> {
    const query = new URLSearchParams({ filename: collectionId, task_id: taskId, uuid });
    return ndjsonLines(await (await this.request(`/fetch_deforestation_check?${query}`)).text())[0] ?? null;
  }

  /** A check's results as a file (CSV or GeoJSON), fetched with the token like the report. */
  async downloadDeforestationCheck(collectionId: string, taskId: string, format: 'csv' | 'geojson'): Promise<{ blob: Blob; filename: string }> {
    const query = new URLSearchParams({ filename: collectionId, task_id: taskId, format });
    const res = await this.request(`/fetch_deforestation_check?${query}`);
    const filename = attachmentName(res.headers.get('content-disposition'), `deforestation-check-${collectionId.slice(0, 10)}.${format}`);
    return { blob: await res.blob(), filename };
  }
}
