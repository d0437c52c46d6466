import { useRef, useState } from 'react';
import type { BillingView } from '../../../domain/console/contract';
import { AddressLines } from '../../components/AddressLines';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import type { ConfirmedChange } from '../../hooks/useConfirmedChanges';
import { useHotkeys } from '../../hooks/useHotkeys';
import { date, money, statusTone, titleCase } from '../../format';
import { EditableField } from '../customers/EditableField';
import { AddressEditor } from '../customers/edit/AddressEditor';
import { MARK_RANK, type Mark } from '../customers/changeMarks';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { DraftKey, draftOf } from '../../hooks/useWorkspace';
import { SHORTCUTS } from '../../shortcuts';

/** The most urgent state among the changes to one field of the account. */
function markOf(path: string, billing: BillingView, confirmed: readonly ConfirmedChange[]): Mark | null {
  let mark: Mark | null = null;
  for (const c of billing.changes) if (c.fields.includes(path) && (!mark || MARK_RANK[c.status] > MARK_RANK[mark])) mark = c.status;
  return mark ?? (confirmed.some((c) => c.fields.includes(path)) ? 'confirmed' : null);
}

/** Balance, due date, status and autopay; the billing address, which a billing clerk corrects with a reason. */
export function AccountSummary({ billing, confirmed, onSave }: { billing: BillingView; confirmed: readonly ConfirmedChange[]; onSave: (changes: Record<string, unknown>, reason: string) => Promise<unknown> }) {
  const account = billing.account;
  // the correction being typed is kept by the core under the customer's key (issue 13: a lock, another tab or
  // another customer loses none of it; an erasure of the customer takes it with their other drafts)
  const draftKey = typeof account?.customerId === 'string' ? `${account.customerId}:billingAddress` : null;
  const [editing, setEditing] = useState(() => draftOf(draftKey) !== null);
  const editButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const mayEdit = billing.editablePaths.includes('billingAddress');
  useHotkeys({ [SHORTCUTS.billingAddress]: () => mayEdit && setEditing(true) });
  if (!account) {
    return (
      <Panel id="account" title="Account summary">
        <p className="muted">No billing account.</p>
      </Panel>
    );
  }
  const close = () => {
    setEditing(false);
    focusAfterRender(() => editButton.current);
  };
  return (
    <Panel id="account" title="Account summary">
      <dl className="facts billing-facts">
        <div>
          <dt>Balance</dt>
          <dd className={`money big ${(account.balanceCents ?? 0) > 0 ? 'owing' : ''}`} data-testid="balance">
            {money(account.balanceCents, account.currency)}
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>{date(account.dueDate)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <Badge tone={statusTone(account.status)}>{titleCase(account.status)}</Badge>
          </dd>
        </div>
        <div>
          <dt>Autopay</dt>
          <dd>{account.autopay ? 'On' : 'Off'}</dd>
        </div>
      </dl>
      {'billingAddress' in account && (
        <EditableField
          label="Billing address"
          mark={markOf('billingAddress', billing, confirmed)}
          edit={mayEdit ? { shortcut: SHORTCUTS.billingAddress, locked: false, onEdit: () => setEditing(true), buttonRef: editButton } : null}
          editing={editing}
          editor={
            <DraftKey.Provider value={draftKey}>
              <AddressEditor customer={account} entity="billingAccount" path="billingAddress" label="Billing address" onSave={onSave} onClose={close} />
            </DraftKey.Provider>
          }
        >
          <AddressLines value={account.billingAddress} />
        </EditableField>
      )}
    </Panel>
  );
}
