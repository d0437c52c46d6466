import type { Tone } from '../../components/Badge';

/** How the registers' states read (display only: the rules are domain/disclosure.ts's). */
export const DISCLOSURE_STATUS: Record<string, { label: string; tone: Tone }> = {
  prepared: { label: 'Awaiting approval', tone: 'warn' },
  approved: { label: 'Approved and released', tone: 'good' },
};

/** Who took a step, as the central store stamped it: the desk holds no directory of users, only ids. */
export function byWhom(by: unknown, userId: string): string {
  if (typeof by !== 'string') return 'no one yet';
  return by === userId ? 'you' : `another officer (${by.slice(0, 8)})`;
}
