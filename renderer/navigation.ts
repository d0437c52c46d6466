import { performers } from '../domain/operations';
import { visibleEntities } from '../domain/policy/fieldPolicy';
import type { Role } from '../domain/roles';
import type { IconName } from './components/Icon';

/**
 * The console's navigation, built per role from the start: each role sees the views of its work.
 * Views of other roles come in later releases; until then they see what is built for them.
 */
export type ViewId = 'customers' | 'conflicts' | 'approvals';

export interface NavItem {
  view: ViewId;
  label: string;
  icon: IconName;
  shortcut: string;
}

const CUSTOMERS: NavItem = { view: 'customers', label: 'Customers', icon: 'users', shortcut: 'Alt+1' };
const CONFLICTS: NavItem = { view: 'conflicts', label: 'Conflicts', icon: 'split', shortcut: 'Alt+2' };
const APPROVALS: NavItem = { view: 'approvals', label: 'Approvals', icon: 'shieldCheck', shortcut: 'Alt+3' };

/** A role's views; the approvals go to whoever decides erasure requests (domain/lifecycles.ts), never to a list of our own. */
const views = (role: Role, items: readonly NavItem[]): readonly NavItem[] => [...items, ...(performers('erasureRequest.decide').includes(role) ? [APPROVALS] : [])];

export const NAVIGATION: Record<Role, readonly NavItem[]> = {
  care_rep: views('care_rep', [CUSTOMERS, CONFLICTS]),
  supervisor: views('supervisor', [CUSTOMERS, CONFLICTS]),
  billing_clerk: views('billing_clerk', [CUSTOMERS, CONFLICTS]),
  network_ops: views('network_ops', [CUSTOMERS]),
  compliance: views('compliance', [CUSTOMERS]),
  admin: views('admin', []),
};

export function viewFromHash(hash: string, role: Role): ViewId | null {
  const wanted = hash.replace(/^#\/?/, '');
  return NAVIGATION[role].find((item) => item.view === wanted)?.view ?? NAVIGATION[role][0]?.view ?? null;
}

/** The tabs of a customer's profile: billing for the roles the policy sends invoices and payments to. */
export type ProfileTab = 'overview' | 'billing';
export function profileTabs(role: Role): ProfileTab[] {
  return visibleEntities(role).includes('invoice') ? ['overview', 'billing'] : ['overview'];
}
