import type { SessionState } from '../../../domain/console/contract';
import { ROLE_LABELS } from '../../../domain/roles';
import { Button } from '../../components/Button';
import { SearchField } from '../customers/SearchField';
import type { SearchBox } from '../customers/useSearchBox';
import { Brand } from './Brand';

type User = NonNullable<SessionState['user']>;

export function TopBar(props: { user: User; search: SearchBox; searchEnabled: boolean; resultsShown: boolean; onSearchInput: () => void; onLock: () => void; onSignOut: () => void }) {
  const { user, search } = props;
  return (
    <header className="topbar">
      <Brand compact />
      {props.searchEnabled && <SearchField search={search} onInput={props.onSearchInput} resultsShown={props.resultsShown} />}
      <div className="topbar-user">
        <div className="user-chip">
          <span className="avatar" aria-hidden="true">
            {initials(user.displayName)}
          </span>
          <div className="user-chip-text">
            <span className="user-chip-name">{user.displayName}</span>
            <span className="user-chip-role">{ROLE_LABELS[user.role]}</span>
          </div>
        </div>
        <Button variant="ghost" icon="lock" shortcut="Ctrl+Shift+L" onClick={props.onLock}>
          Lock
        </Button>
        <Button variant="ghost" icon="logout" onClick={props.onSignOut}>
          Sign out
        </Button>
      </div>
    </header>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}
