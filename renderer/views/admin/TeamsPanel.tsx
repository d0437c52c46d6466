import { useState } from 'react';
import { ADMIN_INPUTS, type StaffDirectory } from '../../../domain/admin';
import { Button } from '../../components/Button';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { FormRefusal, Notice } from '../../components/Notice';
import { useAdminChange } from '../../hooks/useAdmin';
import { useDomainForm } from '../../hooks/useDomainForm';
import { issuesBy } from './adminForms';

type Draft = { name: string; lead: string };
const values = (d: Draft) => ({ name: d.name, leads: d.lead ? [d.lead] : [] });

/**
 * Teams (issue 14): each led by supervisors, users put in one by the admin. A supervisor's team is
 * the scope of what they see of their team's work. A new team names its lead among the supervisors.
 */
export function TeamsPanel({ directory }: { directory: StaffDirectory }) {
  const save = useAdminChange('admin.saveTeam');
  const [saved, setSaved] = useState<string | null>(null);
  const supervisors = directory.users.filter((u) => u.role === 'supervisor' && u.status === 'active');
  const nameOf = (id: string) => directory.users.find((u) => u.id === id)?.displayName ?? id;
  const domain = useDomainForm<Draft>({
    defaultValues: { name: '', lead: '' },
    check: (d) => issuesBy(ADMIN_INPUTS.saveTeam, values(d)),
    fieldOf: (issue) => (issue.field.startsWith('leads') ? 'lead' : issue.field),
    shows: (field) => field === 'name' || field === 'lead',
    refusal: 'Not saved',
  });
  const submit = domain.submit(async (d) => {
    try {
      const { team } = await save(values(d));
      setSaved(team.name);
      domain.form.reset({ name: '', lead: '' });
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <section className="queue-panel" aria-labelledby="teams-title">
      <h2 id="teams-title">Teams ({directory.teams.length})</h2>
      <table className="table admin-table">
        <caption className="sr-only">Teams, their leads and members</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Led by</th>
            <th scope="col">Members</th>
          </tr>
        </thead>
        <tbody>
          {directory.teams.map((team) => (
            <tr key={team.id}>
              <th scope="row">{team.name}</th>
              <td>{team.leads.map(nameOf).join(', ') || <span className="muted">no lead</span>}</td>
              <td>{directory.users.filter((u) => u.teamId === team.id).length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {saved && <Notice tone="good">Team {saved} saved.</Notice>}
      <form className="admin-form" aria-label="New team" onSubmit={submit} noValidate>
        <div className="edit-row">
          <FormTextField control={domain.control} name="name" label="New team's name" autoComplete="off" />
          <FormSelectField control={domain.control} name="lead" label="Led by" options={[{ value: '', label: 'No lead yet' }, ...supervisors.map((s) => ({ value: s.id, label: s.displayName }))]} />
          <Button type="submit" icon="plus" busy={domain.busy} className="admin-inline-submit">
            Add team
          </Button>
        </div>
        <FormRefusal form={domain} />
      </form>
    </section>
  );
}
