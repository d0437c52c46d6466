import { ADJUSTMENT_STATUSES, BILLING_STATUSES, CALLBACK_STATUSES, ERASURE_STATUSES, INQUIRY_STATUSES, INVOICE_STATUSES, LEAD_STATUSES, LEGAL_HOLD_STATUSES, ORDER_STATUSES, SERVICE_LINE_STATUSES, type EntityName } from './entities';
import type { FieldIssue } from './errors';
import type { Role } from './roles';

/**
 * The lifecycles of records that have one (DESIGN §8): which status may follow which, and who may
 * make each step. The one place this is written down: the central store refuses a pushed status
 * change that is not a step here for the pusher's role (`transition.not_allowed`), the desk offers
 * only the steps here, and an operation's roles are read from here, never restated.
 *
 * `from: null` is the creating step (a record born with its initial status). `by: 'central'` is a
 * step only the central store takes itself, never on anyone's push (an erasure is `completed` when
 * the store has erased, not when someone says so). `notBy` names a field holding the user who took
 * an earlier step and who may not take this one (an erasure request is decided by someone other
 * than its filer).
 */
export type Actor = Role | 'central';

export interface Transition<S extends string = string> {
  from: S | null;
  to: S;
  by: readonly Actor[];
  /** a field of the record naming a user who may not take this step */
  notBy?: string;
  /** fields the central store sets itself when this step is taken: who took it and when (never the desk's word) */
  stamp?: { by: string; at: string };
  /** what must hold for the step, checked by the central store against what it holds (central/sync/stepRules.ts) */
  guard?: 'no_legal_hold';
  /** what the central store does, in the same transaction, once the step is taken (central/sync/stepRules.ts) */
  effect?: 'erase';
}

export interface Lifecycle<S extends string = string> {
  /** the record's status field */
  field: string;
  states: readonly S[];
  transitions: readonly Transition<S>[];
}

const lifecycle = <S extends string>(field: string, states: readonly S[], transitions: readonly Transition<S>[]): Lifecycle<S> => ({ field, states, transitions });
const steps = <S extends string>(pairs: readonly (readonly [S | null, S])[], by: readonly Actor[], rules: Pick<Transition, 'notBy' | 'stamp' | 'guard' | 'effect'> = {}): Transition<S>[] =>
  pairs.map(([from, to]) => ({ from, to, by, ...rules }));

const REP_AND_SUPERVISOR = ['care_rep', 'supervisor'] as const;
const DECIDERS = ['supervisor', 'compliance'] as const;

export const LIFECYCLES: Partial<Record<EntityName, Lifecycle>> = {
  erasureRequest: lifecycle('status', ERASURE_STATUSES, [
    ...steps([[null, 'pending']], REP_AND_SUPERVISOR),
    // an approval is refused while a legal hold is active, and erases the customer in its own transaction
    ...steps([['pending', 'approved']], DECIDERS, { notBy: 'filedBy', stamp: { by: 'decidedBy', at: 'decidedAt' }, guard: 'no_legal_hold', effect: 'erase' }),
    ...steps([['pending', 'rejected']], DECIDERS, { notBy: 'filedBy', stamp: { by: 'decidedBy', at: 'decidedAt' } }),
    ...steps([['approved', 'completed']], ['central']),
  ]),
  lead: lifecycle('status', LEAD_STATUSES, [
    ...steps([[null, 'new'], ['new', 'contacted'], ['new', 'quoted'], ['contacted', 'quoted'], ['new', 'closed'], ['contacted', 'closed'], ['quoted', 'closed']], REP_AND_SUPERVISOR),
    // conversion creates the customer and the order: the central store's step, on the rep's request
    ...steps([['contacted', 'converted'], ['quoted', 'converted']], ['central']),
    ...steps([['closed', 'new']], ['supervisor']),
  ]),
  inquiry: lifecycle('status', INQUIRY_STATUSES, [
    // ingested and answered by the central store (mail in, mail out)
    ...steps([[null, 'open'], ['open', 'answered']], ['central']),
    ...steps([['open', 'closed'], ['answered', 'closed']], REP_AND_SUPERVISOR),
    ...steps([['closed', 'open']], ['supervisor']),
  ]),
  legalHold: lifecycle('status', LEGAL_HOLD_STATUSES, [
    ...steps([[null, 'active']], ['compliance']),
    ...steps([['active', 'released']], ['compliance'], { stamp: { by: 'releasedBy', at: 'releasedAt' } }),
  ]),
  // issue 16: recorded on a call (offline too), and marked done by whoever called the customer back
  callbackRequest: lifecycle('status', CALLBACK_STATUSES, [
    ...steps([[null, 'requested']], REP_AND_SUPERVISOR),
    ...steps([['requested', 'done']], REP_AND_SUPERVISOR, { stamp: { by: 'doneBy', at: 'doneAt' } }),
  ]),
  order: lifecycle('status', ORDER_STATUSES, [
    ...steps([[null, 'placed'], ['placed', 'provisioning'], ['provisioning', 'fulfilled'], ['placed', 'cancelled'], ['provisioning', 'cancelled']], ['central']),
  ]),
  serviceLine: lifecycle('status', SERVICE_LINE_STATUSES, [
    ...steps([['pending', 'active'], ['active', 'suspended'], ['suspended', 'active'], ['active', 'ported_out'], ['suspended', 'ported_out'], ['pending', 'ported_out']], ['network_ops']),
  ]),
  billingAccount: lifecycle('status', BILLING_STATUSES, [
    ...steps([['current', 'past_due'], ['past_due', 'current'], ['past_due', 'collections'], ['collections', 'current'], ['current', 'closed'], ['past_due', 'closed'], ['collections', 'closed']], ['billing_clerk']),
  ]),
  // recorded, approved and declined online (billingAccount.recordAdjustment, billingAdjustment.decide):
  // the central store takes each step on a clerk's or a supervisor's request, by domain/adjustments.ts
  billingAdjustment: lifecycle('status', ADJUSTMENT_STATUSES, [
    ...steps([[null, 'applied'], [null, 'awaiting_approval'], ['awaiting_approval', 'applied'], ['awaiting_approval', 'declined']], ['central']),
  ]),
  invoice: lifecycle('status', INVOICE_STATUSES, [
    ...steps([['open', 'paid'], ['open', 'overdue'], ['overdue', 'paid'], ['open', 'void'], ['overdue', 'void']], ['billing_clerk']),
  ]),
};

