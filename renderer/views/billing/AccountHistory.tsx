import { useRef, useState } from 'react';
import type { BillingView } from '../../../domain/console/contract';
import { adjustmentStatus, reversalOf, reversalRefusal } from '../../../domain/adjustments';
import type { AdjustmentKind, AdjustmentRequester, BillingAdjustment } from '../../../domain/entities/billing';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { useHotkeys } from '../../hooks/useHotkeys';
import { dateTime, money, phonesInText } from '../../format';
import { AdjustmentForm } from './AdjustmentForm';
import { ReverseForm } from './ReverseForm';
import { REQUESTER_LABELS, adjustmentName, adjustmentState, balanceEffect } from './adjustmentLabels';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { draftOf } from '../../hooks/useWorkspace';
import { SHORTCUTS } from '../../shortcuts';

type Adjustment = BillingView['adjustments'][number];

/** Where a recorded one stands, for the notice after it is recorded. */
function recordedNotice(recorded: BillingAdjustment, what: string): string {
  return adjustmentStatus(recorded) === 'awaiting_approval'
    ? `${what} recorded at the central store. It waits for a supervisor’s approval: the balance does not move until then.`
    : `${what} recorded at the central store.`;
}

/**
 * Credits and adjustments on the account: what, how much, why, by whom and when, and where each
 * stands (issue 13): waiting for a supervisor's approval with the balance unchanged, declined with
 * the reason, approved by whom, reversed and by which reversal. A billing clerk records new ones
 * online, and reverses an applied one (domain/adjustments.ts says which) with a linked reversal.
 */
