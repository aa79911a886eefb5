import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { ApiClient, StagePhase } from '../../api/client';
import type { StageResult } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { formatBytes, formatCount } from '../../format';
import { VisibleText } from '../../components/visible-text';

const ACCEPT = '.geojson,.json,.geojsonl,.geojsons,.ndjson,.csv,.txt,.zip,.parquet,.geoparquet';

/** The file's name without its extension, as a default collection name. */
function baseName(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}

/** Stage a file: pick or drop it, name the collection, watch it upload and get checked. */
export function StageForm({ client, onStaged }: { client: ApiClient; onStaged: (result: StageResult) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [phase, setPhase] = useState<StagePhase | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<StageResult | null>(null);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | null>(null);
  const busy = phase !== null;

  function choose(picked: File | null) {
    setFile(picked);
    setResult(null);
    setError(null);
    if (picked && !name.trim()) setName(baseName(picked.name));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    const dropped = event.dataTransfer.files[0];
    if (dropped) choose(dropped);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setError(new Error('Choose a file of plots first.'));
      return;
    }
    const controller = new AbortController();
    abortRef.current = controller;
    setError(null);
    setResult(null);
    setPhase({ phase: 'sending', loaded: 0, total: file.size });
    try {
      const staged = await client.stage(file, { collectionName: name.trim(), description: description.trim() }, setPhase, controller.signal);
      setResult(staged);
      setFile(null);
      setName('');
      setDescription('');
      if (inputRef.current) inputRef.current.value = '';
      onStaged(staged);
    } catch (err) {
      setError(err);
    } finally {
      setPhase(null);
      abortRef.current = null;
    }
  }

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="stage-title">
      <h2 id="stage-title">Stage a file</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <label>
          Plot file <span className="muted">(GeoJSON, CSV, zipped Shapefile or GeoParquet)</span>
          <input ref={inputRef} type="file" name="file" accept={ACCEPT} disabled={busy} onChange={(e) => choose(e.target.files?.[0] ?? null)} />
        </label>
        <p className="muted small">…or drop the file here.</p>
        {file && <p className="small">Chosen: <strong><VisibleText text={file.name} /></strong> ({formatBytes(file.size)})</p>}
      </div>
      <label>
        Collection name
        <input type="text" name="collection_name" required maxLength={200} value={name} disabled={busy} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description <span className="muted">(optional)</span>
        <textarea name="description" rows={2} value={description} disabled={busy} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {phase?.phase === 'sending' && (
        <ProgressBar label="Sending the file" value={phase.total > 0 ? (100 * phase.loaded) / phase.total : undefined}
          text={`${formatBytes(phase.loaded)} of ${formatBytes(phase.total)}`} />
      )}
      {phase?.phase === 'checking' && <ProgressBar label="Checking every plot…" text="the server reads and checks the file" />}
      <ErrorMessage error={error} />
      {result && (
        <p className="success" role="status">
          Staged “<VisibleText text={result.collection_name} />”: {formatCount(result.feature_count)} plots, {formatCount(result.valid_count)} valid,{' '}
          {formatCount(result.invalid_count)} with errors, {formatCount(result.warning_count)} with warnings.
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Staging…' : 'Stage file'}</button>
        {busy && <button type="button" onClick={() => abortRef.current?.abort()}>Cancel</button>}
      </div>
    </form>
  );
}
