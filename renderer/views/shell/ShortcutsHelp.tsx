import { Dialog } from '../../components/Dialog';
import { Kbd } from '../../components/Kbd';
import { setShortcutsEnabled, useShortcutsEnabled } from '../../hooks/useHotkeys';
import type { NavItem } from '../../navigation';
import { shortcutGroups } from '../../shortcuts';

/**
 * The shortcuts of this role's console (`?`), and the switch that turns the Alt and single-key ones
 * off for someone who would rather type (Ctrl ones stay: search, lock, send). A modal dialog: focus
 * stays inside, Esc closes it and focus goes back where it was.
 */
export function ShortcutsHelp({ nav, onClose }: { nav: readonly NavItem[]; onClose: () => void }) {
  const enabled = useShortcutsEnabled();
  return (
    <Dialog title="Keyboard shortcuts" className="shortcuts-help" onClose={onClose}>
      <label className="shortcuts-switch">
        <input type="checkbox" checked={enabled} onChange={(e) => setShortcutsEnabled(e.target.checked)} />
        <span>
          Use Alt and single-key shortcuts
          <span className="muted small"> — they never act while you type in a field; Ctrl shortcuts always work</span>
        </span>
      </label>
      <div className="shortcuts-groups">
        {shortcutGroups(nav).map((group) => (
          <section key={group.title} className="shortcuts-group" aria-label={group.title}>
            <h3>{group.title}</h3>
            <dl>
              {group.items.map((item) => (
                <div key={item.does} className={`shortcuts-row${!enabled && !item.chords.some((c) => c.startsWith('Ctrl+') || c === 'Enter' || c === 'Esc') ? ' is-off' : ''}`}>
                  <dt>
                    {item.chords.map((chord, i) => (
                      <span key={chord}>
                        {i > 0 && <span className="muted"> or </span>}
                        <Kbd announced>{chord}</Kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{item.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
