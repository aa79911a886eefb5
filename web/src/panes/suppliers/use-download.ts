import { useState } from 'react';

/** Saves a blob under `filename` through a temporary object URL. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads of files the API serves behind the bearer token, which a link cannot carry:
 * fetch → blob → object URL. `busy` names the download under way, `error` the last failure.
 */
export function useDownload<K extends string>() {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function download(key: K, fetchFile: () => Promise<{ blob: Blob; filename: string }>): Promise<void> {
    setBusy(key);
    setError(null);
    try {
      const { blob, filename } = await fetchFile();
      saveBlob(blob, filename);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  return { busy, error, download };
}
