import type { CustomerProfile } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { date, money, statusTone, titleCase } from '../../format';

/** The billing summary this role may read (balance, due date, status); payment data never reaches a care rep. */
export function BillingPanel({ billing }: { billing: CustomerProfile['billing'] }) {
  return (
    <Panel id="billing" title="Billing summary">
      {!billing ? (
        <p className="muted">No billing account.</p>
      ) : (
        <dl className="facts">
          {'balanceCents' in billing && (
            <div>
              <dt>Balance</dt>
              <dd className={`money ${(billing.balanceCents ?? 0) > 0 ? 'owing' : ''}`}>{money(billing.balanceCents, billing.currency)}</dd>
            </div>
          )}
          {'dueDate' in billing && (
            <div>
              <dt>Due</dt>
              <dd>{date(billing.dueDate)}</dd>
            </div>
          )}
          {'status' in billing && (
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={statusTone(billing.status)}>{titleCase(billing.status)}</Badge>
              </dd>
            </div>
          )}
          {'autopay' in billing && (
            <div>
              <dt>Autopay</dt>
              <dd>{billing.autopay ? 'On' : 'Off'}</dd>
            </div>
          )}
        </dl>
      )}
    </Panel>
  );
}