/** The step from `from` to `to` of `entity`'s lifecycle, if there is one. */
export function transitionOf(entity: EntityName, from: string | null, to: string): Transition | undefined {
  return LIFECYCLES[entity]?.transitions.find((t) => t.from === from && t.to === to);
}

/** The step that creates a record of `entity` (from nothing to its initial status), if records of it are created by people. */
export function creatingStep(entity: EntityName): Transition | undefined {
  return LIFECYCLES[entity]?.transitions.find((t) => t.from === null);
}

/**
 * The status change `changes` make to `current`, if they make one: the lifecycle's status field,
 * from and to, and the step of the table that matches (undefined when the table holds none). The
 * one reading of a status change that the step checks, the stamps and the store's guards and
 * effects all share.
 */
export function statusChange(entity: EntityName, current: Record<string, unknown>, changes: Record<string, unknown>): { field: string; from: string | null; to: string; step: Transition | undefined } | null {
  const lifecycle = LIFECYCLES[entity];
  if (!lifecycle || !(lifecycle.field in changes)) return null;
  const field = lifecycle.field;
  const from = (current[field] ?? null) as string | null;
  const to = changes[field] as string;
  if (from === to) return null;
  return { field, from, to, step: transitionOf(entity, from, to) };
}

/**
 * Whether `changes` to `current` by `user` take a step of the entity's lifecycle that this role may
 * take: a step the table does not hold, one for other roles (or only for the central store), or one
 * the record names this user as barred from (`notBy`: a filer deciding their own request) is a
 * field issue naming the rule. No status change, or no lifecycle: null.
 */
export function stepViolation(entity: EntityName, current: Record<string, unknown>, changes: Record<string, unknown>, user: { id: string; role: Role }): FieldIssue | null {
  const change = statusChange(entity, current, changes);
  if (!change) return null;
  const { field, from, to, step } = change;
  if (!step) return { field, rule: 'transition.not_allowed', message: `${entity} ${field} cannot go from ${from ?? 'nothing'} to ${to}` };
  if (!step.by.includes(user.role)) {
    const who = step.by.length === 1 && step.by[0] === 'central' ? 'only the central store takes it' : `it is for ${step.by.join(', ')}`;
    return { field, rule: 'transition.not_allowed', message: `a ${user.role} may not take ${entity} ${field} from ${from} to ${to}: ${who}` };
  }
  if (step.notBy && current[step.notBy] === user.id) {
    return { field, rule: 'transition.same_person', message: `${entity} ${field} ${from} → ${to} must be taken by someone other than ${step.notBy}` };
  }
  return null;
}

/**
 * The fields the central store sets itself when `changes` take a step that stamps who took it and
 * when (an erasure request's decider): from the user who pushed it and the store's clock.
 */
export function stepStamp(entity: EntityName, current: Record<string, unknown>, changes: Record<string, unknown>, user: { id: string }, at: string): Record<string, unknown> {
  const stamp = statusChange(entity, current, changes)?.step?.stamp;
  return stamp ? { [stamp.by]: user.id, [stamp.at]: at } : {};
}

/** The steps `actor` may take from `from`: what a desk offers. */
export function nextStates(entity: EntityName, from: string | null, actor: Actor): string[] {
  return (LIFECYCLES[entity]?.transitions ?? []).filter((t) => t.from === from && t.by.includes(actor)).map((t) => t.to);
}
