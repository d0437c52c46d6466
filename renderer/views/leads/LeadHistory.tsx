import { useQuery } from '@tanstack/react-query';
import { invoke, messageOf } from '../../api/client';
import { Notice } from '../../components/Notice';
import { dateTime, fieldLabel, phonesInText } from '../../format';
import { queryKeys } from '../../hooks/queries';

const KIND_LABELS = { create: 'Created', update: 'Changed', delete: 'Removed' } as const;

/** Who created a lead and took each step, when, and why: read from the central store on demand (an audited, online read), newest first. */
export function LeadHistory({ id, name }: { id: string; name: string }) {
  const query = useQuery({ queryKey: queryKeys.history('lead', id), queryFn: () => invoke('records.history', { entity: 'lead', id }), gcTime: 0 });
  if (query.error) return <Notice tone="bad">{messageOf(query.error)}</Notice>;
  if (!query.data)
    return (
      <p className="muted" aria-busy="true">
        Reading the history…
      </p>
    );
  const entries = [...query.data.entries].reverse();
  return (
    <ul className="change-list lead-history" aria-label={`Who and when: ${name}`}>
      {entries.map((entry, i) => (
        <li key={`${entry.at}-${i}`} className="change">
          <div className="change-line">
            <span className="change-fields">{entry.kind === 'update' && entry.fields.includes('status') ? 'Status changed' : entry.kind === 'update' ? `Changed: ${entry.fields.map(fieldLabel).join(', ')}` : KIND_LABELS[entry.kind]}</span>
            <span>by {entry.by ?? 'the central store'}</span>
            <span className="change-time">{dateTime(entry.at)}</span>
          </div>
          {entry.reason && <div className="change-reason">“{phonesInText(entry.reason)}”</div>}
        </li>
      ))}
    </ul>
  );
}
