import { z } from 'zod';
import { requiredText, rule } from '../validation/rule';

export const Id = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();
/** Money is whole cents, never floating point. */
export const Cents = z.number().int();

export const personName = requiredText(100).refine(
  (value) => !/[\p{Cc}<>]/u.test(value),
  rule('name.characters', 'no control characters or angle brackets'),
);
