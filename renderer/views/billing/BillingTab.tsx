import { useRef, useState } from 'react';
import type { VerificationState } from '../../../domain/console/contract';
import type { PaymentMethod } from '../../../domain/entities/billing';
import { OPERATIONS, needsVerifiedCaller } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
import { Notice } from '../../components/Notice';
import { useBilling } from '../../hooks/useBilling';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { cardExpiry, maskedCard } from '../../format';
import { ChangesPanel } from '../customers/ChangesPanel';
import { AccountHistory } from './AccountHistory';
import { AccountSummary } from './AccountSummary';
import { InvoicesPanel } from './InvoicesPanel';
import { PaymentMethodsPanel } from './PaymentMethodsPanel';
import { PaymentsPanel } from './PaymentsPanel';
import { ReplaceCardForm } from './ReplaceCardForm';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';

/**
 * A customer's billing as the clerk's role may see it: the account, its cards on file in masked
 * form only, invoices, payments and the history of credits and adjustments. Opening it is a read
 * of billing data, which the core reports for the audit log. What is done for a caller (a card
 * replaced, a credit they ask for) waits, saying why, until the caller is verified (the profile's
 * CallerVerification, above the tabs).
 */
export function BillingTab({ customerId, role, verification, onVerifyFirst }: { customerId: string; role: Role; verification: VerificationState | null; onVerifyFirst: () => void }) {
  const api = useBilling(customerId);
  const status = useSyncStatus();
  const online = status?.online ?? false;
  const [replacing, setReplacing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const replaceButtons = useRef(new Map<string, HTMLButtonElement | null>());
  const focusAfterRender = useFocusAfterRender();

  if (api.error) return <Notice tone="bad">{api.error}</Notice>;
  if (!api.billing) return <div className="profile-loading" aria-busy="true" aria-label="Opening billing" />;
  const b = api.billing;
  const target = b.paymentMethods.find((m) => m.id === replacing);
  // as the operation declares it for this role and input (domain/operations.ts), and the caller is not verified now
  const callerMissing = (operation: 'paymentMethod.replaceCard' | 'billingAccount.recordAdjustment', input: Record<string, unknown> = {}) =>
    needsVerifiedCaller(OPERATIONS[operation], role, input) && verification?.verified !== true;

  const finishReplacing = (id: string, replaced: PaymentMethod | null) => {
    setReplacing(null);
    if (replaced) {
      setDone(`Card replaced: ${maskedCard(replaced)}, expires ${cardExpiry(replaced.expMonth, replaced.expYear)}. The old card is no longer on file.`);
      focusAfterRender(() => document.getElementById('card-done'));
    } else {
      focusAfterRender(() => replaceButtons.current.get(id));
    }
  };

  return (
    <div className="billing">
      <div className="billing-top">
        <div className="profile-col">
          <AccountSummary billing={b} confirmed={api.confirmed} onSave={api.updateAccount} />
          <ChangesPanel changes={b.changes} confirmed={api.confirmed} onDismiss={api.dismiss} customerId={customerId} verificationId={null} />
        </div>
        <PaymentMethodsPanel
          billing={b}
          online={online}
          replacing={replacing}
          done={done}
          callerMissing={callerMissing('paymentMethod.replaceCard')}
          onVerifyFirst={onVerifyFirst}
          onStartReplace={(id) => (setDone(null), setReplacing(id))}
          buttonRef={(id, el) => void replaceButtons.current.set(id, el)}
        />
      </div>
      {target && (
        <ReplaceCardForm
          key={target.id}
          method={target}
          online={online}
          callerMissing={callerMissing('paymentMethod.replaceCard')}
          onReplace={(card) => api.replaceCard(target.id, card)}
          onDone={(replaced) => finishReplacing(target.id, replaced)}
        />
      )}
      <InvoicesPanel invoices={b.invoices} currency={b.account?.currency} />
      <PaymentsPanel payments={b.payments} methods={b.paymentMethods} currency={b.account?.currency} />
      <AccountHistory
        adjustments={b.adjustments}
        billingAccountId={b.account?.id ?? null}
        draftKey={`${customerId}:adjustment`}
        currency={b.account?.currency}
        online={online}
        mayRecord={b.may.recordAdjustment}
        mayReverse={b.may.reverseAdjustment}
        approvalAboveCents={b.approvalAboveCents}
        callerMissing={(requestedBy) => callerMissing('billingAccount.recordAdjustment', { requestedBy })}
        onVerifyFirst={onVerifyFirst}
        onRecord={api.recordAdjustment}
        onReverse={api.reverseAdjustment}
      />
    </div>
  );
}
