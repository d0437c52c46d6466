import { useSession } from './hooks/useSession';
import { BlockedView } from './views/session/BlockedView';
import { EnrolView } from './views/session/EnrolView';
import { SignInView } from './views/session/SignInView';
import { UnlockView } from './views/session/UnlockView';
import { ConsoleShell } from './views/shell/ConsoleShell';
import { PolicyGate } from './views/policy/PolicyGate';

/** Which screen the workstation shows follows the core's session state, and nothing else. */
export function App() {
  const api = useSession();
  const { session, loadError } = api;
  if (loadError) return <BlockedView title="The console cannot reach its workstation core" detail={loadError} />;
  if (!session) return <div className="app-loading" aria-busy="true" aria-label="Starting CareDesk" />;
  if (session.blocker) return <BlockedView title="CareDesk cannot keep a secure cache on this computer" detail={session.blocker} />;
  switch (session.state) {
    case 'not_enrolled':
      return <EnrolView api={api} />;
    case 'signed_out':
      return <SignInView api={api} />;
    case 'locked':
      return <UnlockView api={api} session={session} />;
    case 'unlocked':
      // a privacy-policy version this user has not acknowledged comes first (issue 14)
      return (
        <PolicyGate api={api} userId={session.user!.id}>
          <ConsoleShell api={api} session={session} />
        </PolicyGate>
      );
  }
}
