import { useState } from 'react';
import { useController } from 'react-hook-form';
import { SHARING_PURPOSE_NAMES, SharingExportRequest, type SharingPurposeName, type SharingRecord } from '../../../domain/entities/compliance';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { SHARING_PURPOSES } from '../../../domain/sharing';
import { invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { Notice, FormRefusal } from '../../components/Notice';
import { dateTime } from '../../format';
import { useDomainForm } from '../../hooks/useDomainForm';
import { useQueue } from '../../hooks/useQueue';
import { byWhom } from './complianceLabels';
import { saveFile } from './saveFile';

/** The export being asked for, kept by the core as it is typed. */
export const SHARING_EXPORT_DRAFT = '00000000-0000-0000-0000-000000000000:sharingExport';
type Draft = { partner: string; purpose: SharingPurposeName | '' };

function exportIssues(draft: Draft): FieldIssue[] {
  const parsed = SharingExportRequest.safeParse({ ...draft, purpose: draft.purpose || undefined });
  if (parsed.success) return [];
  return issuesFromZod(parsed.error).map((issue) => (issue.field === 'purpose' && !draft.purpose ? { ...issue, message: 'choose what the partner receives the file for' } : issue));
}

const PURPOSE_OPTIONS = [{ value: '', label: 'Choose the purpose…' }, ...SHARING_PURPOSE_NAMES.map((p) => ({ value: p, label: SHARING_PURPOSES[p].label }))];
const purposeLabel = (p: string) => SHARING_PURPOSES[p as SharingPurposeName]?.label ?? p;

/**
 * Partner sharing (issue 14): the sharing register, and an export for a partner made by the central
 * store — exactly the purpose's declared columns (domain/sharing.ts) for the customers it covers,
 * those who opted out left out and counted, never a lead or an inquiry's address. The file is handed
 * to the officer to save as it arrives; this desk keeps nothing of it, only the register's entry.
 */
export function SharingView({ userId }: { userId: string }) {
  const { items, error } = useQueue('sharingRecord');
  const [made, setMade] = useState<SharingRecord | null>(null);
  const domain = useDomainForm<Draft>({ draft: SHARING_EXPORT_DRAFT, defaultValues: { partner: '', purpose: '' }, check: exportIssues, shows: (f) => f === 'partner' || f === 'purpose', refusal: 'Not exported' });
  const purpose = useController({ control: domain.control, name: 'purpose' }).field.value;

  const submit = domain.submit(async (draft) => {
    setMade(null);
    try {
      const file = await invoke('sharing.export', SharingExportRequest.parse(draft));
      saveFile(file.saveAs, file.csv, 'text/csv');
      domain.forgetDraft();
      domain.form.reset({ partner: '', purpose: '' });
      setMade(file.record);
    } catch (err) {
      domain.refused(err);
    }
  });

  return (
    <div className="queue-page sharing" role="region" aria-label="Partner sharing" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Partner sharing</h1>
          <p className="muted">Billing partners receive only the contact information their purpose needs. Customers who opted out are never in a file; leads and inquiry addresses never are.</p>
        </div>
      </header>
      <section className="queue-panel" aria-labelledby="export-title">
        <h2 id="export-title">Make an export</h2>
        <form className="sharing-form" aria-label="Export for a partner" onSubmit={submit} noValidate>
          <div className="edit-row">
            <FormTextField control={domain.control} name="partner" label="Partner" placeholder="The partner’s legal name" maxLength={200} />
            <FormSelectField control={domain.control} name="purpose" label="Purpose" options={PURPOSE_OPTIONS} />
          </div>
          {purpose && (
            <div className="purpose-facts" aria-label="What the file holds">
              <p>
                <span className="strong">Rows:</span> {SHARING_PURPOSES[purpose].covers}, except those who opted out of partner sharing.
              </p>
              <p>
                <span className="strong">Columns:</span> <span className="mono">{SHARING_PURPOSES[purpose].columns.map((c) => c.header).join(', ')}</span>
              </p>
            </div>
          )}
          <FormRefusal form={domain} />
          <div className="edit-actions">
            <Button type="submit" variant="primary" icon="download" busy={domain.busy}>
              Make the export
            </Button>
          </div>
        </form>
        {made && (
          <Notice tone="good">
            Exported for {made.partner}: {made.customerCount} customers; {made.optedOutCount} left out because they opted out. The file was handed to you to save; this desk keeps only the register entry. SHA-256 <span className="mono hash">{made.sha256}</span>
          </Notice>
        )}
      </section>
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="register-title">
        <h2 id="register-title">Sharing register ({items?.length ?? 0})</h2>
        <div className="register-scroll" role="region" aria-label="Sharing register entries" tabIndex={0}>
          <table className="table register" aria-labelledby="register-title">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Partner</th>
                <th scope="col">Purpose</th>
                <th scope="col">Columns</th>
                <th scope="col" className="num">Customers</th>
                <th scope="col" className="num">Opted out</th>
                <th scope="col">SHA-256</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {(items ?? []).map(({ record }) => (
                <tr key={record.id}>
                  <td>{dateTime(record.at)}</td>
                  <td>{String(record.partner)}</td>
                  <td>{purposeLabel(String(record.purpose))}</td>
                  <td className="mono small">{(record.fields as string[]).join(', ')}</td>
                  <td className="num">{String(record.customerCount)}</td>
                  <td className="num">{String(record.optedOutCount)}</td>
                  <td className="mono small hash">{String(record.sha256)}</td>
                  <td>{byWhom(record.exportedBy, userId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items && items.length === 0 && <p className="muted">No file has been shared yet.</p>}
        </div>
      </section>
    </div>
  );
}
