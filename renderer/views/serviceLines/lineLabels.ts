import type { SERVICE_LINE_STATUSES } from '../../../domain/entities/service';
import type { Tone } from '../../components/Badge';

type LineStatus = (typeof SERVICE_LINE_STATUSES)[number];

/** How a line's status reads, and the word for taking a line to it (the step's button). */
export const LINE_STATUS: Record<LineStatus, { label: string; tone: Tone; step: string }> = {
  active: { label: 'Active', tone: 'good', step: 'Activate' },
  pending: { label: 'Pending', tone: 'info', step: 'Set pending' },
  suspended: { label: 'Suspended', tone: 'warn', step: 'Suspend' },
  ported_out: { label: 'Ported out', tone: 'neutral', step: 'Mark ported out' },
};

export const lineStatus = (status: unknown) => LINE_STATUS[status as LineStatus] ?? { label: String(status ?? '—'), tone: 'neutral' as Tone, step: String(status) };
