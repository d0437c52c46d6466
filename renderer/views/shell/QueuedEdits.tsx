import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueuedChange } from '../../../domain/console/contract';
import { invoke, messageOf } from '../../api/client';
import { Badge, type Tone } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Notice } from '../../components/Notice';
import { dateTime, fieldLabel, phonesInText } from '../../format';
import { queryKeys } from '../../hooks/queries';

/** What each outbox state is called here: never the account's own "pending" (issue 13). */
const STATES: Record<QueuedChange['status'], { label: string; tone: Tone; says: string }> = {
  pending: { label: 'Waiting to send', tone: 'info', says: 'Saved on this workstation; it goes to the central store at the next contact.' },
  conflict: { label: 'Conflict', tone: 'bad', says: 'Someone changed the same field first: choose in Conflicts.' },
  rejected: { label: 'Refused', tone: 'bad', says: 'The central store refused it; the record is as it was.' },
  held: { label: 'Held for review', tone: 'warn', says: 'The central store keeps it for a supervisor to review.' },
};
/** Issue 16: a correction held unverified during an outage, before and after its expiry (the store's `held_edit.expired`). */
const UNVERIFIED = {
  held: { label: 'Held, unverified', tone: 'warn' as Tone },
  expired: { label: 'Expired, not applied', tone: 'bad' as Tone },
};
const EXPIRED_RULE = 'held_edit.expired';

/** What a change is, as its list says: a callback asked for (issue 16), or the fields it changes. */
const whatOf = (c: QueuedChange) => (c.entity === 'callbackRequest' ? (c.fields.includes('status') ? 'Callback made' : 'Callback asked for') : c.fields.map(fieldLabel).join(', '));

/** The state a change shows: its outbox state, or for an unverified correction, held or expired. */
function stateOf(c: QueuedChange, now: number): { label: string; tone: Tone } {
  const expired = c.rejection?.code === EXPIRED_RULE || (c.unverified !== null && c.status !== 'rejected' && Date.parse(c.unverified.expiresAt) <= now);
  if (expired) return UNVERIFIED.expired;
  return c.unverified && (c.status === 'pending' || c.status === 'held') ? UNVERIFIED.held : STATES[c.status];
}

/** What an unverified correction says of itself: why it waits, and until when. */
function UnverifiedNote({ change, now }: { change: QueuedChange; now: number }) {
  if (!change.unverified) return null;
  const until = dateTime(change.unverified.expiresAt);
  if (Date.parse(change.unverified.expiresAt) <= now) {
    return <p className="small unverified-note">Expired {until}: it was never applied. Call the customer back on the number on file, verify them and make the correction again.</p>;
  }
  return (
    <p className="small unverified-note">
      Not verified: the caller could not be verified while the central store was unreachable. Nothing is applied until you verify the caller online and release it from their profile, or a supervisor reviews it. <span className="strong">Expires {until}.</span>
    </p>
  );
}

/**
 * Every change this desk holds for the central store (from the status bar), oldest first: whose record,
 * what, why, when, and its state, with the store's reason for a refusal. Send now asks for a sync; a
 * refusal, once read, is dismissed; a change the store has not seen can be discarded (asked twice: the
 * record goes back to what the store last said).
 */
export function QueuedEdits({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const changes = useQuery({ queryKey: queryKeys.queuedChanges, queryFn: () => invoke('changes.list', {}), refetchInterval: 2_000 });
  const list = changes.data ?? [];
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.queuedChanges });
  return (
    <Dialog title="Changes on this workstation" className="queued-edits" onClose={onClose}>
      <div className="queued-edits-bar">
        <p className="muted">{list.length === 0 ? 'Nothing is waiting: every change has reached the central store.' : `${list.length} ${list.length === 1 ? 'change' : 'changes'} not yet confirmed by the central store.`}</p>
        <Button icon="sync" onClick={() => void invoke('sync.now', {}).finally(refresh)} disabled={list.length === 0}>
          Send now
        </Button>
      </div>
      {list.length > 0 && (
        <ol className="queued-list" aria-label="Changes not yet confirmed">
          {list.map((c) => {
            const state = stateOf(c, Date.now());
            return (
              <li key={c.mutationId} className="queued-item">
                <div className="queued-line">
                  <span className="strong">{c.customerName ?? `${c.entity} ${c.entityId.slice(0, 8)}`}</span>
                  <span>{whatOf(c)}</span>
                  <Badge tone={state.tone}>{state.label}</Badge>
                  <span className="muted small">{dateTime(c.createdAt)}</span>
                </div>
                <div className="queued-reason">“{phonesInText(c.reason)}”</div>
                {c.unverified && c.status !== 'rejected' && <UnverifiedNote change={c} now={Date.now()} />}
                {c.discardable ? (
                  <Discard change={c} onDone={refresh} />
                ) : c.status === 'rejected' && c.rejection ? (
                  <div className="decision-refused">
                    <Notice tone="bad">{c.rejection.code === EXPIRED_RULE ? 'Expired' : 'Refused'}: {phonesInText(c.rejection.message)}</Notice>
                    <Button variant="ghost" onClick={() => void invoke('changes.dismiss', { mutationId: c.mutationId }).then(refresh)}>
                      Dismiss
                    </Button>
                  </div>
                ) : c.unverified ? null : (
                  <p className="muted small">{c.status === 'held' && c.hold ? `${c.hold.message.charAt(0).toUpperCase()}${phonesInText(c.hold.message.slice(1))}.` : STATES[c.status].says}</p>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </Dialog>
  );
}

/** Discard, then a second, explicit step: what goes back to what, and Keep as the default. */
function Discard({ change, onDone }: { change: QueuedChange; onDone: () => void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const what = `${change.fields.map(fieldLabel).join(', ')} of ${change.customerName ?? 'this record'}`;
  async function discard() {
    try {
      await invoke('changes.discard', { mutationId: change.mutationId });
      onDone();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  if (!asking) {
    return (
      <div className="queued-actions">
        <p className="muted small">{STATES.pending.says}</p>
        <Button variant="ghost" onClick={() => setAsking(true)} aria-label={`Discard the change to ${what}`}>
          Discard
        </Button>
      </div>
    );
  }
  return (
    <div className="queued-actions" role="group" aria-label={`Discard the change to ${what}?`}>
      <p className="small">
        Discard the change to {what}? It was never sent: the record goes back to what the central store last said.
      </p>
      {error && <Notice tone="bad">{error}</Notice>}
      <Button onClick={() => setAsking(false)} autoFocus>
        Keep it
      </Button>
      <Button variant="danger" onClick={() => void discard()}>
        Discard change
      </Button>
    </div>
  );
}
