import { useRef, type KeyboardEvent } from 'react';
import { Kbd } from '../../components/Kbd';
import type { ProfileTab } from '../../navigation';

export const TAB_LABELS: Record<ProfileTab, { label: string; shortcut: string }> = {
  overview: { label: 'Overview', shortcut: 'Alt+O' },
  billing: { label: 'Billing', shortcut: 'Alt+B' },
};

/** The profile's tabs (WAI-ARIA tabs: arrows move between them, the panel follows). */
export function ProfileTabs({ tabs, current, onSelect }: { tabs: readonly ProfileTab[]; current: ProfileTab; onSelect: (tab: ProfileTab) => void }) {
  const refs = useRef(new Map<ProfileTab, HTMLButtonElement | null>());
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = tabs[(tabs.indexOf(current) + step + tabs.length) % tabs.length]!;
    onSelect(next);
    refs.current.get(next)?.focus();
  };
  return (
    <div className="profile-tabs" role="tablist" aria-label="Customer views" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab}
          type="button"
          role="tab"
          id={`tab-${tab}`}
          className="profile-tab"
          aria-selected={tab === current}
          aria-controls={`tabpanel-${tab}`}
          aria-keyshortcuts={TAB_LABELS[tab].shortcut}
          tabIndex={tab === current ? 0 : -1}
          onClick={() => onSelect(tab)}
          ref={(el) => void refs.current.set(tab, el)}
        >
          {TAB_LABELS[tab].label}
          <Kbd>{TAB_LABELS[tab].shortcut}</Kbd>
        </button>
      ))}
    </div>
  );
}
