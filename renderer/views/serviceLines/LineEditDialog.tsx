import { useState } from 'react';
import { mayPerform } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { address, dateTime, phone } from '../../format';
import type { LineEntry } from './LineCard';
import { E911Form, PlanForm, StatusForm, type Done } from './LineChangeForms';
import { lineStatus } from './lineLabels';

export type LineChange = 'plan' | 'status' | 'e911';
const CHANGES: { change: LineChange; label: string; operation: 'serviceLine.changePlan' | 'serviceLine.setStatus' | 'serviceLine.setE911Address' }[] = [
  { change: 'plan', label: 'Plan', operation: 'serviceLine.changePlan' },
  { change: 'status', label: 'Status', operation: 'serviceLine.setStatus' },
  { change: 'e911', label: 'E911 address', operation: 'serviceLine.setE911Address' },
];

/**
 * A line opened for a change (issue 14): what it is and whose, then one change at a time — its plan,
 * its status or its E911 address — each an online operation sent with the value this desk shows, so
 * that the central store refuses it as a conflict if someone changed the line since. The choices are
 * the operations the role performs (domain/operations.ts).
 */
export function LineEditDialog({ entry, role, start, onClose, onDone }: { entry: LineEntry; role: Role; start: LineChange; onClose: () => void; onDone: Done }) {
  const { line, customer } = entry;
  const offered = CHANGES.filter((c) => mayPerform(c.operation, role));
  const [change, setChange] = useState<LineChange>(offered.some((c) => c.change === start) ? start : (offered[0]?.change ?? start));
  const status = lineStatus(line.status);
  return (
    <Dialog title={`Line ${phone(line.number)}`} className="line-dialog" onClose={onClose}>
      <dl className="line-facts line-summary">
        <div>
          <dt>Customer</dt>
          <dd>{customer?.name ?? 'Not on this desk'}</dd>
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
          <dt>Now</dt>
          <dd>
            <Badge tone={status.tone}>{status.label}</Badge> {line.plan ?? '—'}
          </dd>
        </div>
        <div>
          <dt>E911 address</dt>
          <dd>
            {address(line.e911Address)}
            {line.e911Review && <span className="muted small"> · flagged since {dateTime(line.e911Review.since)}: the service address changed</span>}
          </dd>
        </div>
      </dl>
      <div className="line-choices" role="group" aria-label="What to change">
        {offered.map((c) => (
          <Button key={c.change} variant={c.change === change ? 'primary' : 'secondary'} aria-pressed={c.change === change} onClick={() => setChange(c.change)}>
            {c.label}
          </Button>
        ))}
      </div>
      {change === 'plan' && <PlanForm key="plan" line={line} onDone={onDone} onCancel={onClose} />}
      {change === 'status' && <StatusForm key="status" line={line} role={role} onDone={onDone} onCancel={onClose} />}
      {change === 'e911' && <E911Form key="e911" entry={entry} onDone={onDone} onCancel={onClose} />}
    </Dialog>
  );
}
