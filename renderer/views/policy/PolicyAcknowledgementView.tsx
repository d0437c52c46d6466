import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PolicyStatus } from '../../../domain/policyVersions';
import { messageOf, invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import type { SessionApi } from '../../hooks/useSession';
import { Brand } from '../shell/Brand';
import { PolicyText } from './PolicyText';
import { policyStatusKey } from './usePolicyStatus';

/**
 * A privacy-policy version this user has not acknowledged (issue 14): what changed, version by
 * version since the one they last acknowledged, then one button that records the acknowledgement
 * at the central store (by its clock, with this workstation); the console opens after it. Signing
 * out instead leaves it to the next sign-in.
 */
export function PolicyAcknowledgementView({ api, userId, status }: { api: SessionApi; userId: string; status: PolicyStatus }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = status.current!;
  const shown = status.pending.length ? status.pending : [current];

  async function acknowledge() {
    setBusy(true);
    setError(null);
    try {
      await invoke('policyVersion.acknowledge', { version: current.version });
      await queryClient.invalidateQueries({ queryKey: policyStatusKey(userId) });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <div className="session-page">
      <main className="session-card policy-card" aria-labelledby="policy-title" aria-describedby="policy-why">
        <Brand />
        <h1 id="policy-title">The privacy policy has changed</h1>
        <p id="policy-why" className="session-subtitle">
          Version {current.version} is in force. Read what changed and acknowledge it before you start working: your acknowledgement is recorded with this workstation and the time.
        </p>
        {/* the text scrolls: it takes the focus, so that the keyboard scrolls it too */}
        <div className="policy-changes" role="region" aria-label="What changed" tabIndex={0}>
          {shown.map((version) => (
            <PolicyText key={version.version} version={version} />
          ))}
        </div>
        {status.acknowledged && <p className="muted small">You last acknowledged version {status.acknowledged.version}.</p>}
        {error && (
          <Notice tone="bad" assertive>
            {error}
          </Notice>
        )}
        <div className="session-form">
          <Button variant="primary" className="btn-block" busy={busy} onClick={() => void acknowledge()} autoFocus>
            {busy ? 'Recording…' : `I have read version ${current.version}`}
          </Button>
          <Button variant="ghost" className="btn-block" onClick={() => void api.signOut()}>
            Sign out without acknowledging
          </Button>
        </div>
      </main>
      <footer className="session-footer">Customer care console · For authorised staff only · Activity is recorded</footer>
    </div>
  );
}
