import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Icon, type IconName } from './Icon';
import { Kbd } from './Kbd';
import { ariaKeyShortcuts } from '../hooks/useHotkeys';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: IconName;
  /** shown beside the label and announced as the shortcut */
  shortcut?: string;
  busy?: boolean;
  children: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', icon, shortcut, busy, children, className, type = 'button', disabled, ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, busy ? 'is-busy' : '', className].filter(Boolean).join(' ')}
      aria-keyshortcuts={shortcut && ariaKeyShortcuts(shortcut)}
      aria-busy={busy || undefined}
      disabled={disabled || busy}
      {...rest}
    >
      {icon && <Icon name={icon} size={15} />}
      <span>{children}</span>
      {shortcut && <Kbd>{shortcut}</Kbd>}
    </button>
  );
}
