import { z } from 'zod';

/** The options of a refinement that names its rule, so a ValidationError can say which rule failed. */
export function rule(name: string, message: string) {
  return { message, params: { rule: name } };
}

/** A string matching `pattern`, failing with rule `name`. */
export function matching(pattern: RegExp, name: string, message: string) {
  return z.string().refine((value) => pattern.test(value), rule(name, message));
}

/** A trimmed, required string of at most `max` characters. */
export function requiredText(max: number) {
  return z
    .string()
    .trim()
    .refine((value) => value.length > 0, rule('required', 'required'))
    .refine((value) => value.length <= max, rule('max_length', `at most ${max} characters`));
}

export const MAX_REASON_LENGTH = 500;

/** Why a record is being changed (or money moved): required, so every change can be explained later. */
export const ChangeReason = z
  .string()
  .trim()
  .refine((value) => value.length >= 3, rule('reason.required', 'say why this is being changed (at least 3 characters)'))
  .refine((value) => value.length <= MAX_REASON_LENGTH, rule('max_length', `at most ${MAX_REASON_LENGTH} characters`));
