import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './Button';

/**
 * A modal dialog (the native one: focus stays inside, the page behind is inert): a title, a Close
 * button, Esc closes it, and focus goes back where it was.
 */
export function Dialog({ title, className, onClose, describedBy, children }: { title: string; className?: string; onClose: () => void; /** the id of what a screen reader reads after the title */ describedBy?: string; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const returnTo = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => returnTo?.focus();
  }, []);
  return (
    <dialog ref={dialog} className={['dialog', className].filter(Boolean).join(' ')} aria-labelledby={titleId} aria-describedby={describedBy} onClose={onClose} onCancel={(e) => (e.preventDefault(), onClose())}>
      <header className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <Button variant="ghost" onClick={onClose} shortcut="Esc">
          Close
        </Button>
      </header>
      {children}
    </dialog>
  );
}
