import { useRef, useState } from 'react';
import type { BillingView } from '../../../domain/console/contract';
import type { AdjustmentKind, AdjustmentRequester, BillingAdjustment } from '../../../domain/entities/billing';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { useHotkeys } from '../../hooks/useHotkeys';
import { dateTime, money, phonesInText } from '../../format';
import { AdjustmentForm } from './AdjustmentForm';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { SHORTCUTS } from '../../shortcuts';

const KIND_LABELS: Record<string, string> = { credit: 'Credit', adjustment: 'Adjustment' };
/** who asked, as the record keeps it (absent on credits recorded before it was asked) */
const REQUESTER_LABELS: Record<AdjustmentRequester, { label: string; title: string }> = {
  caller: { label: 'Caller asked', title: 'Asked for by the customer on a call, their caller verified' },
  internal: { label: 'Internal', title: 'A correction no customer asked for' },
};

/** Credits and adjustments on the account: what, how much, why, by whom and when. A billing clerk records new ones online. */
export function AccountHistory(props: {
  adjustments: BillingView['adjustments'];
  /** the account's: every amount here is in its minor units */
  currency: string | undefined;
  online: boolean;
  mayRecord: boolean;
  /** whether one asked for by `requestedBy` waits for the caller's verification now */
  callerMissing: (requestedBy: AdjustmentRequester) => boolean;
  onVerifyFirst: () => void;
  onRecord: (kind: AdjustmentKind, amountCents: number, reason: string, requestedBy: AdjustmentRequester) => Promise<BillingAdjustment>;
}) {
  const { adjustments, currency, online, mayRecord } = props;
  const [recording, setRecording] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useHotkeys({ [SHORTCUTS.recordAdjustment]: () => mayRecord && online && (setDone(null), setRecording(true)) });

  const finish = (recorded: BillingAdjustment | null) => {
    setRecording(false);
    if (recorded) {
      setDone(`${KIND_LABELS[recorded.kind]} of ${money(Math.abs(recorded.amountCents), currency)} recorded at the central store.`);
      focusAfterRender(() => doneRef.current);
    } else {
      focusAfterRender(() => button.current);
    }
  };

  const actions = mayRecord && !recording && (
    <Button icon="plus" variant="ghost" disabled={!online} aria-describedby={!online ? 'adjust-offline' : undefined} onClick={() => (setDone(null), setRecording(true))} ref={button} shortcut={SHORTCUTS.recordAdjustment}>
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
      {recording && <AdjustmentForm currency={currency} online={online} callerMissing={props.callerMissing} onVerifyFirst={props.onVerifyFirst} onRecord={props.onRecord} onDone={finish} />}
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
          {adjustments.map((a) => (
            <li key={a.id} className="history-entry">
              <span className={`history-icon ${(a.amountCents ?? 0) < 0 ? 'is-credit' : 'is-charge'}`} aria-hidden="true">
                <Icon name="coins" size={16} />
              </span>
              <div className="history-main">
                <div className="history-line">
                  <Badge tone={a.kind === 'credit' ? 'good' : 'neutral'}>{KIND_LABELS[a.kind ?? ''] ?? a.kind}</Badge>
                  <span className="money">
                    {(a.amountCents ?? 0) < 0 ? '−' : '+'}
                    {money(Math.abs(a.amountCents ?? 0), currency)}
                  </span>
                  <span className="history-effect">{(a.amountCents ?? 0) < 0 ? 'lowers the balance' : 'raises the balance'}</span>
                  {a.requestedBy && (
                    <Badge tone={a.requestedBy === 'caller' ? 'info' : 'neutral'} title={REQUESTER_LABELS[a.requestedBy].title}>
                      {REQUESTER_LABELS[a.requestedBy].label}
                    </Badge>
                  )}
                </div>
                <div className="history-reason">“{phonesInText(a.reason ?? '')}”</div>
              </div>
              <div className="history-who">
                <span className="strong">{a.recordedBy}</span>
                <span className="muted">{dateTime(a.recordedAt)}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
