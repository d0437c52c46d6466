import { Icon } from '../../components/Icon';
import type { NavItem, ViewId } from '../../navigation';

export function NavRail({ items, current, onSelect, conflicts }: { items: readonly NavItem[]; current: ViewId | null; onSelect: (view: ViewId) => void; conflicts: number }) {
  return (
    <nav className="navrail" aria-label="Console views">
      <ul>
        {items.map((item) => (
          <li key={item.view}>
            <button
              type="button"
              className="nav-item"
              aria-current={current === item.view ? 'page' : undefined}
              aria-keyshortcuts={item.shortcut}
              title={`${item.label} (${item.shortcut})`}
              onClick={() => onSelect(item.view)}
            >
              <Icon name={item.icon} size={18} />
              <span className="nav-label">{item.label}</span>
              {item.view === 'conflicts' && conflicts > 0 && (
                <span className="nav-count" aria-label={`${conflicts} unresolved`}>
                  {conflicts}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
