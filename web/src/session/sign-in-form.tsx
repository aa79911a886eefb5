import { useState, type FormEvent } from 'react';
import { signIn } from '../api/client';
import { ErrorMessage } from '../components/error-message';
import type { Session } from './session-store';

/** E-mail and password for a bearer token (POST /refresh_token). */
export function SignInForm({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await signIn(email.trim(), password);
      onSignedIn({ token: result.access_token, email: email.trim() });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1 className="brand">Canopy</h1>
      <p className="muted">Plot files for EUDR due diligence: stage, check and upload.</p>
      <form onSubmit={submit} className="card stack" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        {notice && <p className="notice" role="status">{notice}</p>}
        <label>
          E-mail
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
