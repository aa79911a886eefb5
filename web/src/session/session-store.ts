/** The signed-in session, kept in sessionStorage: it ends with the browser tab, as a bearer token should. */

export interface Session { token: string; email: string }

const KEY = 'canopy.session';

export function loadSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Session>;
    return typeof value.token === 'string' && typeof value.email === 'string' ? { token: value.token, email: value.email } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(KEY);
}
