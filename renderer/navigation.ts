import { AUDIT_SCOPES } from '../domain/auditView';
import { performers, type OperationName } from '../domain/operations';
import { visibleEntities } from '../domain/policy/fieldPolicy';
import type { Role } from '../domain/roles';
import type { IconName } from './components/Icon';
import { APPROVAL_KINDS } from './views/approvals/approvalKinds';

/**
 * The console's navigation, built per role from the start: each role sees the views of its work.
 * Views of other roles come in later releases; until then they see what is built for them.
 */
export type ViewId = 'customers' | 'conflicts' | 'approvals' | 'holds' | 'leads' | 'inquiries' | NetworkOpsViewId | AdminViewId | ComplianceViewId | 'audit' | 'policy' | 'lockouts';
/** network operations' views (issue 14): the service lines, and the E911 review queue */
export type NetworkOpsViewId = 'lines' | 'review';
/** the administrator's views (issue 14): no customer view among them */
export type AdminViewId = 'users' | 'devices';
/** issue 14: the compliance officer's registers and reports */
type ComplianceViewId = 'disclosures' | 'sharing' | 'subjects';

export interface NavItem {
  view: ViewId;
  label: string;
  icon: IconName;
  shortcut: string;
}

const CUSTOMERS: NavItem = { view: 'customers', label: 'Customers', icon: 'users', shortcut: 'Alt+1' };
const CONFLICTS: NavItem = { view: 'conflicts', label: 'Conflicts', icon: 'split', shortcut: 'Alt+2' };
const APPROVALS: NavItem = { view: 'approvals', label: 'Approvals', icon: 'shieldCheck', shortcut: 'Alt+3' };
const HOLDS: NavItem = { view: 'holds', label: 'Legal holds', icon: 'scale', shortcut: 'Alt+4' };
const LEADS: NavItem = { view: 'leads', label: 'Leads', icon: 'userPlus', shortcut: 'Alt+5' };
const INQUIRIES: NavItem = { view: 'inquiries', label: 'Inquiries', icon: 'inbox', shortcut: 'Alt+6' };
const AUDIT: NavItem = { view: 'audit', label: 'Audit log', icon: 'receipt', shortcut: 'Alt+0' };
// issue 14: network operations' service lines and the lines flagged for an E911 review
const SERVICE_LINES: NavItem = { view: 'lines', label: 'Service lines', icon: 'line', shortcut: 'Alt+7' };
const E911_REVIEW: NavItem = { view: 'review', label: 'E911 review', icon: 'alert', shortcut: 'Alt+8' };
// the administrator's views: seen by no other role (no one else performs their operations), so their shortcuts start again at Alt+1
const USERS: NavItem = { view: 'users', label: 'Users', icon: 'users', shortcut: 'Alt+1' };
const DEVICES: NavItem = { view: 'devices', label: 'Workstations', icon: 'shield', shortcut: 'Alt+2' };
// issue 14, compliance
const DISCLOSURES: NavItem = { view: 'disclosures', label: 'Disclosures', icon: 'shield', shortcut: 'Alt+7' };
const SHARING: NavItem = { view: 'sharing', label: 'Partner sharing', icon: 'share', shortcut: 'Alt+8' };
const SUBJECT_ACCESS: NavItem = { view: 'subjects', label: 'Subject access', icon: 'fileText', shortcut: 'Alt+9' };
// issue 14: privacy-policy versions, for whoever publishes them (admins)
const POLICY: NavItem = { view: 'policy', label: 'Privacy policy', icon: 'shield', shortcut: 'Alt+3' };
/** sign-in lockouts (issue 14): for whoever lists them (the administering roles) */
const LOCKOUTS: NavItem = { view: 'lockouts', label: 'Sign-in lockouts', icon: 'lock', shortcut: 'Alt+4' };

/**
 * The views of a workflow, each for whoever performs its operation (domain/lifecycles.ts), never for
 * a list of our own: the approvals for those who decide one of its kinds (erasure requests, credits
 * above the threshold), the legal holds for those who place them, the leads for those who create
 * them, the inquiries for those who answer them. A view keeps its shortcut whoever sees it.
 */
const WORKFLOW_VIEWS: readonly (readonly [readonly OperationName[], NavItem])[] = [
  // the approvals queue holds several kinds, each decided by its own operation (views/approvals/approvalKinds.ts)
  [APPROVAL_KINDS.map((kind) => kind.decides), APPROVALS],
  [['legalHold.place'], HOLDS],
  [['lead.create'], LEADS],
  [['inquiry.reply'], INQUIRIES],
  // issue 14: the disclosure register, the sharing register and its exports, subject access reports
  [['disclosure.prepare', 'disclosure.approve'], DISCLOSURES],
  [['sharing.export'], SHARING],
  [['subjectAccess.report'], SUBJECT_ACCESS],
  // the lines and the review queue are the work of whoever changes a line's plan and status: network operations
  // (a rep also sets an E911 address, on a verified call, from the customer's profile: never from the queue)
  [['serviceLine.changePlan', 'serviceLine.setStatus'], SERVICE_LINES],
  [['serviceLine.changePlan', 'serviceLine.setStatus'], E911_REVIEW],
  [['admin.users'], USERS],
  [['admin.devices'], DEVICES],
  [['policyVersion.publish'], POLICY],
  [['lockout.list'], LOCKOUTS],
  // the audit log for every role with a scope of it (domain/auditView.ts: own, team, all, all without values)
  [['audit.search'], AUDIT],
];

/** A role's views: those of its work, then the workflows it performs. */
const views = (role: Role, items: readonly NavItem[]): readonly NavItem[] => [
  ...items,
  ...WORKFLOW_VIEWS.filter(([operations]) => operations.some((operation) => performers(operation).includes(role))).map(([, item]) => named(item, role)),
];
/** A supervisor's audit log is their team's activity (their scope of it, domain/auditView.ts), and is named so. */
const named = (item: NavItem, role: Role): NavItem => (item.view === 'audit' && AUDIT_SCOPES[role] === 'team' ? { ...item, label: 'Team activity' } : item);

export const NAVIGATION: Record<Role, readonly NavItem[]> = {
  care_rep: views('care_rep', [CUSTOMERS, CONFLICTS]),
  supervisor: views('supervisor', [CUSTOMERS, CONFLICTS]),
  billing_clerk: views('billing_clerk', [CUSTOMERS, CONFLICTS]),
  network_ops: views('network_ops', [CUSTOMERS]),
  compliance: views('compliance', [CUSTOMERS]),
  admin: views('admin', []),
};

/** A customer another view sends the user to (a converted lead's): opened in the customers view as a search result would be. */
export interface CustomerToOpen {
  id: string;
  name: string;
  accountNumber?: string;
}

export function viewFromHash(hash: string, role: Role): ViewId | null {
  const wanted = hash.replace(/^#\/?/, '');
  return NAVIGATION[role].find((item) => item.view === wanted)?.view ?? NAVIGATION[role][0]?.view ?? null;
}

/** The tabs of a customer's profile: billing for the roles the policy sends invoices and payments to. */
export type ProfileTab = 'overview' | 'billing';
export function profileTabs(role: Role): ProfileTab[] {
  return visibleEntities(role).includes('invoice') ? ['overview', 'billing'] : ['overview'];
}
