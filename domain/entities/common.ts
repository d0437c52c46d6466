import { z } from 'zod';
import { rule } from '../validation/rule';
import { requiredText } from '../validation/text';

export const Id = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();
/** Money is whole minor units of the account's currency (cents of a dollar; yen themselves), never floating point. */
export const Cents = z.number().int();

/** A first or last name: the text rule, and no angle brackets (a name is never markup). */
export const personName = requiredText(100).refine((value) => !/[<>]/.test(value), rule('name.characters', 'no angle brackets'));
