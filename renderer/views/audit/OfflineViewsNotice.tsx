import { useQuery } from '@tanstack/react-query';
import { ROLE_LABELS } from '../../../domain/roles';
import { viewChainFaultOf } from '../../../domain/sync/viewChain';
import { invoke, messageOf } from '../../api/client';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';

/**
 * Desks whose offline views do not hold (issue 16, item 2): each fault the central store found in a
 * desk's chain of offline reads once the desk had reported a signed head — a read missing, one
 * altered, the chain rebuilt, an old head sent again, a head not signed by the desk — read from the
 * log (`offline_views.chain_broken`) and put where the compliance officer cannot miss it. Nothing is
 * shown while there is none. Views a desk never reported cannot be told here (the residual risk the
 * maximum offline age bounds).
 */
export function OfflineViewsNotice() {
  const faults = useQuery({ queryKey: ['audit', 'offline-views'], queryFn: () => invoke('audit.search', { action: 'offline_views.chain_broken', limit: 20 }), gcTime: 0 });
  if (faults.error) return <Notice tone="warn">Whether desks withheld offline views was not read: {messageOf(faults.error)}</Notice>;
  const rows = faults.data?.rows ?? [];
  if (!rows.length) return null;
  return (
    <Notice tone="bad" assertive>
      <strong>Offline views withheld or altered on a desk</strong>: what {rows.length === 1 ? 'a desk' : 'desks'} sent of the views and searches made on {rows.length === 1 ? 'it' : 'them'} does not match the
      signed count {rows.length === 1 ? 'it' : 'they'} reported before. The views that arrived are in the log below; those withheld are not. Keep the desk as it is and tell your security team:
      <ul className="audit-integrity-problems" aria-label="Faults in the desks' offline views">
        {rows.map((row) => {
          const fault = row.detail ? viewChainFaultOf(row.detail) : null;
          return (
            <li key={row.seq}>
              {dateTime(row.at)}, {row.user ? `${row.user.name}${row.user.role ? ` (${ROLE_LABELS[row.user.role]})` : ''}` : 'a desk'}
              {row.deviceId ? ` on desk ${row.deviceId.slice(0, 8)}` : ''}: {fault?.message ?? row.detail ?? 'no detail'} {fault && <code className="rule">{fault.rule}</code>}
            </li>
          );
        })}
      </ul>
    </Notice>
  );
}
