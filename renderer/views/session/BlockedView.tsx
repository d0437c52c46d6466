import { Notice } from '../../components/Notice';
import { SessionFrame } from './SessionFrame';

/** Said plainly, never worked around (DESIGN §4: no silent fallback to a weaker key store). */
export function BlockedView({ title, detail }: { title: string; detail: string }) {
  return (
    <SessionFrame title={title}>
      <Notice tone="bad">{detail}</Notice>
      <p className="session-subtitle">Ask IT to set up this computer; no customer data has been stored on it.</p>
    </SessionFrame>
  );
}
