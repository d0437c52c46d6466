import type { AuditAction } from '../../../domain/entities/audit';
import type { AuditScope } from '../../../domain/auditView';
import type { Tone } from '../../components/Badge';

/** How each audit action reads in the audit view. Display only: what is recorded is the central store's. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'session.sign_in': 'Signed in',
  'session.sign_in_failed': 'Sign-in failed',
  'session.sign_out': 'Signed out',
  'device.enrolled': 'Device enrolled',
  'device.revoked': 'Device revoked',
  'user.disabled': 'User disabled',
  'user.enabled': 'User enabled',
  'caller.verification': 'Caller verification',
  'record.create': 'Record created',
  'record.update': 'Record changed',
  'record.update_rejected': 'Change refused',
  'record.update_held': 'Change held for review',
  'record.view': 'Profile viewed',
  'record.history': 'History read',
  'sync.pull': 'Synced',
  'card.replace': 'Card replaced',
  'billing.read': 'Billing viewed',
  'billing.adjustment': 'Credit or adjustment',
  'billing.adjustment_decided': 'Adjustment decided',
  'billing.adjustment_reversed': 'Adjustment reversed',
  'erasure.completed': 'Erasure carried out',
  'erasure.device_confirmed': 'Erasure confirmed by a desk',
  'erasure.certificate_read': 'Erasure certificate read',
  'erasure.reapplied': 'Erasure re-applied',
  'lead.converted': 'Lead converted',
  'sharing.exported': 'Partner file exported',
  'lead.retention_purged': 'Leads purged (retention)',
  'inquiry.replied': 'Inquiry answered',
  'erasure.retention_purged': 'Kept billing records purged',
  'inquiry.ingested': 'Inquiry received',
  'e911.updated': 'E911 address updated',
  'e911.review_flagged': 'Line flagged for E911 review',
  'e911.review_cleared': 'E911 review cleared',
  'audit.read': 'Audit log read',
  'customer.search': 'Customer search',
  'line.plan_changed': 'Line plan changed',
  'line.status_changed': 'Line status changed',
  'admin.viewed': 'Staff or workstations listed',
  'user.created': 'User created',
  'user.role_changed': 'Role changed',
  'user.privilege_granted': 'Privileged role granted',
  'user.team_assigned': 'Team assigned',
  'user.password_reset': 'Password reset',
  'user.disabled_inactive': 'User disabled (inactive 90 days)',
  'team.saved': 'Team saved',
  'enrolment.code_issued': 'Enrolment code issued',
  'session_policy.changed': 'Session policy changed',
  'disclosure.prepared': 'Disclosure prepared',
  'disclosure.approved': 'Disclosure approved and released',
  'subject_access.exported': 'Subject access report made',
};

export const AUDIT_OUTCOME_TONES: Record<string, { label: string; tone: Tone }> = {
  ok: { label: 'Done', tone: 'good' },
  denied: { label: 'Refused', tone: 'bad' },
  failed: { label: 'Failed', tone: 'bad' },
  conflict: { label: 'Conflict', tone: 'warn' },
  held: { label: 'Held', tone: 'warn' },
};

/** What the reader is shown, said once above the log. */
export const AUDIT_SCOPE_TEXT: Record<AuditScope, string> = {
  own: 'Your own actions.',
  team: 'Your actions and those of the teams you lead.',
  all: 'Every action recorded.',
  all_without_values: 'Every action recorded, without customer data: no names, and no fields of customer records.',
};
