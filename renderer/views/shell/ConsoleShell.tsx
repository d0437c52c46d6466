import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionState } from '../../../domain/console/contract';
import { useHotkeys } from '../../hooks/useHotkeys';
import { flushWorkspace, forgetWorkspace, loadWorkspace, updateWorkspace } from '../../hooks/useWorkspace';
import { SHORTCUTS } from '../../shortcuts';
import type { SessionApi } from '../../hooks/useSession';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { NAVIGATION, viewFromHash, type CustomerToOpen, type ViewId } from '../../navigation';
import { ConflictsView } from '../conflicts/ConflictsView';
import { ApprovalsView } from '../approvals/ApprovalsView';
import { CustomersView } from '../customers/CustomersView';
import { LegalHoldsView } from '../holds/LegalHoldsView';
import { DisclosuresView } from '../compliance/DisclosuresView';
import { SharingView } from '../compliance/SharingView';
import { SubjectAccessView } from '../compliance/SubjectAccessView';
import { LeadsView } from '../leads/LeadsView';
import { InquiriesView } from '../inquiries/InquiriesView';
import { LockoutsPanel } from '../admin/LockoutsPanel';
import { PolicyVersionsView } from '../policy/PolicyVersionsView';
import { AuditView } from '../audit/AuditView';
import { DevicesView } from '../admin/DevicesView';
import { UsersView } from '../admin/UsersView';
import { ServiceLinesView } from '../serviceLines/ServiceLinesView';
import { useSearchBox } from '../customers/useSearchBox';
import { NoViewsYet } from '../placeholder/NoViewsYet';
import { NavRail } from './NavRail';
import { IdleWarning } from './IdleWarning';
import { OfflineBanner } from './OfflineBanner';
import { QueuedEdits } from './QueuedEdits';
import { ReauthPrompt } from './ReauthPrompt';
import { ShortcutsHelp } from './ShortcutsHelp';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';

/**
 * The unlocked console: a top bar whose search is one keystroke away (Ctrl+K or / from
 * anywhere), the role's navigation, the current view and the status bar.
 */
export function ConsoleShell({ api, session }: { api: SessionApi; session: SessionState }) {
  const user = session.user!;
  const nav = NAVIGATION[user.role];
  const [view, setViewState] = useState<ViewId | null>(() => viewFromHash(window.location.hash, user.role));
  const status = useSyncStatus();
  const search = useSearchBox();
  const mainRef = useRef<HTMLElement>(null);
  // what the rep had in hand before a lock comes back first; nothing is drawn over it until then (issue 13)
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    let live = true;
    void loadWorkspace().then((kept) => {
      if (!live) return;
      if (kept && nav.some((n) => n.view === kept.view)) setViewState(kept.view as ViewId);
      if (kept?.customer) {
        search.setQuery(kept.customer.accountNumber ?? kept.customer.name);
        search.open({ ...kept.customer, accountStatus: null, matchedBy: kept.customer.accountNumber ? 'account' : 'name', phone: null, email: null, location: null }, { quiet: true });
      }
      setRestored(true);
    });
    return () => {
      live = false;
      forgetWorkspace();
    };
    // once, when the console opens
  }, []);
  const lock = useCallback(() => void flushWorkspace().then(() => api.lock()), [api]);

  const setView = useCallback((next: ViewId) => {
    setViewState(next);
    updateWorkspace({ view: next });
    // the shell remembers the last view from the URL fragment; it carries a view name, nothing else
    if (window.location.hash !== `#/${next}`) window.history.replaceState(null, '', `#/${next}`);
  }, []);
  useEffect(() => {
    if (view) setView(view);
  }, [view, setView]);

  const focusSearch = useCallback(() => {
    if (nav.some((n) => n.view === 'customers')) setView('customers');
    search.focus();
  }, [nav, setView, search]);

  // another view opens a customer the way the search does: the account number (or name) searched, the customer opened
  const openCustomer = useCallback(
    (customer: CustomerToOpen) => {
      search.setQuery(customer.accountNumber ?? customer.name);
      search.open({ id: customer.id, name: customer.name, accountNumber: customer.accountNumber ?? null, accountStatus: null, matchedBy: customer.accountNumber ? 'account' : 'name', phone: null, email: null, location: null });
      setView('customers');
    },
    [search, setView],
  );

  const [help, setHelp] = useState(false);
  const [queued, setQueued] = useState(false);
  useHotkeys({
    [SHORTCUTS.search]: focusSearch,
    ...Object.fromEntries(SHORTCUTS.searchAlso.map((chord) => [chord, focusSearch])),
    [SHORTCUTS.lock]: lock,
    [SHORTCUTS.help]: () => setHelp(true),
    ...Object.fromEntries(nav.map((item) => [item.shortcut, () => setView(item.view)])),
  });

  return (
    <div className="console">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
        Skip to main content
      </a>
      <TopBar user={user} search={search} onSearchInput={() => view !== 'customers' && setView('customers')} searchEnabled={nav.some((n) => n.view === 'customers')} resultsShown={view === 'customers'} onLock={lock} onSignOut={() => void api.signOut()} />
      <div className="console-body">
        <NavRail items={nav} current={view} onSelect={setView} conflicts={status?.conflicts ?? 0} />
        <main id="main" className="console-main" ref={mainRef} tabIndex={-1} aria-busy={!restored || undefined}>
          {/* a session that ended is not an outage: the prompt says what waits and why */}
          {session.reauth ? <ReauthPrompt api={api} reauth={session.reauth} /> : <OfflineBanner status={status} />}
          {restored && (
            <div className="console-view">
          {view === 'customers' && <CustomersView search={search} progress={status?.progress ?? null} firstSync={status?.firstSync ?? null} role={user.role} />}
          {view === 'conflicts' && <ConflictsView role={user.role} onOpenCustomer={openCustomer} />}
          {view === 'approvals' && <ApprovalsView role={user.role} />}
          {view === 'holds' && <LegalHoldsView userId={user.id} />}
          {view === 'leads' && <LeadsView role={user.role} onOpenCustomer={openCustomer} />}
          {view === 'inquiries' && <InquiriesView role={user.role} />}
          {view === 'lockouts' && <LockoutsPanel />}
          {view === 'policy' && <PolicyVersionsView />}
          {view === 'disclosures' && <DisclosuresView userId={user.id} />}
          {view === 'sharing' && <SharingView userId={user.id} />}
          {view === 'subjects' && <SubjectAccessView />}
          {view === 'audit' && <AuditView title={nav.find((item) => item.view === 'audit')?.label} role={user.role} />}
          {view === 'users' && <UsersView selfId={user.id} />}
          {view === 'devices' && <DevicesView />}
          {(view === 'lines' || view === 'review') && <ServiceLinesView key={view} mode={view} role={user.role} />}
          {!view && <NoViewsYet role={user.role} />}
            </div>
          )}
        </main>
      </div>
      <IdleWarning />
      {queued && <QueuedEdits onClose={() => setQueued(false)} />}
      {help && <ShortcutsHelp nav={nav} onClose={() => setHelp(false)} />}
      <StatusBar status={status} nav={nav} onShowHelp={() => setHelp(true)} onShowQueued={() => setQueued(true)} onShowConflicts={nav.some((n) => n.view === 'conflicts') ? () => setView('conflicts') : undefined} />
    </div>
  );
}
