import type { ReactNode } from 'react';
import { mustAcknowledge } from '../../../domain/policyVersions';
import type { SessionApi } from '../../hooks/useSession';
import { PolicyAcknowledgementView } from './PolicyAcknowledgementView';
import { usePolicyStatus } from './usePolicyStatus';

/**
 * Before the console opens (after a sign-in, or an unlock), the central store is asked whether a
 * privacy-policy version is in force that this user has not acknowledged: if so, they read what
 * changed and acknowledge it before working (issue 14). When the store cannot answer — the desk is
 * offline, the store is older — the console opens: the desk works through outages, and the
 * acknowledgement is asked at the next sign-in or unlock that reaches the store (renderer/README.md).
 */
export function PolicyGate({ api, userId, children }: { api: SessionApi; userId: string; children: ReactNode }) {
  const status = usePolicyStatus(userId);
  if (status.isPending) return <div className="app-loading" aria-busy="true" aria-label="Checking the privacy policy" />;
  if (status.data && mustAcknowledge(status.data)) return <PolicyAcknowledgementView api={api} userId={userId} status={status.data} />;
  return <>{children}</>;
}
