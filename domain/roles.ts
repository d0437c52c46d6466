import { z } from 'zod';

/** The qualified employees of the privacy policy, DESIGN §3. Order matters: it is the column order of the policy table. */
export const ROLES = ['care_rep', 'billing_clerk', 'network_ops', 'supervisor', 'compliance', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  care_rep: 'Care rep',
  billing_clerk: 'Billing clerk',
  network_ops: 'Network operations',
  supervisor: 'Supervisor',
  compliance: 'Compliance officer',
  admin: 'Administrator',
};
