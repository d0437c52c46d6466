import type { ReactNode } from 'react';

/**
 * A keyboard shortcut. Beside a control it is a decorative hint (the control carries
 * aria-keyshortcuts); in a list of shortcuts it is `announced`.
 */
export function Kbd({ children, announced }: { children: ReactNode; announced?: boolean }) {
  return (
    <kbd className="kbd" aria-hidden={announced ? undefined : true}>
      {children}
    </kbd>
  );
}
