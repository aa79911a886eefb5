import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/client';
import { useCollections } from './api/use-collections';
import { AccountView } from './account/account-view';
import { TabList, TabPanel, type TabDefinition } from './components/tabs';
import { VisibleText } from './components/visible-text';
import { MonitoringPane } from './panes/monitoring/monitoring-pane';
import { SuppliersPane } from './panes/suppliers/suppliers-pane';
import { clearSession, loadSession, saveSession, type Session } from './session/session-store';
import { SignInForm } from './session/sign-in-form';

type TabId = 'suppliers' | 'monitoring' | 'account';
const TABS: readonly TabDefinition<TabId>[] = [
  { id: 'suppliers', label: 'Suppliers' },
  { id: 'monitoring', label: 'Monitoring' },
  { id: 'account', label: 'Account' },
];

function tabFromHash(): TabId {
  const id = window.location.hash.slice(1);
  return TABS.some((t) => t.id === id) ? (id as TabId) : 'suppliers';
}

function Dashboard({ client, session, onSignOut }: { client: ApiClient; session: Session; onSignOut: () => void }) {
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const collections = useCollections(client);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  function select(id: TabId) {
    setTab(id);
    window.history.replaceState(null, '', `#${id}`);
    // Lists may have changed in another pane (a stage, an upload).
    void collections.refresh();
  }

  return (
    <div className="app">
      <a className="skip-link" href={`#panel-${tab}`}>Skip to content</a>
      <header className="top">
        <span className="brand">Canopy</span>
        <nav aria-label="Dashboard">
          <TabList tabs={TABS} selected={tab} onSelect={select} label="Dashboard panes" />
        </nav>
        <span className="user muted small"><VisibleText text={session.email} /></span>
        <button type="button" className="small-button" onClick={onSignOut}>Sign out</button>
      </header>
      <main>
        <TabPanel id="suppliers" selected={tab === 'suppliers'}><SuppliersPane client={client} collections={collections} /></TabPanel>
        <TabPanel id="monitoring" selected={tab === 'monitoring'}><MonitoringPane client={client} collections={collections} /></TabPanel>
        <TabPanel id="account" selected={tab === 'account'}><AccountView client={client} email={session.email} onSignOut={onSignOut} /></TabPanel>
      </main>
    </div>
  );
}

/** Signed out: the sign-in form. Signed in: the three panes. A 401 anywhere signs out with a notice. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((why: string | null) => {
    clearSession();
    setSession(null);
    setNotice(why);
  }, []);

  const client = useMemo(
    () => (session ? new ApiClient(session.token, () => signOut('Your session has ended; sign in again.')) : null),
    [session, signOut],
  );

  if (!session || !client) {
    return <SignInForm notice={notice} onSignedIn={(s) => { saveSession(s); setNotice(null); setSession(s); }} />;
  }
  return <Dashboard client={client} session={session} onSignOut={() => signOut('You have signed out.')} />;
}
