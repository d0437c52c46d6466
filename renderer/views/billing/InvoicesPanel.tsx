import { Fragment, useMemo, useState } from 'react';
import type { BillingView } from '../../../domain/console/contract';
import { INVOICE_STATUSES } from '../../../domain/entities/billing';
import { Badge } from '../../components/Badge';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { SelectField } from '../../components/SelectField';
import { date, money, periodMonth, phonesInText, statusTone, titleCase } from '../../format';

type Invoice = BillingView['invoices'][number];

/** Invoices, newest first, filtered by status and by billing period; each opens to its lines. Amounts in the account's currency. */
export function InvoicesPanel({ invoices, currency }: { invoices: Invoice[]; currency: string | undefined }) {
  const [status, setStatus] = useState('');
  const [period, setPeriod] = useState('');
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const periods = useMemo(() => [...new Set(invoices.map((i) => String(i.periodStart ?? '').slice(0, 7)).filter(Boolean))].sort().reverse(), [invoices]);
  const shown = invoices.filter((i) => (!status || i.status === status) && (!period || String(i.periodStart ?? '').startsWith(period)));
  const toggle = (id: string) => setOpen((o) => (o.has(id) ? new Set([...o].filter((x) => x !== id)) : new Set(o).add(id)));

  const filters = (
    <div className="table-filters">
      <SelectField label="Status" value={status} onValue={setStatus} options={[{ value: '', label: 'All statuses' }, ...INVOICE_STATUSES.map((s) => ({ value: s, label: titleCase(s) }))]} />
      <SelectField label="Period" value={period} onValue={setPeriod} options={[{ value: '', label: 'All periods' }, ...periods.map((p) => ({ value: p, label: periodMonth(`${p}-01`) }))]} />
    </div>
  );

  return (
    <Panel id="invoices" title={`Invoices (${invoices.length})`} actions={filters}>
      <p className="table-count" role="status">
        {shown.length === invoices.length ? `All ${invoices.length} invoices` : `${shown.length} of ${invoices.length} invoices`}
      </p>
      {shown.length === 0 ? (
        <p className="muted">No invoice matches these filters.</p>
      ) : (
        <table className="table invoice-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Lines</span>
              </th>
              <th scope="col">Invoice</th>
              <th scope="col">Period</th>
              <th scope="col" className="wide-only">
                Issued
              </th>
              <th scope="col">Due</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((invoice) => {
              const expanded = open.has(invoice.id);
              return (
                <Fragment key={invoice.id}>
                  <tr className={expanded ? 'is-expanded' : undefined}>
                    <td className="expander">
                      <button type="button" className="btn btn-ghost icon-only" aria-expanded={expanded} aria-controls={`lines-${invoice.id}`} onClick={() => toggle(invoice.id)}>
                        <Icon name={expanded ? 'chevronDown' : 'chevronRight'} size={15} />
                        <span className="sr-only">Lines of invoice {invoice.number}</span>
                      </button>
                    </td>
                    <td className="mono nowrap">{invoice.number}</td>
                    <td className="period">
                      {date(invoice.periodStart)} – {date(invoice.periodEnd)}
                    </td>
                    <td className="nowrap wide-only">{date(invoice.issuedAt)}</td>
                    <td className="nowrap">{date(invoice.dueDate)}</td>
                    <td className="num money">{money(invoice.amountCents, currency)}</td>
                    <td>
                      <Badge tone={statusTone(invoice.status)}>{titleCase(invoice.status)}</Badge>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="invoice-lines-row" id={`lines-${invoice.id}`}>
                      <td />
                      <td colSpan={6}>
                        <table className="table invoice-lines">
                          <caption className="sr-only">Lines of invoice {invoice.number}</caption>
                          <thead>
                            <tr>
                              <th scope="col">Description</th>
                              <th scope="col" className="num">
                                Amount
                              </th>
                            </tr>
                          </thead>
                          <tbody>
                            {(invoice.lines ?? []).map((line, i) => (
                              <tr key={i}>
                                <td>{phonesInText(line.description ?? '')}</td>
                                <td className="num money">{money(line.amountCents, currency)}</td>
                              </tr>
                            ))}
                            <tr className="total">
                              <td>Total</td>
                              <td className="num money">{money(invoice.amountCents, currency)}</td>
                            </tr>
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
