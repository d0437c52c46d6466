import { useId } from 'react';
import type { ServiceLineListing } from '../../../domain/console/contract';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { address, dateTime, phone } from '../../format';
import { lineStatus } from './lineLabels';

export type LineEntry = ServiceLineListing['lines'][number];

/**
 * One service line as network operations work with it: the number, its status and plan, where
 * dispatchers are sent (and the store's E911 review flag, since when), and its customer as the
 * policy lets them see one: the name, the phones and the service address.
 */
export function LineCard({ entry, onEdit, action }: { entry: LineEntry; onEdit: () => void; action: string }) {
  const { line, customer } = entry;
  const numberId = useId();
  const status = lineStatus(line.status);
  return (
    <li className="approval line-card" aria-labelledby={numberId}>
      <div className="change-line">
        <span id={numberId} className="strong mono">
          {phone(line.number)}
        </span>
        <Badge tone={status.tone}>{status.label}</Badge>
        <span className="muted">{line.plan ?? '—'}</span>
        {line.e911Review && (
          <Badge tone="warn" icon="alert">
            E911 review since {dateTime(line.e911Review.since)}
          </Badge>
        )}
        <Button icon="pencil" className="line-action" onClick={onEdit} aria-label={`${action} ${phone(line.number)}`}>
          {action}
        </Button>
      </div>
      <dl className="line-facts">
        <div>
          <dt>Customer</dt>
          <dd>
            {customer ? (
              <span className="strong">{customer.name}</span>
            ) : (
              'Not on this desk'
            )}
          </dd>
        </div>
        <div>
          <dt>Phones</dt>
          <dd className="mono">{customer?.phones.map((p) => phone(p.number)).join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Service address</dt>
          <dd>{customer?.serviceAddress ? address(customer.serviceAddress) : '—'}</dd>
        </div>
        <div>
          <dt>E911 address</dt>
          <dd className={line.e911Review ? 'line-flagged' : undefined}>{address(line.e911Address)}</dd>
        </div>
      </dl>
    </li>
  );
}
