import type { z } from 'zod';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { ROLE_LABELS, ROLES, type Role } from '../../../domain/roles';

/** The issues of a form's values by the operation's own input schema (domain/admin.ts): no rule of the renderer's. */
export function issuesBy(schema: z.ZodType, values: unknown): FieldIssue[] {
  const parsed = schema.safeParse(values);
  return parsed.success ? [] : issuesFromZod(parsed.error);
}

export const ROLE_OPTIONS: { value: Role; label: string }[] = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** "3 edits not yet delivered" */
export function pendingLabel(n: number): string {
  return n === 0 ? 'no edit waiting' : `${n} edit${n === 1 ? '' : 's'} not yet delivered`;
}
