import { LEGAL_HOLD_LABELS } from '../../../domain/entities/compliance';
import type { Tone } from '../../components/Badge';

type HoldKind = keyof typeof LEGAL_HOLD_LABELS;

/** How a hold's status reads, and its tone. Display only: the steps live in domain/lifecycles.ts. */
export const HOLD_STATUS: Record<string, { label: string; tone: Tone }> = {
  active: { label: 'Active', tone: 'warn' },
  released: { label: 'Released', tone: 'neutral' },
};

/** A kind as the domain words it ("an ECPA preservation request"), capitalised to stand alone in a list or a menu. */
export function holdKindLabel(kind: unknown): string {
  const label = LEGAL_HOLD_LABELS[kind as HoldKind] ?? String(kind);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
