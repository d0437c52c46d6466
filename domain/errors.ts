import type { z } from 'zod';

/**
 * Errors are values with a code the UI can show (STYLE.md). They cross the IPC and HTTP
 * boundaries as plain JSON (`toErrorBody`) and are rebuilt on the other side (`fromErrorBody`).
 */
export interface FieldIssue {
  /** dotted path of the field, e.g. `phones.0.number`, `serviceAddress.zip` */
  field: string;
  /** the rule it broke, e.g. `phone.e164`, `zip.format`, `required` */
  rule: string;
  message: string;
}

export type ErrorCode =
  | 'validation'
  | 'forbidden'
  | 'unauthenticated'
  | 'locked'
  | 'rate_limited'
  | 'not_found'
  | 'conflict'
  | 'offline'
  /** the central store's certificate is not from the pinned organisation CA, or TLS 1.3 was refused */
  | 'untrusted_server'
  | 'too_large'
  | 'no_keychain'
  | 'cache_unreadable'
  /** the workstation's disk has no room for the local cache to grow: what was saved before is kept */
  | 'disk_full'
  | 'offline_too_long'
  | 'device_not_enrolled'
  /** an administrator disabled this account: the workstation wipes the user's cache, it does not ask for a sign-in */
  | 'user_disabled'
  /** the workstation and the central store speak no common sync protocol version: one of them needs updating */
  | 'protocol_unsupported'
  /** the central store was restored from a backup since the desk last synced: the desk syncs again from the start, keeping its outbox */
  | 'resync_required'
  /** a service the central store depends on is missing or down (its mail relay): nothing was done */
  | 'unavailable'
  | 'internal';

export class CareDeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'CareDeskError';
  }
}

export class ValidationError extends CareDeskError {
  constructor(issues: FieldIssue[]) {
    super('validation', issues.map((i) => `${i.field}: ${i.message}`).join('; ') || 'invalid input', issues);
    this.name = 'ValidationError';
  }
}

/** A role tried to read or change what the field policy does not give it. */
export class PolicyError extends CareDeskError {
  constructor(message: string, issues: FieldIssue[] = []) {
    super('forbidden', message, issues);
    this.name = 'PolicyError';
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
}

export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof CareDeskError) {
    return err.issues.length ? { code: err.code, message: err.message, issues: err.issues } : { code: err.code, message: err.message };
  }
  return { code: 'internal', message: 'internal error' };
}

export function fromErrorBody(body: ErrorBody): CareDeskError {
  return body.code === 'validation' ? new ValidationError(body.issues ?? []) : new CareDeskError(body.code, body.message, body.issues ?? []);
}

/** Turns zod issues into field issues. A refinement names its rule in `params.rule`. */
export function issuesFromZod(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.') || '(input)';
    const params = (issue as { params?: { rule?: string } }).params;
    return { field: path, rule: params?.rule ?? ruleOfZodIssue(issue), message: issue.message };
  });
}

function ruleOfZodIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // a number with a fraction where a whole one is asked (zod reports no input, so this is told by what it expected)
      if (issue.expected === 'int') return 'integer';
      return issue.input === undefined ? 'required' : 'type';
    case 'too_small':
      return 'min';
    case 'too_big':
      return 'max';
    case 'invalid_format':
      return `format.${issue.format}`;
    case 'invalid_value':
      return 'one_of';
    case 'unrecognized_keys':
      return 'unknown_field';
    default:
      return issue.code;
  }
}

/** Parses `input` with `schema`, throwing a ValidationError that names each field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix: readonly (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesFromZod(result.error, prefix));
  return result.data;
}
