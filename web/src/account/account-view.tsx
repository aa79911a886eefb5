import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/client';
import type { ApiToken, Me } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { formatTime } from '../format';
import { CopyButton } from './copy-button';
import { VisibleText } from '../components/visible-text';

/** Who is signed in, and a long-lived API token for scripts (POST /api_tokens), shown once, to copy. */
export function AccountView({ client, email, onSignOut }: { client: ApiClient; email: string; onSignOut: () => void }) {
  const [me, setMe] = useState<Me | null>(null);
  const [label, setLabel] = useState('');
  const [token, setToken] = useState<ApiToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tokenInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    client.me().then(setMe).catch(() => setMe(null));
  }, [client]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setToken(await client.createApiToken(label.trim()));
      setLabel('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const origin = window.location.origin;
  return (
    <div className="account stack">
      <section className="card stack" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl className="facts">
          <dt>Signed in as</dt>
          <dd data-testid="account-email"><VisibleText text={me?.email ?? email} /></dd>
          <dt>API</dt>
          <dd><code>{origin}</code> · <a href="/openapi.json">OpenAPI document</a></dd>
        </dl>
        <div><button type="button" onClick={onSignOut}>Sign out</button></div>
      </section>
      <section className="card stack" aria-labelledby="token-title">
        <h2 id="token-title">API token for scripts</h2>
        <p>
          Scripts (Python <code>requests</code>, <code>axios</code>, curl, the <code>canopy</code> command) send a token in the{' '}
          <code>Authorization: Bearer …</code> header. A token made here does not expire with this session; Canopy keeps only its hash,
          so it is shown once.
        </p>
        <form className="row" onSubmit={create}>
          <label className="inline">
            Label <span className="muted">(optional)</span>
            <input type="text" value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} placeholder="nightly script" />
          </label>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create API token'}</button>
        </form>
        <ErrorMessage error={error} />
        {token && (
          <div className="token stack tight" data-testid="api-token">
            <label>
              Your new API token{token.label && <> “<VisibleText text={token.label} />”</>} (created {formatTime(token.created_at)}; copy it now)
              <input ref={tokenInput} type="text" readOnly value={token.token} className="mono" onFocus={(e) => e.target.select()} />
            </label>
            <div className="row">
              <CopyButton text={token.token} label="Copy token" fallbackInput={() => tokenInput.current} />
            </div>
            <p className="small">Try it:</p>
            <pre className="code-block">{`curl -H "Authorization: Bearer ${token.token}" ${origin}/get_collections`}</pre>
          </div>
        )}
      </section>
    </div>
  );
}
