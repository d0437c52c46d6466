import { useEffect, useRef, useState } from 'react';
import type { ConflictView } from '../../../domain/console/contract';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { useConflicts } from '../../hooks/useConflicts';
import { dateTime, fieldLabel, fieldValue } from '../../format';

/**
 * Conflicts from the field-level merge (DESIGN §5): someone changed a field after the rep saw it.
 * Each shows the field, the rep's value, the current value and who changed it; the rep keeps
 * theirs or applies their own. Nothing is dropped without the rep choosing.
 */
export function ConflictsView() {
  const { conflicts, error, resolve } = useConflicts();
  const [message, setMessage] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [resolved, setResolved] = useState(0);

  // after a choice, the focus goes to the next conflict (or the heading when none is left)
  useEffect(() => {
    if (resolved) (document.querySelector<HTMLButtonElement>('.conflict-actions button') ?? headingRef.current)?.focus();
  }, [resolved]);

  async function choose(conflict: ConflictView, keep: 'mine' | 'theirs') {
    try {
      const rest = await resolve(conflict, keep);
      setMessage({ tone: 'good', text: `${fieldLabel(conflict.field)} of ${conflict.customerName}: ${keep === 'mine' ? 'your value is being applied' : 'the current value is kept'}. ${rest.length ? `${rest.length} left.` : 'No conflicts left.'}` });
      setResolved((n) => n + 1);
    } catch (err) {
      setMessage({ tone: 'bad', text: messageOf(err) });
    }
  }

  return (
    <div className="conflicts">
      <header className="view-header">
        <h1 ref={headingRef} tabIndex={-1}>
          Conflicts
        </h1>
        <p className="muted">A field you changed was changed by someone else before your change arrived. Choose which value the customer's record keeps.</p>
      </header>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {error && <Notice tone="bad">{error}</Notice>}
      {conflicts && conflicts.length === 0 && (
        <div className="empty-state small">
          <Icon name="check" size={24} />
          <p>No conflicts. Every change you made has been applied or is on its way.</p>
        </div>
      )}
      {conflicts && conflicts.length > 0 && (
        <table className="table conflict-table">
          <caption className="sr-only">Unresolved conflicts</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Field</th>
              <th scope="col">Your value</th>
              <th scope="col">Current value</th>
              <th scope="col">Changed by</th>
              <th scope="col">
                <span className="sr-only">Resolve</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((c) => (
              <tr key={`${c.mutationId}:${c.field}`}>
                <td className="strong">{c.customerName}</td>
                <td>
                  <div>{fieldLabel(c.field)}</div>
                  <div className="small muted">was {fieldValue(c.field, c.base)}</div>
                </td>
                <td className="value-mine">{fieldValue(c.field, c.mine)}</td>
                <td className="value-theirs">{fieldValue(c.field, c.theirs)}</td>
                <td>
                  <div>{c.changedBy ?? 'unknown'}</div>
                  <div className="small muted">{dateTime(c.changedAt)}</div>
                </td>
                <td className="conflict-actions">
                  <Button onClick={() => void choose(c, 'theirs')} aria-label={`Keep current ${fieldLabel(c.field).toLowerCase()} of ${c.customerName}`}>
                    Keep current
                  </Button>
                  <Button variant="primary" onClick={() => void choose(c, 'mine')} aria-label={`Apply mine to ${fieldLabel(c.field).toLowerCase()} of ${c.customerName}`}>
                    Apply mine
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
