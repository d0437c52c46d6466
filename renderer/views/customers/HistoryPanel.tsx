import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { EntityName } from '../../../domain/entities';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { invoke, messageOf } from '../../api/client';
import { dateTime, fieldLabel, phonesInText } from '../../format';
import { queryKeys } from '../../hooks/queries';

const KIND_LABELS = { create: 'Created', update: 'Changed', delete: 'Removed' } as const;

/**
 * Who changed this record, when, and why: the reason each user gave, as the central store lets this
 * role see it. Asked for on demand (an online read, recorded in the audit log), newest first.
 */
export function HistoryPanel({ entity, id, title = 'History' }: { entity: EntityName; id: string; title?: string }) {
  const [shown, setShown] = useState(false);
  const query = useQuery({ queryKey: queryKeys.history(entity, id), queryFn: () => invoke('records.history', { entity, id }), enabled: shown, gcTime: 0 });
  const entries = query.data ? [...query.data.entries].reverse() : [];
  const panelId = `history-${entity}`;
  return (
    <Panel
      id={panelId}
      title={title}
      actions={
        !shown && (
          <Button variant="ghost" icon="clock" onClick={() => setShown(true)}>
            Show history
          </Button>
        )
      }
    >
      {!shown ? (
        <p className="muted">Who changed this record, when and why. Read from the central store.</p>
      ) : query.error ? (
        <Notice tone="bad">{messageOf(query.error)}</Notice>
      ) : query.isPending ? (
        <p className="muted" aria-busy="true">
          Reading the history…
        </p>
      ) : entries.length === 0 ? (
        <p className="muted">No one has changed this record since it was created.</p>
      ) : (
        <ul className="change-list" aria-label={`${title} of changes`}>
          {entries.map((entry, i) => (
            <li key={`${entry.at}-${i}`} className="change">
              <div className="change-line">
                <span className="change-fields">
                  {KIND_LABELS[entry.kind]}: {entry.fields.map(fieldLabel).join(', ')}
                </span>
                <span className="change-time">{dateTime(entry.at)}</span>
              </div>
              <div className="change-note">by {entry.by ?? 'the central store'}</div>
              {entry.reason && <div className="change-reason">“{phonesInText(entry.reason)}”</div>}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
