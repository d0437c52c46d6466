import { sameValue } from './records';

/** Both sides changed one field since the base: the user decides (DESIGN §5). */
export interface FieldConflict {
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeOutcome {
  /** fields to write: the server still held the base value */
  apply: Record<string, unknown>;
  /** fields the server already holds with the new value: nothing to do */
  unchanged: string[];
  conflicts: FieldConflict[];
}

/**
 * Field-level three-way merge. For each changed field: the server value still equals the base →
 * write it; it already equals the new value → no-op; anything else → a conflict carrying both.
 */
export function mergeFields(
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  theirs: (field: string) => unknown,
): MergeOutcome {
  const outcome: MergeOutcome = { apply: {}, unchanged: [], conflicts: [] };
  for (const [field, value] of Object.entries(mine)) {
    const current = theirs(field);
    if (sameValue(current, value)) outcome.unchanged.push(field);
    else if (sameValue(current, base[field])) outcome.apply[field] = value;
    else outcome.conflicts.push({ field, base: base[field] ?? null, mine: value, theirs: current ?? null });
  }
  return outcome;
}
