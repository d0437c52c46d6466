import { useQuery } from '@tanstack/react-query';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Notice } from '../../components/Notice';
import { ERASURE_SCOPE_LABELS } from '../../../domain/erasure';
import { dateTime } from '../../format';

/**
 * An erasure's certificate (issue 11), read from the central store: what was erased (record ids,
 * entities, fields, categories), what was kept and on which legal basis, who filed and approved, when,
 * and each desk's confirmation that it purged the customer. Never a value.
 */
const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

export function CertificateView({ requestId }: { requestId: string }) {
  const query = useQuery({ queryKey: ['erasure.certificate', requestId], queryFn: () => invoke('erasure.certificate', { requestId }), gcTime: 0 });
  if (query.error) return <Notice tone="bad">{messageOf(query.error)}</Notice>;
  const c = query.data;
  if (!c) return <p className="muted" aria-busy="true">Reading the certificate…</p>;
  const pending = c.desks.filter((d) => !d.confirmedAt).length;
  return (
    <section className="certificate" aria-label="Erasure certificate">
      <h3>Erasure certificate</h3>
      <dl className="certificate-facts">
        <dt>Request</dt>
        <dd className="mono">{c.requestId}</dd>
        <dt>Customer</dt>
        <dd className="mono">{c.customerId}</dd>
        <dt>Scope</dt>
        <dd>{ERASURE_SCOPE_LABELS[c.scope].label}</dd>
        <dt>Filed</dt>
        <dd>
          {c.filedBy ?? '—'}, {dateTime(c.filedAt)}
        </dd>
        <dt>Approved</dt>
        <dd>
          {c.approvedBy}, erased {dateTime(c.completedAt)}
        </dd>
      </dl>
      <h4>Erased ({records(c.erased.length)})</h4>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Record</th>
            <th scope="col">Fields</th>
          </tr>
        </thead>
        <tbody>
          {c.erased.map((r) => (
            <tr key={`${r.entity}:${r.id}`}>
              <td>{r.category}</td>
              <td className="mono small">
                {r.entity} {r.id.slice(0, 8)}
              </td>
              <td className="small">{r.fields.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>
        {c.scope === 'account' ? 'Kept, out of every view' : 'Kept for the service'} ({records(c.retained.length)})
      </h4>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Fields</th>
            <th scope="col">Legal basis</th>
            <th scope="col">Until</th>
          </tr>
        </thead>
        <tbody>
          {c.retained.map((r) => (
            <tr key={`${r.entity}:${r.id}`}>
              <td>
                {r.category} <span className="mono small">{r.id.slice(0, 8)}</span>
              </td>
              <td className="small">{r.fields.join(', ')}</td>
              <td className="small">{r.basis}</td>
              <td className="small">{r.retainUntil?.slice(0, 10) ?? 'While the account is open'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Desks {pending ? `(${pending} still to confirm)` : '(all confirmed)'}</h4>
      <ul className="change-list">
        {c.desks.map((d) => (
          <li key={d.device} className="change change-line">
            <span className="strong">{d.device}</span>
            {d.confirmedAt ? <Badge tone="good">Purged {dateTime(d.confirmedAt)}</Badge> : <Badge tone="warn">Not yet confirmed</Badge>}
          </li>
        ))}
      </ul>
    </section>
  );
}
