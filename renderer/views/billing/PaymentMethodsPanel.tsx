import { useRef } from 'react';
import type { BillingView } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { cardBrandLabel, cardExpiry } from '../../format';
import { SHORTCUTS } from '../../shortcuts';

/** The cards on file, in masked form only: brand, •••• last 4, expiry, holder and billing ZIP. */
export function PaymentMethodsPanel(props: {
  billing: BillingView;
  online: boolean;
  /** the card being replaced, if any */
  replacing: string | null;
  onStartReplace: (paymentMethodId: string) => void;
  /** what the last replacement did, to read out */
  done: string | null;
  /** a card is replaced for a verified caller only, and this one is not (yet, or any more) */
  callerMissing: boolean;
  /** to the caller's verification */
  onVerifyFirst: () => void;
  buttonRef: (paymentMethodId: string, el: HTMLButtonElement | null) => void;
}) {
  const { billing, online, replacing, done, callerMissing } = props;
  // offline first: the caller cannot be verified offline either
  const blocked = !online ? 'replace-offline' : callerMissing ? 'replace-unverified' : undefined;
  const doneRef = useRef<HTMLParagraphElement>(null);
  const methods = billing.paymentMethods;
  return (
    <Panel id="payment-methods" title="Payment methods">
      {done && (
        <p className="notice notice-good card-done" role="status" tabIndex={-1} ref={doneRef} id="card-done">
          <Icon name="check" size={15} />
          <span>{done}</span>
        </p>
      )}
      {methods.length === 0 && <p className="muted">No card on file.</p>}
      <ul className="card-list">
        {methods.map((m) => (
          <li key={m.id} className={`card-tile ${replacing === m.id ? 'is-replacing' : ''}`} data-testid="payment-method">
            <span className={`card-brand brand-${m.brand ?? 'other'}`} aria-hidden="true">
              <Icon name="card" size={18} />
            </span>
            <div className="card-main">
              <div className="card-line">
                <span>{cardBrandLabel(m.brand)}</span>
                <span className="mono">•••• {m.last4}</span>
              </div>
              <div className="card-meta">
                {m.isDefault && <Badge tone="info">Default</Badge>}
                <span>Expires {cardExpiry(m.expMonth, m.expYear)}</span>
                <span>{m.holderName}</span>
                <span>ZIP {m.billingZip}</span>
              </div>
            </div>
            {billing.may.replaceCard && (
              <Button
                variant="ghost"
                icon="sync"
                className="card-replace"
                disabled={blocked !== undefined || replacing !== null}
                aria-describedby={blocked}
                onClick={() => props.onStartReplace(m.id)}
                ref={(el) => props.buttonRef(m.id, el)}
              >
                Replace card
              </Button>
            )}
          </li>
        ))}
      </ul>
      {billing.may.replaceCard && !replacing && blocked === 'replace-offline' && (
        <p id="replace-offline" className="offline-reason">
          <Icon name="wifiOff" size={13} /> Offline: replacing a card needs the central store. It opens again when the status bar says Online.
        </p>
      )}
      {billing.may.replaceCard && !replacing && blocked === 'replace-unverified' && (
        <div className="caller-reason">
          <p id="replace-unverified">
            <Icon name="shield" size={13} /> Verify the caller first: a card is replaced only for a caller verified on this call.
          </p>
          <Button variant="ghost" onClick={props.onVerifyFirst} shortcut={SHORTCUTS.verify}>
            Verify the caller
          </Button>
        </div>
      )}
    </Panel>
  );
}
