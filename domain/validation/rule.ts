import { z } from 'zod';

/** The options of a refinement that names its rule, so a ValidationError can say which rule failed. */
export function rule(name: string, message: string) {
  return { message, params: { rule: name } };
}

/** A string matching `pattern`, failing with rule `name`. */
export function matching(pattern: RegExp, name: string, message: string) {
  return z.string().refine((value) => pattern.test(value), rule(name, message));
}
