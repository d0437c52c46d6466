import type { z } from 'zod';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';

/** How a form names what a list holds: one service, ten services. */
export type Counted = Record<string, readonly [one: string, many: string]>;

const count = (n: number, [one, many]: readonly [string, string]) => (n === 1 ? `one ${one}` : `${n} ${many}`);

/**
 * The issues of `value` by the domain's `schema`, each with the domain's field and rule; a list's
 * bound broken ("at least 1", "at most 10") is said with the form's own word for what it lists, the
 * bound itself read from the schema's issue, never restated here.
 */
export function domainIssues(schema: z.ZodType, value: unknown, counted: Counted = {}): FieldIssue[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  const raw = parsed.error.issues;
  return issuesFromZod(parsed.error).map((issue, n) => {
    const zodIssue = raw[n]!;
    const noun = counted[issue.field];
    if (!noun) return issue;
    if (zodIssue.code === 'too_small') return { ...issue, message: `name at least ${count(Number(zodIssue.minimum), noun)}` };
    if (zodIssue.code === 'too_big') return { ...issue, message: `at most ${count(Number(zodIssue.maximum), noun)}` };
    return issue;
  });
}
