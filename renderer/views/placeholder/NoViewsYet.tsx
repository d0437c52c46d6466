import type { Role } from '../../../domain/roles';
import { ROLE_LABELS } from '../../../domain/roles';

/** A role whose views are not built yet sees that plainly, and nothing it may not see. */
export function NoViewsYet({ role }: { role: Role }) {
  return (
    <div className="empty-state">
      <h1>Nothing to show yet</h1>
      <p>The {ROLE_LABELS[role].toLowerCase()} views arrive in a later release of CareDesk.</p>
    </div>
  );
}
