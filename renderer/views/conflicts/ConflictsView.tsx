import { useEffect, useRef, useState } from 'react';
import type { ConflictView } from '../../../domain/console/contract';
import { ESCALATING_ROLES } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
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
 * confirms it, and nothing is picked for them. Nothing is dropped without the rep choosing. A rep
 * who cannot tell may ask a supervisor instead, with a note: the central store holds their value
 * for the supervisor's approvals queue, and the queued-edits list shows it held until decided.
 */
export function ConflictsView({ role, onOpenCustomer }: { role: Role; onOpenCustomer: (customer: CustomerToOpen) => void }) {
  const { conflicts, error, resolve, escalate } = useConflicts();
  const mayEscalate = ESCALATING_ROLES.includes(role);
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

  /** a refusal is thrown back to the card, which shows it under the note */
  async function askSupervisor(conflict: ConflictView, note: string) {
    const rest = await escalate(conflict, note);
    setMessage({ tone: 'good', text: `${fieldLabel(conflict.field)} of ${conflict.customerName}: sent to a supervisor, who decides which value stays. ${rest.length ? `${rest.length} left.` : 'No conflicts left.'}` });
    setResolved((n) => n + 1);
  }

  return (
    <div className="conflicts">
      <header className="view-header">
        <h1 ref={headingRef} tabIndex={-1}>
          Conflicts
        </h1>
        <p className="muted">A field you changed was changed by someone else before your change arrived. Compare the two changes and choose which value the customer’s record keeps{mayEscalate ? ', or ask a supervisor to decide' : ''}.</p>
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
            <ConflictCard key={`${c.mutationId}:${c.field}`} conflict={c} onChoose={(keep) => choose(c, keep)} onEscalate={mayEscalate ? (note) => askSupervisor(c, note) : undefined} onOpenCustomer={onOpenCustomer} />
          ))}
        </ol>
      )}
    </div>
  );
}
