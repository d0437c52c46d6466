import { Badge } from '../../components/Badge';
import type { Mark } from './changeMarks';

const MARKS = {
  // blue and its own words: an account whose status is pending wears amber "Pending" (issue 13)
  pending: { tone: 'info', icon: 'clock', text: 'Waiting to send', title: 'Saved on this workstation; waiting for the central store to confirm' },
  conflict: { tone: 'bad', icon: 'split', text: 'Conflict', title: 'Someone else changed this meanwhile: resolve it under Conflicts' },
  held: { tone: 'warn', icon: 'shield', text: 'Held for review', title: 'Not applied: the central store keeps this change for a supervisor to review; see why under Changes' },
  rejected: { tone: 'bad', icon: 'alert', text: 'Rejected', title: 'The central store refused this change; see why under Changes' },
  confirmed: { tone: 'good', icon: 'check', text: 'Confirmed', title: 'The central store has applied this change' },
} as const;

export function ChangeMark({ mark }: { mark: Mark | null }) {
  if (!mark) return null;
  const m = MARKS[mark];
  return (
    <Badge tone={m.tone} icon={m.icon} title={m.title}>
      {m.text}
    </Badge>
  );
}
