import type { ReactNode } from 'react';
import { chordLabel } from '../hooks/useHotkeys';

/**
 * A keyboard shortcut, named as this platform's keyboard names it (⌃⌥E on macOS). Beside a control
 * it is a decorative hint (the control carries aria-keyshortcuts); in a list of shortcuts it is
 * `announced`.
 */
export function Kbd({ children, announced }: { children: ReactNode; announced?: boolean }) {
  return (
    <kbd className="kbd" aria-hidden={announced ? undefined : true}>
      {typeof children === 'string' ? chordLabel(children) : children}
    </kbd>
  );
}
