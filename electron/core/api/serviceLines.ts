import type { ServiceLineListing, ServiceLineQuery } from '../../../domain/console/contract';
import { PolicyError } from '../../../domain/errors';
import { visibleEntities } from '../../../domain/policy';
import { LINE_COUNT_CAP } from '../cache/records';
import type { OpenSession } from '../session/session';
import { displayName } from './customers';

type Listed = ServiceLineListing['lines'][number];
type ListedCustomer = NonNullable<Listed['customer']>;

/**
 * Network operations' service lines (issue 14) as this role's cache holds them: a status's lines, the
 * lines the central store flagged for an E911 review (oldest flag first: the queue), or one
 * customer's. Each comes with its customer's name, phones and service address only, whatever else
 * the role's cache holds (DESIGN §3: network operations read no more of a customer).
 */
export function listServiceLines(s: OpenSession, query: ServiceLineQuery): ServiceLineListing {
  if (!visibleEntities(s.user.role).includes('serviceLine')) throw new PolicyError(`the ${s.user.role} role does not see service lines`);
  const { lines, total } = query.by === 'customer' ? ofCustomer(s, query.customerId) : s.cache.serviceLines(query.by === 'status' ? { by: 'status', status: query.status } : { by: 'review' }, query.limit);
  const customers = new Map<string, Listed['customer']>();
  const customerOf = (id: unknown): Listed['customer'] => {
    if (typeof id !== 'string') return null;
    if (!customers.has(id)) {
      const c = s.cache.effectiveRecord('customer', id);
      customers.set(
        id,
        c && {
          id,
          name: displayName(c),
          phones: Array.isArray(c.phones) ? (c.phones as ListedCustomer['phones']) : [],
          serviceAddress: (c.serviceAddress as ListedCustomer['serviceAddress']) ?? null,
        },
      );
    }
    return customers.get(id)!;
  };
  return {
    lines: lines.map((line) => ({ line: line as Listed['line'], customer: customerOf(line.customerId) })),
    total,
    capped: query.by !== 'customer' && total >= LINE_COUNT_CAP,
  };
}

function ofCustomer(s: OpenSession, customerId: string) {
  const lines = s.cache.effectiveRecordsOfCustomer('serviceLine', customerId);
  return { lines, total: lines.length };
}
