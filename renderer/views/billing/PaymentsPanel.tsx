import type { BillingView } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { date, maskedCard, money, statusTone, titleCase } from '../../format';

/** Payments, newest first, with the card each was taken from (masked) and why a failed one failed. */
export function PaymentsPanel({ payments, methods, currency }: { payments: BillingView['payments']; methods: BillingView['paymentMethods']; currency: string | undefined }) {
  const methodOf = (id: unknown) => methods.find((m) => m.id === id);
  return (
    <Panel id="payments" title={`Payments (${payments.length})`}>
      {payments.length === 0 ? (
        <p className="muted">No payments yet.</p>
      ) : (
        <table className="table payment-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Card</th>
              <th scope="col">Status</th>
              <th scope="col">Failure reason</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((p) => (
              <tr key={p.id} className={p.status === 'failed' ? 'is-failed' : undefined}>
                <td className="nowrap">{date(p.at)}</td>
                <td className="num money">{money(p.amountCents, currency)}</td>
                <td className="nowrap">
                  <PaymentCard payment={p} onFile={methodOf(p.paymentMethodId)} />
                </td>
                <td>
                  <Badge tone={statusTone(p.status)}>{titleCase(p.status)}</Badge>
                </td>
                <td className={p.failureReason ? 'failure' : 'muted'}>{p.failureReason ? titleCase(p.failureReason) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** The card a payment used, as kept with it; said to be replaced once it is no longer on file. */
function PaymentCard({ payment, onFile }: { payment: BillingView['payments'][number]; onFile: BillingView['paymentMethods'][number] | undefined }) {
  if (!payment.paymentMethodId && !payment.card) return <>—</>;
  const used = payment.card ?? onFile;
  if (!used) return <span className="card-gone">{maskedCard(undefined)}</span>;
  return (
    <>
      {maskedCard(used)}
      {!onFile && <span className="card-gone"> (since replaced)</span>}
    </>
  );
}
