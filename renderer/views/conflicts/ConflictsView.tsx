import { useEffect, useRef, useState } from 'react';
import type { ConflictView } from '../../../domain/console/contract';
import { messageOf } from '../../api/client';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { useConflicts } from '../../hooks/useConflicts';
import { fieldLabel } from '../../format';
import type { CustomerToOpen } from '../../navigation';
import { ConflictCard, type Keep } from './ConflictCard';

/**
 * Conflicts from the field-level merge (DESIGN §5): someone changed a field after the rep saw it.
 * Each shows both values side by side with who changed each, when and why; the rep picks one and
 * confirms it, and nothing is picked for them. Nothing is dropped without the rep choosing.
 */
export function ConflictsView({ onOpenCustomer }: { onOpenCustomer: (customer: CustomerToOpen) => void }) {
  const { conflicts, error, resolve } = useConflicts();
  const [message, setMessage] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [resolved, setResolved] = useState(0);

  // after a choice, the focus goes to the next conflict's choice (or the heading when none is left)
  useEffect(() => {
    if (resolved) (document.querySelector<HTMLInputElement>('.conflict-card input[type="radio"]') ?? headingRef.current)?.focus();
  }, [resolved]);

  async function choose(conflict: ConflictView, keep: Keep) {
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
        <p className="muted">A field you changed was changed by someone else before your change arrived. Compare the two changes and choose which value the customer’s record keeps.</p>
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
        <ol className="conflict-list" aria-label="Unresolved conflicts">
          {conflicts.map((c) => (
            <ConflictCard key={`${c.mutationId}:${c.field}`} conflict={c} onChoose={(keep) => choose(c, keep)} onOpenCustomer={onOpenCustomer} />
          ))}
        </ol>
      )}
    </div>
  );
}
