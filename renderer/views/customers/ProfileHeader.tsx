import type { Ref } from 'react';
import { Badge } from '../../components/Badge';
import { date, statusTone, titleCase } from '../../format';

export function ProfileHeader({ customer, headingRef }: { customer: Record<string, unknown>; headingRef: Ref<HTMLHeadingElement> }) {
  const name = [customer.firstName, customer.lastName].filter((v) => typeof v === 'string').join(' ') || '(no name)';
  return (
    <header className="profile-header">
      <h1 id="profile-name" ref={headingRef} tabIndex={-1}>
        {name}
      </h1>
      <div className="profile-facts">
        {'accountStatus' in customer && (
          <Badge tone={statusTone(customer.accountStatus)}>
            <span className="sr-only">Account status: </span>
            {titleCase(customer.accountStatus)}
          </Badge>
        )}
        <span>
          Account <span className="mono strong">{String(customer.accountNumber ?? '—')}</span>
        </span>
        {typeof customer.createdAt === 'string' && <span>Customer since {date(customer.createdAt)}</span>}
      </div>
    </header>
  );
}
