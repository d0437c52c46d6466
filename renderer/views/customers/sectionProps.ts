import type { CustomerProfile } from '../../../domain/console/contract';
import type { ConfirmedChange } from '../../hooks/useCustomer';

export interface SectionState {
  editing: boolean;
  mayEdit: boolean;
  /** the caller is not verified yet */
  locked: boolean;
  onEdit: () => void;
  onClose: (saved: boolean) => void;
  buttonRef: (el: HTMLButtonElement | null) => void;
}

export interface ProfileSectionProps {
  profile: CustomerProfile;
  confirmed: readonly ConfirmedChange[];
  onSave: (changes: Record<string, unknown>, reason: string) => Promise<unknown>;
}