export function AccountHistory(props: {
  adjustments: BillingView['adjustments'];
  billingAccountId: string | null;
  /** the key a credit being typed is kept under (`customerId:adjustment`): it opens again with what was typed */
  draftKey: string | null;
  /** the account's: every amount here is in its minor units */
  currency: string | undefined;
  online: boolean;
  mayRecord: boolean;
  mayReverse: boolean;
  approvalAboveCents: number | null;
  /** whether one asked for by `requestedBy` waits for the caller's verification now */
  callerMissing: (requestedBy: AdjustmentRequester) => boolean;
  onVerifyFirst: () => void;
  onRecord: (kind: AdjustmentKind, amountCents: number, reason: string, requestedBy: AdjustmentRequester) => Promise<BillingAdjustment>;
  onReverse: (adjustmentId: string, id: string, reason: string) => Promise<BillingAdjustment>;
}) {
  const { adjustments, currency, online, mayRecord } = props;
  const [recording, setRecording] = useState(() => draftOf(props.draftKey) !== null);
  const [reversing, setReversing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useHotkeys({ [SHORTCUTS.recordAdjustment]: () => mayRecord && online && (setDone(null), setReversing(null), setRecording(true)) });

  const finish = (recorded: BillingAdjustment | null) => {
    setRecording(false);
    if (recorded) {
      setDone(recordedNotice(recorded, `${adjustmentName(recorded)} of ${money(Math.abs(recorded.amountCents), currency)}`));
      focusAfterRender(() => doneRef.current);
    } else {
      focusAfterRender(() => button.current);
    }
  };
  const finishReversing = (original: string, reversal: BillingAdjustment | null) => {
    setReversing(null);
    if (reversal) {
      setDone(recordedNotice(reversal, `Reversal of ${money(Math.abs(reversal.amountCents), currency)}`));
      focusAfterRender(() => doneRef.current);
    } else {
      focusAfterRender(() => document.getElementById(`reverse-${original}`));
    }
  };
  /** a linked entry: focused and scrolled to, never a URL (the console's address names its view) */
  const goTo = (id: string) => {
    const entry = document.getElementById(`adjustment-${id}`);
    entry?.scrollIntoView({ block: 'nearest' });
    entry?.focus();
  };
  const mayReverse = (a: Adjustment) => props.mayReverse && !!props.billingAccountId && reversalRefusal(a, props.billingAccountId, adjustments) === null;

  const actions = mayRecord && !recording && (
    <Button icon="plus" variant="ghost" disabled={!online} aria-describedby={!online ? 'adjust-offline' : undefined} onClick={() => (setDone(null), setReversing(null), setRecording(true))} ref={button} shortcut={SHORTCUTS.recordAdjustment}>
      Record a credit or adjustment
    </Button>
  );

  return (
    <Panel id="history" title="Account history" actions={actions}>
      {mayRecord && !online && !recording && (
        <p id="adjust-offline" className="offline-reason">
          <Icon name="wifiOff" size={13} /> Offline: credits and adjustments are recorded at the central store. This opens again when the status bar says Online.
        </p>
      )}
      {recording && (
        <AdjustmentForm
          currency={currency}
          draft={props.draftKey}
          online={online}
          approvalAboveCents={props.approvalAboveCents}
          callerMissing={props.callerMissing}
          onVerifyFirst={props.onVerifyFirst}
          onRecord={props.onRecord}
          onDone={finish}
        />
      )}
      {done && (
        <p className="notice notice-good card-done" role="status" tabIndex={-1} ref={doneRef}>
          <Icon name="check" size={15} />
          <span>{done}</span>
        </p>
      )}
      {adjustments.length === 0 ? (
        <p className="muted history-empty">No credits or adjustments on this account.</p>
      ) : (
        <ol className="history-list">
          {adjustments.map((a) => {
            const status = adjustmentStatus(a);
            const amount = a.amountCents ?? 0;
            const state = adjustmentState(a);
            const original = a.reverses ? adjustments.find((o) => o.id === a.reverses) : undefined;
            const reversal = reversalOf(a, adjustments);
            return (
              <li key={a.id} id={`adjustment-${a.id}`} tabIndex={-1} className={`history-entry is-${status === 'awaiting_approval' ? 'held' : status}`}>
                <span className={`history-icon ${amount < 0 ? 'is-credit' : 'is-charge'}`} aria-hidden="true">
                  <Icon name="coins" size={16} />
                </span>
                <div className="history-main">
                  <div className="history-line">
                    <Badge tone={a.reverses ? 'info' : a.kind === 'credit' ? 'good' : 'neutral'}>{adjustmentName(a)}</Badge>
                    <span className="money">
                      {amount < 0 ? '−' : '+'}
                      {money(Math.abs(amount), currency)}
                    </span>
                    <span className="history-effect">{status === 'applied' ? balanceEffect(amount) : status === 'declined' ? 'did not move the balance' : `${balanceEffect(amount)} once approved`}</span>
                    {status !== 'applied' && <Badge tone={state.tone}>{state.label}</Badge>}
                    {a.requestedBy && !a.reverses && (
                      <Badge tone={a.requestedBy === 'caller' ? 'info' : 'neutral'} title={REQUESTER_LABELS[a.requestedBy].title}>
                        {REQUESTER_LABELS[a.requestedBy].label}
                      </Badge>
                    )}
                  </div>
                  <div className="history-reason">“{phonesInText(a.reason ?? '')}”</div>
                  {status === 'awaiting_approval' && <p className="history-state">The balance is unchanged until a supervisor approves it.</p>}
                  {a.decidedAt && (
                    <p className="history-state">
                      {status === 'declined' ? 'Declined' : 'Approved'} by {a.decidedBy}, {dateTime(a.decidedAt)}: “{a.decisionReason}”
                    </p>
                  )}
                  {a.reverses && (
                    <p className="history-state">
                      Takes back{' '}
                      {original ? (
                        <button type="button" className="history-link" onClick={() => goTo(original.id)}>
                          the {adjustmentName(original).toLowerCase()} of {money(Math.abs(original.amountCents ?? 0), currency)} recorded {dateTime(original.recordedAt)}
                        </button>
                      ) : (
                        'an adjustment no longer shown'
                      )}
                    </p>
                  )}
                  {reversal && (
                    <p className="history-state">
                      {adjustmentStatus(reversal) === 'applied' ? 'Reversed by ' : 'Being reversed by '}
                      <button type="button" className="history-link" onClick={() => goTo(reversal.id)}>
                        the reversal recorded {dateTime(reversal.recordedAt)} by {reversal.recordedBy}
                      </button>
                      {adjustmentStatus(reversal) === 'awaiting_approval' && ', waiting for a supervisor’s approval'}
                    </p>
                  )}
                  {reversing === a.id && <ReverseForm original={a} currency={currency} online={online} approvalAboveCents={props.approvalAboveCents} onReverse={(id, reason) => props.onReverse(a.id, id, reason)} onDone={(r) => finishReversing(a.id, r)} />}
                </div>
                <div className="history-who">
                  <span className="strong">{a.recordedBy}</span>
                  <span className="muted">{dateTime(a.recordedAt)}</span>
                  {mayReverse(a) && reversing !== a.id && (
                    <Button id={`reverse-${a.id}`} variant="ghost" icon="undo" disabled={!online} onClick={() => (setDone(null), setRecording(false), setReversing(a.id))}>
                      Reverse
                    </Button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}
