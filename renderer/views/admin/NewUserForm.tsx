import { ADMIN_INPUTS, type Team } from '../../../domain/admin';
import type { User } from '../../../domain/entities';
import type { Role } from '../../../domain/roles';
import { Button } from '../../components/Button';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useAdminChange } from '../../hooks/useAdmin';
import { useDomainForm } from '../../hooks/useDomainForm';
import { closeOnEscape } from '../../hooks/useHotkeys';
import { issuesBy, ROLE_OPTIONS } from './adminForms';

type Draft = { username: string; displayName: string; role: Role; teamId: string };
const values = (d: Draft) => ({ ...d, teamId: d.teamId || null });

/**
 * A new staff account (admin.createUser): username, name, role and team, checked by the operation's
 * own input schema; the central store makes a one-time password, shown once to hand over.
 */
export function NewUserForm({ teams, onDone }: { teams: readonly Team[]; onDone: (made: { user: User; temporaryPassword: string } | null) => void }) {
  const create = useAdminChange('admin.createUser');
  const domain = useDomainForm<Draft>({
    defaultValues: { username: '', displayName: '', role: 'care_rep', teamId: '' },
    check: (d) => issuesBy(ADMIN_INPUTS.createUser, values(d)),
    shows: (field) => ['username', 'displayName', 'role', 'teamId'].includes(field),
    refusal: 'Not created',
  });
  const submit = domain.submit(async (d) => {
    try {
      onDone(await create(values(d)));
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <form className="admin-form" aria-label="New user" onSubmit={submit} onKeyDown={closeOnEscape(() => onDone(null))} noValidate>
      <div className="edit-row">
        <FormTextField control={domain.control} name="username" label="Username" autoComplete="off" spellCheck={false} />
        <FormTextField control={domain.control} name="displayName" label="Full name" autoComplete="off" />
      </div>
      <div className="edit-row">
        <FormSelectField control={domain.control} name="role" label="Role" options={ROLE_OPTIONS} />
        <FormSelectField control={domain.control} name="teamId" label="Team" options={[{ value: '', label: 'No team' }, ...teams.map((t) => ({ value: t.id, label: t.name }))]} />
      </div>
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" busy={domain.busy}>
          Create account
        </Button>
        <Button variant="ghost" onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
