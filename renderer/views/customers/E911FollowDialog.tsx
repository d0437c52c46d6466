import { useEffect, useId, useRef, useState } from 'react';
import type { CustomerProfile } from '../../../domain/console/contract';
import { linesFollowing, sameAddress, servesE911 } from '../../../domain/e911';
import type { PostalAddress } from '../../../domain/validation/address';
import { codeOf, invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { address, phone } from '../../format';

type Line = CustomerProfile['serviceLines'][number];

/** What a corrected service address leaves behind: the lines that were at the old address, and those with an address of their own. */
export interface E911Offer {
  lines: Line[];
  /** lines in service whose E911 address is neither address: the central store flags them for network operations too */
  others: number;
  to: PostalAddress;
  /** the rep's reason for the correction, which the lines' history keeps too */
  reason: string;
}

/** The offer a saved correction of the service address makes (domain/e911.ts says which lines), or null when it leaves no line behind. */
export function e911OfferOf(profile: CustomerProfile, changes: Record<string, unknown>, reason: string): E911Offer | null {
  const from = profile.customer.serviceAddress;
  const to = changes.serviceAddress as PostalAddress | undefined;
  if (!to || sameAddress(from, to)) return null;
  const lines = linesFollowing(profile.serviceLines, from);
  const others = profile.serviceLines.filter((l) => servesE911(l) && !sameAddress(l.e911Address, from) && !sameAddress(l.e911Address, to)).length;
  return lines.length || others ? { lines, others, to, reason } : null;
}

type Outcome = { lineId: string; updated: boolean; says: string };
type Phase = 'offer' | 'updating' | 'done' | 'declined';

const lineWord = (n: number) => (n === 1 ? 'line' : 'lines');

/**
 * The same call's next step after a service address correction (issue 13): the lines whose E911
 * address was the old service address, each with the address it moves to, and "Update E911 now"
 * (serviceLine.setE911Address, online: the desk sends the correction first) or "Not now". Offline, or
 * declined, or refused, the rep is told that the central store flags the lines for network operations
 * once the correction reaches it; nothing about an E911 address is ever queued. Esc is "Not now".
 */
export function E911FollowDialog({ offer, onClose }: { offer: E911Offer; onClose: () => void }) {
  const descId = useId();
  const summaryId = useId();
  const status = useSyncStatus();
  const offline = status !== null && !status.online;
  const [phase, setPhase] = useState<Phase>('offer');
  const [wentOffline, setWentOffline] = useState(false);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const primary = useRef<HTMLButtonElement>(null);
  const done = useRef<HTMLButtonElement>(null);
  const canUpdate = offer.lines.length > 0 && !offline && !wentOffline;

  // the dialog opens on its first choice; once it has answered, on Done
  useEffect(() => {
    (phase === 'done' || phase === 'declined' || !canUpdate ? done : primary).current?.focus();
  }, [phase, canUpdate]);

  const update = async () => {
    setPhase('updating');
    const results: Outcome[] = [];
    for (const line of offer.lines) {
      try {
        const result = await invoke('serviceLine.setE911Address', { lineId: line.id, expected: line.e911Address as PostalAddress, address: offer.to, reason: offer.reason });
        results.push({ lineId: line.id, updated: true, says: result.status === 'unchanged' ? 'Already at the new address' : 'E911 updated' });
      } catch (err) {
        if (codeOf(err) === 'offline') setWentOffline(true);
        results.push({ lineId: line.id, updated: false, says: messageOf(err) });
      }
      setOutcomes([...results]);
    }
    setPhase('done');
  };
  const close = () => (phase === 'offer' ? setPhase('declined') : phase === 'updating' ? undefined : onClose());

  const notUpdated = phase === 'declined' || (phase === 'offer' && !canUpdate) ? offer.lines.length : outcomes.filter((o) => !o.updated).length;
  const flagged = notUpdated + offer.others;
  const flagNote = `The central store flags ${flagged === 1 ? 'it' : 'them'} for network operations once the corrected service address reaches it. Until ${flagged === 1 ? 'it is' : 'they are'} updated, 911 calls from ${flagged === 1 ? 'it' : 'them'} may be located at the old address: tell the caller.`;
  const summary =
    phase === 'done' && notUpdated === 0
      ? `E911 updated: 911 dispatchers are sent to the new service address for ${offer.lines.length === 1 ? 'this line' : `these ${offer.lines.length} lines`}.`
      : phase === 'done'
        ? `${notUpdated} ${lineWord(notUpdated)} not updated. ${flagNote}`
        : phase === 'declined'
          ? `E911 not updated. ${flagNote}`
          : !canUpdate && offer.lines.length > 0
            ? `This workstation is offline: an E911 address is changed only with the central store, never queued. ${flagNote}`
            : null;
  const outcomeOf = (id: string) => outcomes.find((o) => o.lineId === id);

  return (
    <Dialog title="Update the E911 address too?" className="e911-follow" onClose={close} describedBy={`${descId} ${summaryId}`}>
      <p id={descId}>
        The service address is corrected. {offer.lines.length === 0 ? 'No line was at the old address.' : `${offer.lines.length === 1 ? 'This line still sends' : 'These lines still send'} 911 dispatchers to the old address.`}
      </p>
      {offer.lines.length > 0 && (
        <table className="table e911-lines">
          <caption className="sr-only">Lines whose E911 address was the old service address</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">E911 address now</th>
              <th scope="col">New E911 address</th>
              {outcomes.length > 0 && <th scope="col">Result</th>}
            </tr>
          </thead>
          <tbody>
            {offer.lines.map((line) => {
              const outcome = outcomeOf(line.id);
              return (
                <tr key={line.id}>
                  <td className="mono nowrap">{phone(line.number)}</td>
                  <td>{address(line.e911Address)}</td>
                  <td>
                    <span className="e911-arrow" aria-hidden="true">
                      <Icon name="chevronRight" size={13} />
                    </span>
                    {address(offer.to)}
                  </td>
                  {outcomes.length > 0 && (
                    <td>{outcome ? <Badge tone={outcome.updated ? 'good' : 'bad'}>{outcome.updated ? outcome.says : 'Not updated'}</Badge> : <span className="muted">Updating…</span>}
                      {outcome && !outcome.updated && <span className="e911-refusal">{outcome.says}</span>}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {offer.others > 0 && (
        <p className="muted">
          {offer.others} other {lineWord(offer.others)} {offer.others === 1 ? 'has' : 'have'} an E911 address of {offer.others === 1 ? 'its' : 'their'} own: the central store flags {offer.others === 1 ? 'it' : 'them'} for network operations to review.
        </p>
      )}
      <div role="status" id={summaryId} className="e911-summary">
        {summary && (
          <div className={`notice notice-${phase === 'done' && notUpdated === 0 ? 'good' : 'warn'}`}>
            <Icon name={phase === 'done' && notUpdated === 0 ? 'check' : 'alert'} size={15} />
            <div>{summary}</div>
          </div>
        )}
      </div>
      <div className="edit-actions">
        {phase === 'offer' || phase === 'updating' ? (
          canUpdate || phase === 'updating' ? (
            <>
              <Button variant="primary" icon="check" ref={primary} busy={phase === 'updating'} onClick={() => void update()}>
                Update E911 now
              </Button>
              <Button onClick={() => setPhase('declined')} disabled={phase === 'updating'}>
                Not now
              </Button>
            </>
          ) : (
            <Button variant="primary" ref={done} onClick={onClose}>
              Done
            </Button>
          )
        ) : (
          <Button variant="primary" ref={done} onClick={onClose}>
            Done
          </Button>
        )}
      </div>
    </Dialog>
  );
}
