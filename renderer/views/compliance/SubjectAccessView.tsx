import { useState, type FormEvent } from 'react';
import type { SearchHit } from '../../../domain/console/contract';
import { DISCLOSABLE_FIELDS, LEGAL_BASIS_RULES } from '../../../domain/disclosure';
import type { AuditAction } from '../../../domain/entities/audit';
import type { DisclosableFieldName, SubjectAccessResult } from '../../../domain/entities/compliance';
import type { FieldIssue } from '../../../domain/errors';
import { ROLE_LABELS, type Role } from '../../../domain/roles';
import { invoke, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { date, dateTime } from '../../format';
import { AUDIT_ACTION_LABELS } from '../audit/auditLabels';
import { CustomerPicker } from '../holds/CustomerPicker';
import { saveFile } from './saveFile';

/** How many of the changes and accesses the view lists; the file holds them all. */
const SHOWN = 15;

/**
 * A subject access report (issue 14): the customer found with the console's search; the central
 * store makes the report (everything held about them, each change and access by role, the third
 * parties of disclosures not under a non-disclosure order) as an audited export. The view shows it
 * and the officer saves the file; the desk keeps nothing of it.
 */
export function SubjectAccessView() {
  const [customer, setCustomer] = useState<SearchHit | null>(null);
  const [issue, setIssue] = useState<FieldIssue | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [result, setResult] = useState<{ name: string; file: SubjectAccessResult } | null>(null);

  const make = async (event: FormEvent) => {
    event.preventDefault();
    setRefusal(null);
    if (!customer) return setIssue({ field: 'customerId', rule: 'required', message: 'pick the customer the report is for' });
    setBusy(true);
    try {
      setResult({ name: customer.name, file: await invoke('subjectAccess.report', { customerId: customer.id }) });
    } catch (err) {
      setRefusal(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="queue-page subject-access" role="region" aria-label="Subject access" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Subject access</h1>
          <p className="muted">What the provider holds about a customer and who received it, for the customer who asks. Disclosures under a non-disclosure order are left out, without a trace.</p>
        </div>
      </header>
      <section className="queue-panel" aria-labelledby="report-title">
        <h2 id="report-title">Make a report</h2>
        <form className="subject-form" aria-label="Make a subject access report" onSubmit={(e) => void make(e)} noValidate>
          <CustomerPicker label="Customer" picked={customer} onPick={(hit) => (setCustomer(hit), setIssue(undefined), setResult(null))} issue={issue} />
          {refusal && (
            <Notice tone="bad" assertive>
              Not made: {refusal}
            </Notice>
          )}
          <div className="edit-actions">
            <Button type="submit" variant="primary" icon="fileText" busy={busy}>
              Make the report
            </Button>
          </div>
        </form>
      </section>
      {result && <Report name={result.name} file={result.file} />}
    </div>
  );
}

function Report({ name, file }: { name: string; file: SubjectAccessResult }) {
  const { report } = file;
  const byEntity = Object.entries(report.records.reduce<Record<string, number>>((n, r) => ({ ...n, [r.entity]: (n[r.entity] ?? 0) + 1 }), {}));
  return (
    <section className="queue-panel report" aria-labelledby="report-of">
      <header className="report-header">
        <div>
          <h2 id="report-of">Report for {name}</h2>
          <p className="muted">
            Made {dateTime(report.generatedAt)}; recorded in the audit log with its SHA-256 <span className="mono hash">{file.sha256}</span>
          </p>
        </div>
        <Button variant="primary" icon="download" onClick={() => saveFile(file.saveAs, file.file, 'application/json')}>
          Save the report
        </Button>
      </header>
      <div className="report-grid">
        <section aria-labelledby="held-title">
          <h3 id="held-title">Records held ({report.records.length})</h3>
          <ul className="plain-list">
            {byEntity.map(([entity, count]) => (
              <li key={entity}>
                {entity}: {count}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="recipients-title">
          <h3 id="recipients-title">Recipients by role</h3>
          {report.recipients.length === 0 && <p className="muted">No staff access is recorded.</p>}
          <table className="table register" aria-labelledby="recipients-title" hidden={report.recipients.length === 0}>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col" className="num">Views</th>
                <th scope="col" className="num">Changes</th>
              </tr>
            </thead>
            <tbody>
              {report.recipients.map((r) => (
                <tr key={r.role}>
                  <td>{ROLE_LABELS[r.role as Role] ?? r.role}</td>
                  <td className="num">{r.viewed}</td>
                  <td className="num">{r.changed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="third-title">
          <h3 id="third-title">Disclosed to third parties ({report.disclosures.length})</h3>
          {report.disclosures.length === 0 && <p className="muted">None.</p>}
          <ul className="plain-list">
            {report.disclosures.map((d, i) => (
              <li key={i}>
                <span className="strong">{d.requester}</span>, {LEGAL_BASIS_RULES[d.legalBasis].label.toLowerCase()}, {date(d.approvedAt)}: {d.fieldsDisclosed.map((f) => DISCLOSABLE_FIELDS[f as DisclosableFieldName]?.label ?? f).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section aria-labelledby="accesses-title">
        <h3 id="accesses-title">Accesses and changes ({report.accesses.length})</h3>
        {report.accesses.length === 0 && <p className="muted">No access is recorded.</p>}
        <table className="table register" aria-labelledby="accesses-title" hidden={report.accesses.length === 0}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Record</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {report.accesses
              .slice(-SHOWN)
              .reverse()
              .map((a, i) => (
                <tr key={i}>
                  <td>{dateTime(a.at)}</td>
                  <td>
                    {AUDIT_ACTION_LABELS[a.action as AuditAction] ?? a.action}
                    {a.outcome !== 'ok' && <span className="muted"> ({a.outcome})</span>}
                  </td>
                  <td>{a.entity ?? '—'}</td>
                  <td>{a.role ? (ROLE_LABELS[a.role as Role] ?? a.role) : 'The central store'}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {report.accesses.length > SHOWN && <p className="muted">The latest {SHOWN} are shown; the saved file holds all {report.accesses.length}, and {report.changes.length} changes.</p>}
      </section>
    </section>
  );
}
