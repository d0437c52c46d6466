import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

type Tone = 'info' | 'good' | 'warn' | 'bad';
const ICONS: Record<Tone, IconName> = { info: 'clock', good: 'check', warn: 'alert', bad: 'alert' };

/** An inline message. `assertive` for errors the rep must hear now; polite otherwise. */
export function Notice({ tone = 'info', children, id, assertive }: { tone?: Tone; children: ReactNode; id?: string; assertive?: boolean }) {
  return (
    <div id={id} className={`notice notice-${tone}`} role={assertive ? 'alert' : 'status'}>
      <Icon name={ICONS[tone]} size={15} />
      <div>{children}</div>
    </div>
  );
}
