import { useQuery } from '@tanstack/react-query';
import { invoke, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';

/**
 * Whether the audit trail still holds (issue 16), as the central store finds it when the view opens:
 * the hash chain, held against the checkpoints the store signed and wrote outside its database. A
 * fault — rows cut from the end, a row edited or the chain rebuilt, a checkpoint not the store's —
 * is an alert the compliance officer hears at once. Shown to the roles `audit.integrity` declares.
 */
export function AuditIntegrityNotice() {
  const check = useQuery({ queryKey: ['audit', 'integrity'], queryFn: () => invoke('audit.integrity', {}), gcTime: 0 });
  const again = (
    <Button variant="ghost" icon="undo" onClick={() => void check.refetch()} disabled={check.isFetching}>
      {check.isFetching ? 'Checking…' : 'Check again'}
    </Button>
  );
  if (check.error) {
    return (
      <Notice tone="warn">
        The trail was not checked against its signed checkpoints: {messageOf(check.error)} {again}
      </Notice>
    );
  }
  const result = check.data;
  if (!result) {
    return <Notice>Checking the trail against its signed checkpoints…</Notice>;
  }
  if (!result.ok) {
    return (
      <Notice tone="bad" assertive>
        <strong>The audit trail does not hold</strong> (checked {dateTime(result.checkedAt)}). Keep the checkpoint file and the database's backups as they are, and tell your security team:
        <ul className="audit-integrity-problems" aria-label="What the checkpoints show">
          {result.problems.map((p, i) => (
            <li key={i}>
              {p.message} <code className="rule">{p.rule}</code>
            </li>
          ))}
        </ul>
        {again}
      </Notice>
    );
  }
  return (
    <Notice tone="good">
      The trail holds: {result.rows.toLocaleString()} rows, checked {dateTime(result.checkedAt)} against {result.checkpoints} signed checkpoint{result.checkpoints === 1 ? '' : 's'}
      {result.latest ? `; the newest signs row ${result.latest.seq.toLocaleString()} (${dateTime(result.latest.at)}), rows after it are protected by the chain alone until the next` : ''}. {again}
    </Notice>
  );
}
